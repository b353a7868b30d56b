"""Read the rows of an uploaded spreadsheet, after ``files`` has found it safe.

An .xlsx is opened with python-calamine; a sheet is read whole (``read_table``, merged cells
filled with their top-left value: streamed from the sheet's XML by ``sheetxml``, which holds
its text once, else by calamine a row at a time, see ``shared_rows``) or one row at a time
(``iter_rows``), both numbering rows as the spreadsheet shows them. A CSV is decoded as it
is read, as UTF-8 (with or without BOM) or, failing that, GB18030 (a superset of GBK), with the
comma, tab or semicolon its first line has most. Rows are ``(number as the spreadsheet shows
it, cells)``, non-empty rows only.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

import python_calamine
from django.utils.translation import gettext as _

from .files import (
    CHUNK,
    ImportFileError,
    Limits,
    check_upload,
    check_xlsx,
    is_csv_name,
    not_a_spreadsheet,
)
from .headers import normalize
from .sheetxml import SheetReader, Unsupported

Cell = Any  # str, int, float, bool, date, datetime, time or timedelta, as calamine gives it
Row = tuple[int, list[Cell]]
Rows = Iterator[Row]
SheetCells = tuple[tuple[int, int] | None, list[list[Cell]], Any]
DEFAULT_IGNORED_SHEETS = ("说明", "instructions", "readme", "help")


@dataclass
class Table:
    """One sheet read whole."""

    sheet: str
    rows: list[Row]  # non-empty rows only
    first_column: int = 0  # zero-based index of the first cell in each row


@dataclass
class Sheet:
    """One sheet read a row at a time."""

    name: str  # the worksheet's name, or the CSV file's name: problems point at it
    rows: Rows


def unreadable(exc: BaseException) -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook could not be read (%(reason)s). Open it in Excel, save it as .xlsx "
            "and try again."
        )
        % {"reason": type(exc).__name__}
    )


def too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _("The sheet has more than %(rows)d rows; split the file.") % {"rows": max_rows}
    )


def _guarded[T](read: Callable[[], T]) -> T:
    """``read()``, with calamine's own errors and pyo3 panics turned into ImportFileError."""
    try:
        return read()
    except ImportFileError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own errors and pyo3 PanicException
        raise unreadable(exc) from None


# --- Workbooks --------------------------------------------------------------------------------


class Workbook:
    """An .xlsx checked by ``files.check_xlsx`` and opened with calamine."""

    def __init__(self, data: bytes, limits: Limits):
        check_xlsx(data, limits)
        self.data = data
        self.book: Any = _guarded(
            lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        )
        self.sheets: list[str] = [
            str(m.name)
            for m in self.book.sheets_metadata
            if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]

    def named(self, names: Iterable[str]) -> str | None:
        """The first worksheet called one of ``names`` (compared as headers are)."""
        wanted = {normalize(n) for n in names}
        return next((s for s in self.sheets if normalize(s) in wanted), None)

    def pick(
        self, names: Iterable[str], ignored: Iterable[str], *, skip: str | None = None
    ) -> str | None:
        """The sheet called one of ``names``, else the first one not called one of ``ignored``
        (nor ``skip``), else None."""
        found = self.named(names)
        if found is not None:
            return found
        skipped = {normalize(n) for n in ignored}
        return next((s for s in self.sheets if normalize(s) not in skipped and s != skip), None)

    def table(self, name: str, max_rows: int) -> Table:
        """The sheet read whole, merged cells filled; ImportFileError when it is empty."""

        start, cells, merged = self.sheet_cells(name, max_rows)
        if not cells or start is None:
            raise ImportFileError(_("The sheet %(sheet)s is empty.") % {"sheet": name})
        if len(cells) > max_rows + 1:
            raise too_many_rows(max_rows)
        top, left = start
        fill_merged(cells, merged, top, left)
        # A row is empty when every cell is "" (counted in C: ten times faster than any()).
        rows = [(top + i + 1, row) for i, row in enumerate(cells) if row.count("") != len(row)]
        if not rows:
            raise ImportFileError(_("The sheet %(sheet)s is empty.") % {"sheet": name})
        return Table(sheet=name, rows=rows, first_column=left)

    def sheet_cells(self, name: str, max_rows: int) -> SheetCells:
        """(top-left, rows, merged ranges) of a sheet: streamed from its XML (``sheetxml``, the
        sheet's text held once), or by calamine for what that reader leaves to it."""
        try:
            return SheetReader(zipfile.ZipFile(io.BytesIO(self.data))).read(name)
        except (Unsupported, KeyError, ValueError, IndexError, zipfile.BadZipFile, ExpatError):
            return self.calamine_cells(name, max_rows)

    def calamine_cells(self, name: str, max_rows: int) -> SheetCells:
        """The same, by calamine, with repeated values shared (``shared_rows``)."""

        def read() -> SheetCells:
            sheet = self.book.get_sheet_by_name(name)
            cells = sheet.to_python(skip_empty_area=True)
            return sheet.start, cells, sheet.merged_cell_ranges or []

        start, cells, merged = _guarded(read)
        return start, shared_rows(cells, max_rows), merged

    def rows(self, name: str) -> Rows:
        """The sheet's non-empty rows, converted to Python one at a time."""

        def read() -> tuple[Any, Any]:
            sheet = self.book.get_sheet_by_name(name)
            return sheet.start, sheet.iter_rows()

        start, rows = _guarded(read)
        if start is None:
            return
        # calamine's row iterator starts at the sheet's row 1, not at its first used row
        # (python-calamine issue 177): leading empty rows are yielded, leading empty columns
        # are not. So the row's number is its position, whatever row the data starts on
        # (test_reading pins this for a sheet whose first cell is C3).
        for index, cells in enumerate(rows, 1):
            if any(v != "" and v is not None for v in cells):
                yield index, cells


SHORT_TEXT = 32  # characters: text up to this long is shared between cells wherever it repeats
SHORT_TEXTS_KEPT = 20_000  # how many different short texts are remembered for sharing


def shared_rows(rows: Iterable[list[Cell]], max_rows: int) -> list[list[Cell]]:
    """``rows`` with one Python string per repeated value: a value equal to the cell above (an
    item's columns on each of its content rows) or a short text seen before (a frequency, an
    owner, a status) becomes the same object, and the copies calamine made are freed. Stops at
    once past ``max_rows`` (plus the header)."""
    cells: list[list[Cell]] = []
    previous: list[Cell] = []
    short: dict[str, str] = {}
    for row in rows:
        if len(cells) > max_rows:
            raise too_many_rows(max_rows)
        above = len(previous)
        for index, value in enumerate(row):
            if value.__class__ is not str or not value:
                continue
            if index < above and value == previous[index]:
                row[index] = previous[index]
            elif len(value) <= SHORT_TEXT:
                kept = short.get(value)
                if kept is not None:
                    row[index] = kept
                elif len(short) < SHORT_TEXTS_KEPT:
                    short[value] = value
        cells.append(row)
        previous = row
    return cells


def fill_merged(cells: list[list[Cell]], merged: Any, top: int, left: int) -> None:
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


# --- One sheet, whatever the file -------------------------------------------------------------


@dataclass(frozen=True)
class SheetRules:
    """How a domain's file is opened: its sheet names, size limits and row limit."""

    names: tuple[str, ...]  # the sheet to import, by name, before any other
    limits: Limits
    max_bytes: int
    max_rows: int
    ignored: tuple[str, ...] = DEFAULT_IGNORED_SHEETS
    size_message: str | None = None  # see files.check_upload


def open_workbook(data: bytes, filename: str, rules: SheetRules) -> Workbook | None:
    """A checked workbook for an .xlsx, None for a CSV; ImportFileError for anything else."""
    if check_upload(data, max_bytes=rules.max_bytes, size_message=rules.size_message) == "xlsx":
        return Workbook(data, rules.limits)
    if is_csv_name(filename):
        if b"\x00" in data[:65536]:
            raise not_a_spreadsheet()
        return None
    raise not_a_spreadsheet()


def read_table(data: bytes, filename: str, rules: SheetRules) -> Table:
    """The sheet to import, read whole: the worksheet ``rules`` names (else the first that is
    not a help sheet), or the CSV file's rows."""
    workbook = open_workbook(data, filename, rules)
    if workbook is None:
        records = list(iter_csv(data, rules.max_rows))
        if not records:
            raise ImportFileError(_("The file is empty."))
        return Table(sheet=filename.rsplit("/", 1)[-1], rows=records)
    name = workbook.pick(rules.names, rules.ignored)
    if name is None:
        raise ImportFileError(_("The workbook has no worksheet to import."))
    return workbook.table(name, rules.max_rows)


def basename(filename: str) -> str:
    """The file's name without any folder (a browser may send ``C:\\...\\x.xlsx``)."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


# --- CSV --------------------------------------------------------------------------------------


def iter_csv(data: bytes, max_rows: int) -> Rows:
    """The non-empty records of a CSV file with their line numbers, one at a time. UTF-8 (with
    or without BOM), else GB18030; comma, tab or semicolon, whichever the first line has most.
    The text is decoded as it is read, never held whole (a 50 MB file of Chinese text would
    take a few hundred MB as one string)."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=csv_encoding(data), newline="")
    first_line = stream.readline()
    stream.seek(0)
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        for number, record in enumerate(csv.reader(stream, delimiter=delimiter), 1):
            if number > max_rows + 1:
                raise too_many_rows(max_rows)
            if any(v.strip() for v in record):
                yield number, list(record)
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed: %(reason)s.") % {"reason": exc}
        ) from None


def csv_encoding(data: bytes) -> str:
    """utf-8-sig when the whole file is valid UTF-8, else gb18030 when it is valid GB18030.
    Checked a megabyte at a time; the decoded text is thrown away."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), CHUNK):
                decoder.decode(data[start : start + CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(_("The CSV file's encoding is not UTF-8 or GBK; save it as UTF-8."))
