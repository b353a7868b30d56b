"""When a follow-up visit is due: the end of the business day N business days after the
resolution, on the ticket's calendar (holidays skipped, 调休 make-up workdays counted)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.tickets.followups import due_after
from opsbook.tickets.tests.factories import china_calendar

SH = ZoneInfo("Asia/Shanghai")
CAL = china_calendar()


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("resolved", "days", "due"),
    [
        # The eve of National Day: 10-08 (1), 10-09 (2), Saturday 10-10 is a make-up workday (3).
        (at(2026, 9, 30, 15, 0), 3, at(2026, 10, 10, 18, 0)),
        # Resolved during the holiday: counting starts on the first day after it.
        (at(2026, 10, 3, 11, 0), 3, at(2026, 10, 10, 18, 0)),
        (at(2026, 10, 3, 11, 0), 1, at(2026, 10, 8, 18, 0)),
        # After hours on a working day: the day itself is not counted either way.
        (at(2026, 9, 29, 23, 30), 1, at(2026, 9, 30, 18, 0)),
        (at(2026, 9, 29, 23, 30), 2, at(2026, 10, 8, 18, 0)),
        # Friday before an ordinary weekend: Monday, Tuesday, Wednesday.
        (at(2026, 11, 20, 10, 0), 3, at(2026, 11, 25, 18, 0)),
        # Mid-autumn (Friday 09-25) and the make-up Sunday 09-20 before it.
        (at(2026, 9, 18, 17, 0), 1, at(2026, 9, 20, 18, 0)),
        (at(2026, 9, 24, 9, 0), 1, at(2026, 9, 28, 18, 0)),
    ],
)
def test_the_visit_is_due_at_the_end_of_the_nth_business_day(resolved, days, due):
    assert due_after(CAL, resolved, days, SH) == due


def test_zero_days_means_by_the_end_of_the_same_business_day():
    assert due_after(CAL, at(2026, 9, 30, 10, 0), 0, SH) == at(2026, 9, 30, 18, 0)


def test_zero_days_after_hours_means_the_next_business_day():
    assert due_after(CAL, at(2026, 9, 30, 19, 0), 0, SH) == at(2026, 10, 8, 18, 0)


def test_the_resolution_instant_is_read_in_the_calendars_time_zone():
    # 2026-09-30 20:00 UTC is already 10-01 04:00 in Shanghai, a holiday.
    resolved = datetime(2026, 9, 30, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert due_after(CAL, resolved, 1, SH) == at(2026, 10, 8, 18, 0)


def test_without_a_calendar_weekdays_count_and_the_day_ends_at_midnight():
    # No holidays known: Thursday 10-01 counts.
    assert due_after(None, at(2026, 9, 30, 15, 0), 1, SH) == at(2026, 10, 2, 0, 0)
    assert due_after(None, at(2026, 10, 2, 15, 0), 1, SH) == at(2026, 10, 6, 0, 0)


def test_a_calendar_that_never_opens_falls_back_to_calendar_days():
    closed = CompiledCalendar("Asia/Shanghai", {})
    assert due_after(closed, at(2026, 9, 30, 15, 0), 3, SH) == at(2026, 10, 4, 0, 0)
