"""Reading one cell of a ticket history file: timestamps, ratings, texts.

Timestamps are accepted as Excel date cells, Excel serial numbers (days since 1899-12-30, as a
date cell shows when it loses its format), ISO 8601 (``2025-03-01T09:30:00+08:00``) and the
common spreadsheet forms ``2025-03-01 09:30``, ``2025/3/1 9:30``, ``2025.3.1 9:30:15`` and
``2025年3月1日 9:30``. A time without an offset is in the site's time zone (``TIME_ZONE``); a
date without a time is midnight.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from opsbook.catalog.excel.textformats import EXCEL_SERIALS
from opsbook.core.tabular.cells import CellError, cell_text, not_one_of, one_line, text

__all__ = ["CellError", "cell_text", "one_line", "text"]

from .columns import CHOICE_LABELS, choice

EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 (naive on purpose: local wall time)

_TIMESTAMP = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T|(?<=日))(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:：分]\s*(?P<S>\d{1,2})(?:\.(?P<f>\d{1,6}))?\s*秒?)?\s*分?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


def enum(kind: str, raw) -> str:
    value = cell_text(raw)
    found = choice(kind, value)
    if found is None:
        raise CellError(not_one_of(value, CHOICE_LABELS[kind]))
    return found


def rating(raw) -> int:
    """A satisfaction rating: a whole number from 1 to 5 (``5``, ``5.0``, ``5分``, ``5星``)."""
    number = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer():
            number = int(raw)
    else:
        digits = cell_text(raw).removesuffix("分").removesuffix("星").strip()
        if digits.isascii() and digits.isdigit():
            number = int(digits)
    if number is None or not 1 <= number <= 5:
        raise CellError(
            _("%(text)s is not a satisfaction rating; write a whole number from 1 to 5.")
            % {"text": cell_text(raw)}
        )
    return number


def _malformed(raw) -> CellError:
    return CellError(
        _("%(text)s is not a date and time; write it as 2025-03-01 09:30 or 2025/3/1 9:30.")
        % {"text": cell_text(raw)}
    )


def timestamp(raw, tz: ZoneInfo) -> datetime:
    """An aware datetime from a cell; naive values are wall time in ``tz``."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime.combine(raw, time())
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        value = _serial(raw, raw)
    elif isinstance(raw, str):
        value = _parse_text(raw.strip(), raw)
    else:  # a time of day or a duration
        raise _malformed(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value


def _serial(number: float, raw) -> datetime:
    if not EXCEL_SERIALS[0] <= number <= EXCEL_SERIALS[1]:
        raise _malformed(raw)
    # Whole seconds: a serial's binary fraction is never exactly the second it stood for.
    return EXCEL_EPOCH + timedelta(seconds=round(number * 86400))


def _parse_text(value: str, raw) -> datetime:
    if not value:
        raise _malformed(raw)
    if value[0].isdigit() and len(value) >= 10 and value[4] == "-":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    match = _TIMESTAMP.match(value)
    if match is None:
        try:
            serial = float(value)
        except ValueError:
            raise _malformed(raw) from None
        return _serial(serial, raw)
    parts = match.groupdict()
    try:
        result = datetime(  # noqa: DTZ001 (the zone is added below or by the caller)
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int((parts["f"] or "0").ljust(6, "0")),
        )
    except ValueError:
        raise _malformed(raw) from None
    offset = parts["tz"]
    if offset:
        if offset == "Z":
            return result.replace(tzinfo=UTC)
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return result.replace(tzinfo=dt_timezone(sign * delta))
    return result
