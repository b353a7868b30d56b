"""Worked examples on the default China calendar: Monday–Friday 09:00–12:00 and 13:30–18:00,
with the official holidays and make-up workdays (调休)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from opsbook.calendars.businesstime import (
    add_business_seconds,
    business_seconds,
    is_business_time,
    next_business_start,
)

from .conftest import LUNCH_BREAK_DAY, hours, sh

FULL_DAY = hours(7.5)


def test_a_full_working_day_is_seven_and_a_half_hours(china):
    assert business_seconds(china, sh(2026, 3, 10), sh(2026, 3, 11)) == FULL_DAY


def test_the_lunch_break_does_not_count(china):
    assert business_seconds(china, sh(2026, 3, 10, 11), sh(2026, 3, 10, 14, 30)) == hours(2)


def test_a_ticket_opened_during_lunch_starts_counting_at_half_past_one(china):
    opened = sh(2026, 3, 10, 12, 30)

    assert next_business_start(china, opened) == sh(2026, 3, 10, 13, 30)
    assert add_business_seconds(china, opened, hours(1)) == sh(2026, 3, 10, 14, 30)


def test_a_due_time_that_lands_on_noon_is_noon_not_half_past_one(china):
    assert add_business_seconds(china, sh(2026, 3, 10, 9), hours(3)) == sh(2026, 3, 10, 12)
    assert add_business_seconds(china, sh(2026, 3, 10, 9), hours(3) + 1) == sh(
        2026, 3, 10, 13, 30, 1
    )


def test_a_ticket_opened_on_friday_evening_counts_from_monday_morning(china):
    opened = sh(2026, 3, 13, 20)  # Friday, after hours

    assert business_seconds(china, opened, sh(2026, 3, 16, 10)) == hours(1)
    assert add_business_seconds(china, opened, hours(4)) == sh(2026, 3, 16, 14, 30)
    assert business_seconds(china, opened, sh(2026, 3, 16, 8, 59)) == 0


def test_national_day_holidays_do_not_count(china):
    opened = sh(2026, 9, 30, 17)  # the last working hour before 国庆

    due = add_business_seconds(china, opened, hours(2))

    assert due == sh(2026, 10, 8, 10)
    assert business_seconds(china, opened, due) == hours(2)
    assert not is_business_time(china, sh(2026, 10, 5, 10))  # a Monday inside 国庆


def test_a_make_up_saturday_is_a_working_day_with_the_lunch_break(china):
    opened = sh(2026, 10, 9, 17)  # Friday before the make-up Saturday 2026-10-10

    assert add_business_seconds(china, opened, hours(4)) == sh(2026, 10, 10, 12)
    assert add_business_seconds(china, opened, hours(5)) == sh(2026, 10, 10, 14, 30)
    assert business_seconds(china, sh(2026, 10, 10), sh(2026, 10, 11)) == FULL_DAY
    assert china.windows_on(date(2026, 10, 10)) == LUNCH_BREAK_DAY


def test_every_make_up_workday_of_2026_counts_and_ordinary_weekends_do_not(china):
    for day in ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]:
        start = datetime.fromisoformat(f"2026-{day}T00:00:00+08:00")
        assert start.isoweekday() in (6, 7)
        assert business_seconds(china, start, start + timedelta(days=1)) == FULL_DAY
    assert not is_business_time(china, sh(2026, 9, 13, 10))  # an ordinary Sunday
    assert is_business_time(china, sh(2026, 9, 20, 10))  # the make-up Sunday before 国庆


def test_the_year_end_skips_new_years_day_and_counts_the_make_up_sunday(china):
    # 2025-12-31 Wed 17:00–18:00, 01-01 and 01-02 holidays, 01-03 Saturday,
    # 01-04 make-up Sunday (7.5 h), 01-05 Monday 09:00–10:00.
    assert business_seconds(china, sh(2025, 12, 31, 17), sh(2026, 1, 5, 10)) == hours(9.5)
    assert add_business_seconds(china, sh(2025, 12, 31, 17), hours(2)) == sh(2026, 1, 4, 10)


def test_spring_festival_week_is_closed(china):
    # 2026-02-13 Friday 17:00; 02-14 make-up Saturday; 02-15…02-23 春节; 02-24 back at work.
    assert add_business_seconds(china, sh(2026, 2, 13, 17), hours(9.5)) == sh(2026, 2, 24, 10)


def test_outside_working_hours_is_not_business_time(china):
    assert is_business_time(china, sh(2026, 3, 10, 9))
    assert not is_business_time(china, sh(2026, 3, 10, 12))  # windows end before their end
    assert not is_business_time(china, sh(2026, 3, 10, 8, 59, 59))
    assert not is_business_time(china, sh(2026, 3, 14, 10))  # an ordinary Saturday


def test_next_business_start_is_the_instant_itself_during_working_hours(china):
    assert next_business_start(china, sh(2026, 3, 10, 10, 15)) == sh(2026, 3, 10, 10, 15)
    assert next_business_start(china, sh(2026, 3, 10, 18)) == sh(2026, 3, 11, 9)
    assert next_business_start(china, sh(2026, 9, 30, 18)) == sh(2026, 10, 8, 9)


def test_adding_no_time_waits_for_the_next_window(china):
    assert add_business_seconds(china, sh(2026, 3, 14, 10), 0) == sh(2026, 3, 16, 9)
    assert add_business_seconds(china, sh(2026, 3, 10, 10), 0) == sh(2026, 3, 10, 10)


def test_spans_that_end_before_they_start_are_zero(china):
    assert business_seconds(china, sh(2026, 3, 10, 11), sh(2026, 3, 10, 10)) == 0
    assert business_seconds(china, sh(2026, 3, 10, 11), sh(2026, 3, 10, 11)) == 0


def test_results_keep_the_callers_time_zone(china):
    opened = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    due = add_business_seconds(china, opened, hours(1))

    assert due == datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_fractions_of_a_second_are_dropped(china):
    start = sh(2026, 3, 10, 10, 0, 0, 900_000)
    assert business_seconds(china, start, sh(2026, 3, 10, 10, 0, 1, 100_000)) == 1


def test_naive_datetimes_are_refused(china):
    with pytest.raises(ValueError, match="naive"):
        business_seconds(china, datetime(2026, 3, 10, 9), sh(2026, 3, 10, 10))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        add_business_seconds(china, datetime(2026, 3, 10, 9), 60)  # noqa: DTZ001


def test_negative_durations_are_refused(china):
    with pytest.raises(ValueError, match="negative"):
        add_business_seconds(china, sh(2026, 3, 10, 9), -1)


def test_a_year_without_official_data_is_flagged_but_still_follows_the_weekly_hours(china):
    assert china.uncovered_years(sh(2026, 12, 30), sh(2027, 1, 4)) == [2027]
    assert china.touches_uncovered(sh(2026, 12, 30), sh(2027, 1, 4))
    assert not china.touches_uncovered(sh(2026, 1, 1), sh(2026, 12, 31, 23, 59))
    # 2027-01-01 is a Friday: without the notice it counts as a normal working day.
    assert business_seconds(china, sh(2027, 1, 1), sh(2027, 1, 2)) == FULL_DAY


def test_a_due_time_far_beyond_the_known_years_is_still_computed(china):
    due = add_business_seconds(china, sh(2026, 12, 31, 17), hours(7.5) * 300)

    assert due.year == 2028
    assert business_seconds(china, sh(2026, 12, 31, 17), due) == hours(7.5) * 300
    assert china.uncovered_years(sh(2026, 12, 31, 17), due) == [2027, 2028]


def test_questions_about_distant_years_do_not_disturb_each_other(china):
    assert business_seconds(china, sh(2100, 3, 1), sh(2100, 3, 2)) == FULL_DAY  # a Monday
    assert business_seconds(china, sh(2026, 3, 10), sh(2026, 3, 11)) == FULL_DAY
    assert business_seconds(china, sh(2005, 1, 4), sh(2005, 1, 5)) == FULL_DAY


def test_the_weekly_windows_of_an_ordinary_day_are_listed_in_order(china):
    assert china.windows_on(date(2026, 3, 10)) == LUNCH_BREAK_DAY
    assert china.windows_on(date(2026, 10, 1)) == ()
    assert china.windows_on(date(2026, 3, 14)) == ()
    assert LUNCH_BREAK_DAY[1] == (time(13, 30), time(18))
