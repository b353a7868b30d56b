"""Refuse an uploaded spreadsheet that is unsafe before any library parses it.

An .xlsx is a zip of XML. Before python-calamine sees it, ``check_xlsx`` checks the zip (entry
count, declared and actual sizes, compression ratios) and every XML part: it must be well formed
with no DOCTYPE or entity declaration (no entity-expansion bombs), and no row or cell may lie
past the limits, because calamine allocates the whole rectangle up to the farthest cell (one
cell at XFD1048576 in a 600-byte file would otherwise abort the process).

Every XML part is checked, wherever the package's relationships put the sheets. Each is streamed
once through expat with no per-element callback (well-formedness and the DOCTYPE refusal at C
speed) while byte patterns read the references of rows and cells as spreadsheet programs write
them (``<row r="12"``, ``<c r="AB12"``; any case, leading zeros) and count every ``<row``/``<c``
start tag. When the counts disagree (a namespace prefix, other quotes or spaces, another
attribute first, a row or cell without a reference, whose position then follows the previous
one) or the part is not in an ASCII-compatible encoding, the part is walked element by element
instead (``_walk``, the exact and slower way). Both refuse the same files.
"""

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import IO, Any
from xml.parsers import expat

from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 1_000
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 10 * 1024 * 1024
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """How large a workbook's sheets may be before calamine loads them: rows, columns, and
    rows × columns (``cells``; calamine allocates that rectangle), and the unzipped size."""

    rows: int
    columns: int
    uncompressed: int
    cells: int | None = None


def damaged() -> ImportFileError:
    return ImportFileError(_("The file is damaged: it is not a readable .xlsx."))


def not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))


def check_upload(data: bytes, *, max_bytes: int, size_message: str | None = None) -> str:
    """The kind of an upload, ``"xlsx"`` or ``"other"`` (a CSV if its name says so), after
    refusing an empty file, one over ``max_bytes`` and an encrypted or old binary workbook.
    ``size_message`` has ``%(size)`` and ``%(limit)`` placeholders (megabytes)."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > max_bytes:
        template = size_message or _("The file is %(size).1f MB; the limit is %(limit)d MB.")
        raise ImportFileError(
            template % {"size": len(data) / 1048576, "limit": max_bytes // 1048576}
        )
    if data.startswith(OLE2_MAGIC):
        raise ImportFileError(
            _(
                "This is a password-protected workbook or an old .xls file. Remove the password "
                "or save it as .xlsx (Excel: File › Save As › Excel Workbook) and try again."
            )
        )
    return "xlsx" if data.startswith(ZIP_MAGIC) else "other"


def is_csv_name(filename: str) -> bool:
    return filename.lower().endswith((".csv", ".txt"))


# --- The zip ----------------------------------------------------------------------------------


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse an .xlsx that is damaged, a zip bomb, has hostile XML or a sheet past ``limits``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise damaged() from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ImportFileError(_("The workbook has too many parts to be a checklist."))
    if sum(e.file_size for e in entries) > limits.uncompressed:
        raise ImportFileError(
            _("The workbook expands to more than %(size)d MB; it is refused.")
            % {"size": limits.uncompressed // 1048576}
        )
    for entry in entries:
        if entry.file_size > RATIO_CHECKED_ABOVE and (
            entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
        ):
            raise ImportFileError(
                _("The workbook is compressed suspiciously well (a zip bomb?); it is refused.")
            )
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise not_a_spreadsheet()
    try:
        for entry in entries:
            # zipfile stops at the declared size and checks the CRC, so reading every entry
            # proves the declared sizes checked above are the real ones.
            if entry.filename.endswith((".xml", ".rels")):
                # Every XML part, wherever the package's relationships put the sheets.
                check_part(partial(archive.open, entry), limits)
                continue
            with archive.open(entry) as stream:
                while stream.read(CHUNK):
                    pass
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, NotImplementedError):
        raise damaged() from None


# --- One XML part -----------------------------------------------------------------------------

# Rows and cells as spreadsheet programs write them: ``<row r="12"`` and ``<c r="AB12"``. Each
# pattern starts with a literal, which the regex engine finds at C speed. Tags in any other
# spelling (a prefix, other quotes, spaces, another attribute first, no reference) make the
# counts below disagree, and the part is then walked element by element.
_CELL_LETTERS = re.compile(rb'<c r="([A-Za-z]+)')
_ROW_DIGITS = re.compile(rb'<row r="0*(\d+)"')
_NOT_CELL = re.compile(rb"<c[^\s/>]")  # <col>, <cols>, <cfRule> …
_NOT_ROW = re.compile(rb"<row[^\s/>]")  # <rowBreaks> …
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")  # <x:c …>, <x:row …> (or such text)


class _TooBig(Exception):
    pass


@dataclass
class _Extent:
    """What the scan of one part found so far."""

    rows: int = 0  # <row> elements
    height: int = 0  # the farthest row number
    width: int = 0  # the farthest column number
    exact: bool = True  # every row and cell had a reference


def _refuse(*_args: object) -> int:
    raise damaged()


def _parser() -> Any:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    return parser


def _too_big(limits: Limits) -> ImportFileError:
    return ImportFileError(
        _("A sheet has more than %(rows)d rows or %(columns)d columns; split the file.")
        % {"rows": limits.rows, "columns": limits.columns}
    )


def check_part(open_part: Callable[[], IO[bytes]], limits: Limits) -> None:
    """Refuse one XML part that is malformed, declares a DOCTYPE or entities, or has a row or
    a cell past ``limits``. ``open_part`` opens the part (twice if it must be walked)."""
    with open_part() as stream:
        first = stream.read(CHUNK)
        if not _ascii_compatible(first):
            _walk(first, stream, limits)
            return
        extent = _fast_scan(first, stream, limits)
    if not extent.exact:
        with open_part() as stream:
            _walk(b"", stream, limits)
        return
    _check_cells(extent, limits)


def _fast_scan(first: bytes, stream: IO[bytes], limits: Limits) -> _Extent:
    parser = _parser()
    extent = _Extent()
    carry = b""
    chunk = first
    try:
        while chunk:
            parser.Parse(chunk, False)
            # Scan up to the last "<": expat found the part well formed so far, so no start
            # tag before it is cut (attribute values cannot hold "<").
            text = carry + chunk
            cut = text.rfind(b"<")
            cut = len(text) if cut < 0 else cut
            _scan(text[:cut], extent, limits)
            carry = text[cut:]
            chunk = stream.read(CHUNK)
        parser.Parse(b"", True)
        _scan(carry, extent, limits)
    except _TooBig:
        raise _too_big(limits) from None
    except expat.ExpatError:
        raise damaged() from None
    return extent


def _ascii_compatible(start: bytes) -> bool:
    """Whether markup reads as ASCII bytes (UTF-8 and the like, not UTF-16 or UTF-32)."""
    return not start.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in start[:4]


def _check_cells(extent: _Extent, limits: Limits) -> None:
    if limits.cells is not None and extent.height * extent.width > limits.cells:
        raise ImportFileError(
            _("A sheet spans more than %(cells)d cells (rows × columns); split the file.")
            % {"cells": limits.cells}
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def _scan(text: bytes, extent: _Extent, limits: Limits) -> None:
    """Fold the references of ``text``'s rows and cells into ``extent``."""
    if b"<" not in text:
        return
    row_tags = text.count(b"<row") - len(_NOT_ROW.findall(text))
    extent.rows += row_tags
    if extent.rows > limits.rows + 1000:
        raise _TooBig
    rows = _ROW_DIGITS.findall(text)
    cell_tags = text.count(b"<c") - len(_NOT_CELL.findall(text))
    references = text.count(b'<c r="')
    letters = _CELL_LETTERS.findall(text)
    if (
        len(rows) != row_tags
        or cell_tags != references
        or len(letters) != references
        or _PREFIXED.search(text)
    ):
        extent.exact = False
    for word in set(letters):
        if len(word) > 3:
            raise _TooBig
        column = _column_number(word.decode().upper())
        if column > limits.columns:
            raise _TooBig
        extent.width = max(extent.width, column)
    _fold_height(set(rows) | set(_cell_digits(limits).findall(text)), extent, limits)


@cache
def _cell_digits(limits: Limits) -> re.Pattern[bytes]:
    """The row numbers of cells that may lie past the limits: those with as many digits as the
    highest allowed row (or the highest row the ``cells`` limit allows at full width). Cells
    with fewer digits are within both, and are not looked at (a quarter of a million of them
    in a 10,000-row sheet)."""
    bound = limits.rows + 10_000
    if limits.cells is not None:
        bound = min(bound, limits.cells // limits.columns)
    return re.compile(rb'<c r="[A-Za-z]*0*(\d{%d,})' % len(str(bound)))


def _fold_height(numbers: set[bytes], extent: _Extent, limits: Limits) -> None:
    numbers.discard(b"")
    if not numbers:
        return
    longest = len(max(numbers, key=len))
    height = int(max(n for n in numbers if len(n) == longest))
    if height > limits.rows + 10_000:
        raise _TooBig
    extent.height = max(extent.height, height)


_SHEET_NAMESPACES = {
    "",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
}
# Expat's names for <row> and <c> elements ("namespace local", or just "local" outside one).
_ROW_NAMES = frozenset(f"{ns} row".lstrip() for ns in _SHEET_NAMESPACES)
_CELL_NAMES = frozenset(f"{ns} c".lstrip() for ns in _SHEET_NAMESPACES)


def _walk(first: bytes, stream: Any, limits: Limits) -> None:
    """Parse one part element by element (the exact, slower way) and refuse it if any row or
    cell lies past the limits; cells without a reference follow the previous one."""
    last_row = limits.rows + 10_000
    most_rows = limits.rows + 1000
    extent = _Extent()
    row = column = 0
    numbers: dict[str, int] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, column
        if name in _CELL_NAMES:
            reference = attrs.get("r", "").strip().upper()
            letters = reference.rstrip("0123456789")
            digits = reference[len(letters) :]
            if letters and letters.isalpha() and letters.isascii():
                if len(letters) > 3:
                    raise _TooBig
                column = numbers.get(letters) or numbers.setdefault(
                    letters, _column_number(letters)
                )
            else:
                column += 1
            if column > limits.columns:
                raise _TooBig
            extent.width = max(extent.width, column)
            if digits:
                number = int(digits)
                if number > last_row:
                    raise _TooBig
                extent.height = max(extent.height, number)
        elif name in _ROW_NAMES:
            reference = attrs.get("r", "").strip().upper()
            extent.rows += 1
            row = int(reference) if reference.isdigit() else row + 1
            column = 0
            if extent.rows > most_rows or row > last_row:
                raise _TooBig
            extent.height = max(extent.height, row)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    read: Callable[[int], bytes] = stream.read
    try:
        chunk = first
        while True:
            parser.Parse(chunk, False)
            chunk = read(CHUNK)
            if not chunk:
                break
        parser.Parse(b"", True)
    except _TooBig:
        raise _too_big(limits) from None
    except expat.ExpatError:
        raise damaged() from None
    _check_cells(extent, limits)
