"""A year's holidays and make-up workdays read from a file: the State Council's notice typed into
a CSV or Excel sheet, or an iCalendar (.ics) file. Reading is pure (no database);
``notice_import.do_import_notice`` checks the entries against a calendar and writes them.

See docs/users/calendars.md for the columns and the iCalendar conventions.
"""

from .entries import Location, Notice, NoticeEntry, Problem
from .ical import export_ics, looks_like_ics, read_ics
from .table import read_sheet

__all__ = [
    "Location",
    "Notice",
    "NoticeEntry",
    "Problem",
    "export_ics",
    "read_ics",
    "read_notice",
    "read_sheet",
]


def read_notice(data: bytes, filename: str) -> Notice:
    """Entries and problems from an uploaded file: .ics by its name or content, else CSV/.xlsx."""
    if filename.lower().endswith((".ics", ".ical", ".ifb")) or looks_like_ics(data):
        return read_ics(data, filename)
    return read_sheet(data, filename)
