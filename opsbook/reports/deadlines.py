"""Working days on the organisation's business calendar, for report deadlines (the 5th working
day of the next month by default) and the automatic draft (the first working day).

A day is a working day when the organisation's default calendar (``opsbook.calendars``) has
working windows on it: weekends are not, statutory holidays on weekdays are not, and 调休
make-up days on a weekend are. With no default calendar in the database, mainland China's
official calendar (the ``chinesecalendar`` data the calendars app seeds from) is used.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.metrics.periods import Period

if TYPE_CHECKING:
    from .models import ReportTemplate

DEFAULT_DEADLINE_WORKING_DAYS = 5


def default_calendar() -> CompiledCalendar:
    """The organisation's default calendar, compiled (China's official one when none is set)."""
    from opsbook.calendars.models import Calendar
    from opsbook.calendars.seeding import china_compiled_calendar

    found = Calendar.objects.default()
    return found.compile() if found is not None else china_compiled_calendar()


def is_working_day(day: date, calendar: CompiledCalendar | None = None) -> bool:
    return bool((calendar or default_calendar()).windows_on(day))


def nth_working_day(
    year: int, month: int, n: int, *, calendar: CompiledCalendar | None = None
) -> date:
    """The ``n``-th working day (1-based) of a month; past the month's working days, the
    count goes on into the next month (a deadline is never dropped)."""
    if n < 1:
        raise ValueError("Working days are counted from 1.")
    calendar = calendar or default_calendar()
    day = date(year, month, 1)
    seen = 0
    # A calendar with no working day at all within a year would loop for ever: stop there.
    for _step in range(366 + 31 * n):
        if calendar.windows_on(day):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)
    raise ValueError("The business calendar has no working days.")


def first_working_day(year: int, month: int, *, calendar: CompiledCalendar | None = None) -> date:
    return nth_working_day(year, month, 1, calendar=calendar)


def deadline_for(
    template: ReportTemplate | None, period: Period, *, calendar: CompiledCalendar | None = None
) -> date:
    """A report's deadline: the template's ``deadline_working_days``-th working day (5 by
    default) of the month after the period."""
    n = (
        getattr(template, "deadline_working_days", None) or DEFAULT_DEADLINE_WORKING_DAYS
        if template is not None
        else DEFAULT_DEADLINE_WORKING_DAYS
    )
    after = period.end  # the first day after the period
    return nth_working_day(after.year, after.month, n, calendar=calendar)
