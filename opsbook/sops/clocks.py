"""Each step's clock: when a step that becomes current at ``start`` is due.

A step's time limit is business minutes on the run's calendar (the default business calendar when
the run names none), counted from the moment the step becomes current: a 90-minute step started
at 11:00 on a day with a 12:00–13:30 lunch break is due at 14:00, and one started on the eve of a
holiday runs on after it. With no calendar at all (no default set) the limit is counted round the
clock, and a calendar that is never open again gives no due time.
"""

from datetime import datetime, timedelta

from opsbook.calendars.businesstime import CompiledCalendar, NeverOpenError, add_business_seconds
from opsbook.calendars.models import Calendar

Stamp = tuple[int, datetime]
_compiled: dict[int, tuple[Stamp, CompiledCalendar]] = {}


def compiled(calendar: Calendar) -> CompiledCalendar:
    """``calendar`` ready for arithmetic, rebuilt when it changed (its version moved on)."""
    stamp = (calendar.version, calendar.created_at)
    hit = _compiled.get(calendar.pk)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    result = calendar.compile()
    _compiled[calendar.pk] = (stamp, result)
    return result


def calendar_or_default(calendar: Calendar | None) -> Calendar | None:
    return calendar if calendar is not None else Calendar.objects.default()


def due_at(calendar: Calendar | None, start: datetime, minutes: int | None) -> datetime | None:
    """When a step with a limit of ``minutes`` business minutes, current from ``start``, is due
    on ``calendar`` (already resolved to the default); None without a limit."""
    if minutes is None:
        return None
    if calendar is None:
        return start + timedelta(minutes=minutes)
    try:
        return add_business_seconds(compiled(calendar), start, minutes * 60)
    except NeverOpenError:
        return None
