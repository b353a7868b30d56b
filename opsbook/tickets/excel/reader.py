"""Open a ticket history file (and a file of status changes) as sheets of rows, one row at a time.

The checks are the checklist reader's (``catalog.excel.reader``): an .xlsx is refused before
calamine parses it when its zip or XML is unsafe or a sheet is larger than the limits below; a
CSV is decoded as UTF-8 (with or without BOM) or GB18030 (a superset of GBK). Ticket files are
larger than checklists (a few years of tickets), hence limits of their own.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from opsbook.catalog.excel.columns import normalize
from opsbook.catalog.excel.reader import (
    OLE2_MAGIC,
    ZIP_MAGIC,
    ImportFileError,
    Limits,
    check_xlsx,
    iter_csv,
)

from .columns import IGNORED_SHEET_NAMES, STATUS_SHEET_NAMES, TICKET_SHEET_NAMES

MAX_TICKET_ROWS = 1_000_000
MAX_STATUS_ROWS = 4_000_000  # CSV; a worksheet holds at most 1,048,576 rows anyway
XLSX_LIMITS = Limits(
    rows=1_048_576,
    columns=40,
    uncompressed=1024 * 1024 * 1024,
    cells=12_000_000,  # what calamine may allocate for one sheet: about 400 MB
)

__all__ = ["ImportFileError", "Sheet", "open_status_file", "open_ticket_file"]

Rows = Iterator[tuple[int, list]]


@dataclass
class Sheet:
    name: str  # the worksheet's name, or the CSV file's name: problems point at it
    rows: Rows  # (row number as the spreadsheet shows it, cells), non-empty rows only


def open_ticket_file(data: bytes, filename: str) -> tuple[Sheet, Sheet | None]:
    """The tickets sheet, and the status changes sheet when the workbook has one."""
    workbook = _open(data, filename)
    if workbook is None:
        return Sheet(filename, _csv_rows(data, MAX_TICKET_ROWS)), None
    sheets = _worksheets(workbook)
    wanted = {normalize(n) for n in TICKET_SHEET_NAMES}
    statuses = _named(sheets, STATUS_SHEET_NAMES)
    name = next((s for s in sheets if normalize(s) in wanted), None)
    if name is None:
        skipped = {normalize(n) for n in IGNORED_SHEET_NAMES}
        name = next((s for s in sheets if normalize(s) not in skipped and s != statuses), None)
    if name is None:
        raise ImportFileError(_("The workbook has no worksheet of tickets."))
    status_sheet = Sheet(statuses, _xlsx_rows(workbook, statuses)) if statuses else None
    return Sheet(name, _xlsx_rows(workbook, name)), status_sheet


def open_status_file(data: bytes, filename: str) -> Sheet:
    workbook = _open(data, filename)
    if workbook is None:
        return Sheet(filename, _csv_rows(data, MAX_STATUS_ROWS))
    sheets = _worksheets(workbook)
    name = _named(sheets, STATUS_SHEET_NAMES)
    if name is None:
        skipped = {normalize(n) for n in IGNORED_SHEET_NAMES}
        name = next((s for s in sheets if normalize(s) not in skipped), None)
    if name is None:
        raise ImportFileError(_("The workbook has no worksheet of status changes."))
    return Sheet(name, _xlsx_rows(workbook, name))


def _open(data: bytes, filename: str):
    """A calamine workbook for an .xlsx, None for a CSV; ImportFileError for anything else."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    limit = settings.TICKET_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFileError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB (TICKET_IMPORT_MAX_MB).")
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
        check_xlsx(data, XLSX_LIMITS)
        try:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # calamine raises its own errors and pyo3 PanicException
            raise _unreadable(exc) from None
    if filename.lower().endswith((".csv", ".txt")):
        if b"\x00" in data[:65536]:
            raise ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))
        return None
    raise ImportFileError(_("This is not an Excel (.xlsx) or CSV file."))


def _unreadable(exc: BaseException) -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook could not be read (%(reason)s). Open it in Excel, save it as .xlsx "
            "and try again."
        )
        % {"reason": type(exc).__name__}
    )


def _worksheets(workbook) -> list[str]:
    return [
        m.name for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]


def _named(sheets: list[str], names: tuple[str, ...]) -> str | None:
    wanted = {normalize(n) for n in names}
    return next((s for s in sheets if normalize(s) in wanted), None)


def _xlsx_rows(workbook, name: str) -> Rows:
    """The sheet's non-empty rows, converted to Python one at a time."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        start = sheet.start
        rows = sheet.iter_rows()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise _unreadable(exc) from None
    if start is None:
        return
    top = start[0]
    for index, cells in enumerate(rows):
        if any(v != "" and v is not None for v in cells):
            yield top + index + 1, cells


def _csv_rows(data: bytes, max_rows: int) -> Rows:
    yield from iter_csv(data, max_rows)
