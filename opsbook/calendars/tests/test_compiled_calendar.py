from datetime import UTC, date, time

import pytest

from opsbook.calendars.businesstime import (
    CalendarDataError,
    CompiledCalendar,
    NeverOpenError,
    add_business_seconds,
    business_seconds,
    format_years,
    next_business_start,
)

from .conftest import hours, sh


def test_overlapping_windows_are_refused():
    with pytest.raises(CalendarDataError, match="overlap"):
        CompiledCalendar("Asia/Shanghai", {1: [(time(9), time(12)), (time(11), time(18))]})


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(CalendarDataError, match="ends before it starts"):
        CompiledCalendar("Asia/Shanghai", {1: [(time(18), time(9))]})


def test_weekdays_outside_one_to_seven_are_refused():
    with pytest.raises(CalendarDataError, match="Weekdays"):
        CompiledCalendar("Asia/Shanghai", {0: [(time(9), time(18))]})


def test_window_times_with_a_time_zone_are_refused():
    with pytest.raises(CalendarDataError, match="wall-clock"):
        CompiledCalendar("Asia/Shanghai", {1: [(time(9, tzinfo=UTC), time(18))]})


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(CalendarDataError, match="Mars"):
        CompiledCalendar("Mars/Olympus_Mons", {})


def test_windows_that_touch_are_one_stretch_of_working_time():
    cal = CompiledCalendar("Asia/Shanghai", {1: [(time(13), time(18)), (time(9), time(13))]})

    assert business_seconds(cal, sh(2026, 3, 9), sh(2026, 3, 10)) == hours(9)
    assert cal.windows_on(date(2026, 3, 9))[0] == (time(9), time(13))


def test_an_evening_shift_may_run_until_midnight():
    cal = CompiledCalendar("Asia/Shanghai", {5: [(time(18), time(0))]})

    assert business_seconds(cal, sh(2026, 3, 13, 17), sh(2026, 3, 14, 1)) == hours(6)
    assert add_business_seconds(cal, sh(2026, 3, 13, 17), hours(6)) == sh(2026, 3, 14)


def test_special_hours_replace_the_weekly_windows_for_one_date():
    cal = CompiledCalendar(
        "Asia/Shanghai",
        {3: [(time(9), time(18))]},
        {date(2026, 2, 11): [(time(9), time(12))]},  # 小年, half day
    )

    assert business_seconds(cal, sh(2026, 2, 11), sh(2026, 2, 12)) == hours(3)
    assert business_seconds(cal, sh(2026, 2, 4), sh(2026, 2, 5)) == hours(9)


def test_a_calendar_that_never_opens_has_no_due_time():
    closed = CompiledCalendar("Asia/Shanghai", {})

    assert business_seconds(closed, sh(2026, 1, 1), sh(2026, 12, 31)) == 0
    with pytest.raises(NeverOpenError):
        add_business_seconds(closed, sh(2026, 1, 1), 60)
    with pytest.raises(NeverOpenError):
        next_business_start(closed, sh(2026, 1, 1))


def test_a_calendar_open_only_on_one_date_has_no_due_time_after_it():
    once = CompiledCalendar("Asia/Shanghai", {}, {date(2027, 6, 1): [(time(9), time(10))]})

    assert add_business_seconds(once, sh(2026, 1, 1), 60) == sh(2027, 6, 1, 9, 1)
    with pytest.raises(NeverOpenError):
        add_business_seconds(once, sh(2026, 1, 1), hours(2))


def test_years_are_shown_as_ranges():
    assert format_years([2022, 2004, 2005, 2006, 2019, 2021, 2005]) == "2004–2006, 2019, 2021–2022"
    assert format_years([]) == ""
