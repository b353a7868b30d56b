"""Durations such as 5分钟, 4小时 or 2个工作日, kept in whole minutes."""

from decimal import Decimal

from django.utils.translation import gettext as _

from ...choices import TimeBasis
from .common import TextFormatError, alternation

_UNITS = {
    "second": ("秒", "秒钟", "s", "sec", "secs", "second", "seconds"),
    "minute": ("分钟", "分", "min", "mins", "minute", "minutes", "m"),
    "hour": ("小时", "个小时", "时", "h", "hr", "hrs", "hour", "hours"),
    "day": ("天", "日", "d", "day", "days"),
    "workday": ("工作日", "个工作日", "business day", "business days", "workday", "workdays"),
}
_UNIT_MINUTES = {"second": None, "minute": 1, "hour": 60, "day": 1440, "workday": 480}
_UNIT_OF = {w.casefold(): unit for unit, ws in _UNITS.items() for w in ws}
DURATION = rf"(\d+(?:\.\d+)?)\s*({alternation(w for ws in _UNITS.values() for w in ws)})"


def to_minutes(number: str, unit_word: str, text: str) -> int:
    """``number`` ``unit_word`` (matched by ``DURATION``) in whole minutes; ``text`` is the entry
    the error names."""
    unit = _UNIT_OF[unit_word.casefold()]
    amount = Decimal(number)
    factor = _UNIT_MINUTES[unit]
    minutes = amount / 60 if factor is None else amount * factor
    if minutes <= 0 or minutes != minutes.to_integral_value():
        raise TextFormatError(
            _("%(text)s: targets are kept in whole minutes (for example 1分钟, 90秒 is not).")
            % {"text": text}
        )
    return int(minutes)


def format_minutes(minutes: int, basis: str = TimeBasis.CALENDAR) -> str:
    """Whole days only in calendar time: in business time a "day" is ambiguous, so hours."""
    if basis == TimeBasis.CALENDAR and minutes % 1440 == 0:
        return f"{minutes // 1440}天"
    if minutes % 60 == 0:
        return f"{minutes // 60}小时"
    return f"{minutes}分钟"
