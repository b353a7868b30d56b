"""Open a ticket history file (and a file of status changes) as sheets of rows, one row at a time.

The checks and the reading are ``core.tabular``'s: an .xlsx is refused before calamine parses it
when its zip or XML is unsafe or a sheet is larger than the limits below; a CSV is decoded as
UTF-8 (with or without BOM) or GB18030 (a superset of GBK). Ticket files are larger than
checklists (a few years of tickets), hence limits of their own.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from opsbook.core.tabular.files import ImportFileError, Limits
from opsbook.core.tabular.reading import Sheet, SheetRules, iter_csv, open_workbook

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


def _rules(names: tuple[str, ...], max_rows: int) -> SheetRules:
    return SheetRules(
        names=names,
        limits=XLSX_LIMITS,
        max_bytes=settings.TICKET_IMPORT_MAX_BYTES,
        max_rows=max_rows,
        ignored=IGNORED_SHEET_NAMES,
        size_message=_(
            "The file is %(size).1f MB; the limit is %(limit)d MB (TICKET_IMPORT_MAX_MB)."
        ),
    )


def open_ticket_file(data: bytes, filename: str) -> tuple[Sheet, Sheet | None]:
    """The tickets sheet, and the status changes sheet when the workbook has one."""
    workbook = open_workbook(data, filename, _rules(TICKET_SHEET_NAMES, MAX_TICKET_ROWS))
    if workbook is None:
        return Sheet(filename, iter_csv(data, MAX_TICKET_ROWS)), None
    statuses = workbook.named(STATUS_SHEET_NAMES)
    name = workbook.pick(TICKET_SHEET_NAMES, IGNORED_SHEET_NAMES, skip=statuses)
    if name is None:
        raise ImportFileError(_("The workbook has no worksheet of tickets."))
    status_sheet = Sheet(statuses, workbook.rows(statuses)) if statuses else None
    return Sheet(name, workbook.rows(name)), status_sheet


def open_status_file(data: bytes, filename: str) -> Sheet:
    workbook = open_workbook(data, filename, _rules(STATUS_SHEET_NAMES, MAX_STATUS_ROWS))
    if workbook is None:
        return Sheet(filename, iter_csv(data, MAX_STATUS_ROWS))
    name = workbook.pick(STATUS_SHEET_NAMES, IGNORED_SHEET_NAMES)
    if name is None:
        raise ImportFileError(_("The workbook has no worksheet of status changes."))
    return Sheet(name, workbook.rows(name))
