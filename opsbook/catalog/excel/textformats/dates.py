"""Dates, from an Excel date cell or from text."""

import re
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from .common import TextFormatError

DATE = r"(\d{4})\s*[-/.年－／．]\s*(\d{1,2})\s*[-/.月－／．]\s*(\d{1,2})\s*日?"
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = (20000, 80000)
_DATE_ONLY = re.compile(rf"^{DATE}(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?$")


def make_date(year: str, month: str, day: str, text: str) -> date:
    """The date of the groups ``DATE`` matched in ``text``, or an error naming ``text``."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise TextFormatError(_("%(text)s is not a real date.") % {"text": text}) from None


def parse_date(value) -> date | None:
    """A date from an Excel date cell or text: 2026-03-01, 2026/3/1, 2026年3月1日, 2026.3.1."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its date format shows Excel's serial number (days since
        # 1899-12-30); between 1955 and 2119 a number in a date column can mean nothing else.
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1] and float(value).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(value))
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    match = _DATE_ONLY.match(text)
    if not match:
        raise TextFormatError(
            _("%(text)s is not a date; write it as 2026-03-01 or 2026年3月1日.") % {"text": text}
        )
    year, month, day = match.groups()
    return make_date(year, month, day, text)
