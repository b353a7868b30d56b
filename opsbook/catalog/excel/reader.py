"""Turn an uploaded file into rows of cells, refusing anything unsafe before parsing it.

An .xlsx is a zip of XML. Before python-calamine sees it we check the zip (entry count, declared
and actual sizes, compression ratios) and scan each worksheet's XML for the extent of its cells:
calamine allocates the whole rectangle up to the farthest cell, so one cell at XFD1048576 in a
600-byte file would otherwise abort the process. Merged cells are filled with their top-left
value. CSV is read as UTF-8 (with or without BOM) or, failing that, GB18030 (a superset of GBK).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from .columns import HELP_SHEET_NAME, SHEET_NAMES, normalize

MAX_ROWS = 50_000
MAX_COLUMNS = 52  # up to column AZ
MAX_ZIP_ENTRIES = 1_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 10 * 1024 * 1024
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024

_SHEET_NAMESPACES = {
    "",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
}
# Expat's names for <row> and <c> elements ("namespace local", or just "local" outside one).
_ROW_NAMES = frozenset(f"{ns} row".lstrip() for ns in _SHEET_NAMESPACES)
_CELL_NAMES = frozenset(f"{ns} c".lstrip() for ns in _SHEET_NAMESPACES)
_IGNORED_SHEETS = {normalize(n) for n in (HELP_SHEET_NAME, "instructions", "readme", "help")}


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


def checklist_limits() -> Limits:
    return Limits(rows=MAX_ROWS, columns=MAX_COLUMNS, uncompressed=MAX_UNCOMPRESSED)


@dataclass
class Table:
    sheet: str
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cells), non-empty rows only
    first_column: int = 0  # zero-based index of the first cell in each row


def read_table(data: bytes, filename: str) -> Table:
    if not data:
        raise ImportFileError(_("The file is empty."))
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFileError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": len(data) / 1048576, "limit": limit // 1048576}
        )
    if data.startswith(OLE2_MAGIC):
        raise ImportFileError(
            _(
                "This is a password-protected workbook or an old .xls file. Remove the password "
                "or save it as .xlsx (Excel: File › Save As › Excel Workbook) and try again."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return _read_csv(data, filename)
    raise ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))


# --- xlsx -------------------------------------------------------------------------------------


def check_xlsx(data: bytes, limits: Limits | None = None) -> None:
    """Refuse an .xlsx that is damaged, a zip bomb, has hostile XML or a sheet past ``limits``
    (the checklist's by default), before calamine sees it."""
    limits = limits or checklist_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("The file is damaged: it is not a readable .xlsx.")) from None
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
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))
    try:
        for entry in entries:
            with archive.open(entry) as stream:
                # zipfile stops at the declared size and checks the CRC, so reading every entry
                # proves the declared sizes checked above are the real ones.
                if entry.filename.endswith((".xml", ".rels")):
                    # Every XML part, wherever the package's relationships put the sheets.
                    _check_sheet_xml(stream, limits)
                else:
                    while stream.read(_CHUNK):
                        pass
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, NotImplementedError):
        raise ImportFileError(_("The file is damaged: it is not a readable .xlsx.")) from None


class _TooBig(Exception):
    pass


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def _check_sheet_xml(stream, limits: Limits) -> None:
    """Stream-parse one XML part and refuse it if any row or cell lies past the limits.

    A real XML parser (expat), not a pattern over bytes, so quoting, white space, leading zeros
    and entities cannot hide a far reference; DOCTYPEs and entity declarations are refused
    outright (no entity-expansion bombs)."""
    too_big = ImportFileError(
        _("A sheet has more than %(rows)d rows or %(columns)d columns; split the file.")
        % {"rows": limits.rows, "columns": limits.columns}
    )
    last_row = limits.rows + 10_000
    most_rows = limits.rows + 1000
    rows = row = column = height = width = 0
    numbers: dict[str, int] = {}  # column letters → number, for the few columns a sheet has

    def start(name, attrs):
        # Called for every element of every part (millions for a large sheet): kept lean.
        nonlocal rows, row, column, height, width
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
            if column > width:
                width = column
            if digits:
                number = int(digits)
                if number > last_row:
                    raise _TooBig
                if number > height:
                    height = number
        elif name in _ROW_NAMES:
            reference = attrs.get("r", "").strip().upper()
            rows += 1
            row = int(reference) if reference.isdigit() else row + 1
            column = 0
            if rows > most_rows or row > last_row:
                raise _TooBig
            if row > height:
                height = row

    def refuse(*_args):
        raise ImportFileError(_("The file is damaged: it is not a readable .xlsx."))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.ParseFile(stream)
    except _TooBig:
        raise too_big from None
    except expat.ExpatError:
        raise ImportFileError(_("The file is damaged: it is not a readable .xlsx.")) from None
    if limits.cells is not None and height * width > limits.cells:
        raise ImportFileError(
            _("A sheet spans more than %(cells)d cells (rows × columns); split the file.")
            % {"cells": limits.cells}
        )


def _pick_sheet(workbook) -> str:
    sheets = [
        m.name for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    wanted = {normalize(n) for n in SHEET_NAMES}
    for name in sheets:
        if normalize(name) in wanted:
            return name
    for name in sheets:
        if normalize(name) not in _IGNORED_SHEETS:
            return name
    raise ImportFileError(_("The workbook has no worksheet to import."))


def _read_xlsx(data: bytes) -> Table:
    check_xlsx(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = _pick_sheet(workbook)
        sheet = workbook.get_sheet_by_name(name)
        cells = sheet.to_python(skip_empty_area=True)
        start = sheet.start
        merged = sheet.merged_cell_ranges or []
    except ImportFileError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own errors and pyo3 PanicException
        raise ImportFileError(
            _(
                "The workbook could not be read (%(reason)s). Open it in Excel, save it as .xlsx "
                "and try again."
            )
            % {"reason": type(exc).__name__}
        ) from None
    if not cells or start is None:
        raise ImportFileError(_("The sheet %(sheet)s is empty.") % {"sheet": name})
    if len(cells) > MAX_ROWS + 1:
        raise ImportFileError(
            _("The sheet has more than %(rows)d rows; split the file.") % {"rows": MAX_ROWS}
        )
    top, left = start
    _fill_merged(cells, merged, top, left)
    rows = [(top + i + 1, row) for i, row in enumerate(cells) if any(v != "" for v in row)]
    if not rows:
        raise ImportFileError(_("The sheet %(sheet)s is empty.") % {"sheet": name})
    return Table(sheet=name, rows=rows, first_column=left)


def _fill_merged(cells: list[list], merged, top: int, left: int) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    height, width = len(cells), max((len(r) for r in cells), default=0)
    budget = height * width
    for (r0, c0), (r1, c1) in merged:
        r0, r1 = max(r0 - top, 0), min(r1 - top, height - 1)
        c0, c1 = max(c0 - left, 0), min(c1 - left, width - 1)
        if r0 > r1 or c0 > c1:
            continue
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            raise ImportFileError(
                _("The sheet's merged cells overlap; unmerge them and try again.")
            )
        value = cells[r0][c0] if c0 < len(cells[r0]) else ""
        for r in range(r0, r1 + 1):
            row = cells[r]
            for c in range(c0, c1 + 1):
                if c < len(row):
                    row[c] = value


# --- CSV --------------------------------------------------------------------------------------


def _read_csv(data: bytes, filename: str) -> Table:
    if b"\x00" in data[:65536]:
        raise ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))
    records = list(iter_csv(data, MAX_ROWS))
    if not records:
        raise ImportFileError(_("The file is empty."))
    return Table(sheet=filename.rsplit("/", 1)[-1], rows=records)


def iter_csv(data: bytes, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """The non-empty records of a CSV file with their line numbers, one at a time. UTF-8 (with
    or without BOM), else GB18030; comma, tab or semicolon, whichever the first line has most.
    The text is decoded as it is read, never held whole (a 50 MB file of Chinese text would
    take a few hundred MB as one string)."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=_csv_encoding(data), newline="")
    first_line = stream.readline()
    stream.seek(0)
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        for number, record in enumerate(csv.reader(stream, delimiter=delimiter), 1):
            if number > max_rows + 1:
                raise ImportFileError(
                    _("The sheet has more than %(rows)d rows; split the file.") % {"rows": max_rows}
                )
            if any(v.strip() for v in record):
                yield number, record
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed: %(reason)s.") % {"reason": exc}
        ) from None


def _csv_encoding(data: bytes) -> str:
    """utf-8-sig when the whole file is valid UTF-8, else gb18030 when it is valid GB18030.
    Checked a megabyte at a time; the decoded text is thrown away."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), _CHUNK):
                decoder.decode(data[start : start + _CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(_("The CSV file's encoding is not UTF-8 or GBK; save it as UTF-8."))
