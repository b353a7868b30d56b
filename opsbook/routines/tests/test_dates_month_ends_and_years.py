"""Month ends, leap years, and periods that cross a year boundary."""

import pytest

from opsbook.routines.dates import Shift

from .dates_helpers import china, d, due, dues, moves

__all__ = ["china"]
pytestmark = pytest.mark.django_db


def test_the_31st_is_the_last_day_of_shorter_months(china):
    found = due("每月31日", china, "2026-01-01", "2026-12-31")
    assert [o.planned.isoformat()[5:] for o in found][:6] == [
        "01-31",
        "02-28",
        "03-31",
        "04-30",
        "05-31",
        "06-30",
    ]
    assert [o.due.isoformat()[5:] for o in found][:6] == [
        "01-30",  # Saturday → Friday
        "02-28",  # Saturday, but a make-up workday
        "03-31",
        "04-30",
        "05-29",  # Sunday → Friday
        "06-30",
    ]


def test_the_29th_and_the_31st_are_the_29th_of_february_in_a_leap_year(china):
    assert [o.planned for o in due("每月31日", china, "2028-02-01", "2028-02-29")] == [
        d("2028-02-29")
    ]
    assert [o.planned for o in due("每月29日", china, "2027-02-01", "2027-02-28")] == [
        d("2027-02-28")
    ]
    assert dues("每月29日", china, "2027-02-01", "2027-02-28") == ["2027-02-26"]  # a Sunday


def test_the_30th_and_31st_are_one_occurrence_in_february(china):
    assert dues("每月30日、31日", china, "2026-02-01", "2026-03-31") == ["02-28", "03-30", "03-31"]


def test_a_deadline_counted_in_days_of_the_year_meets_the_leap_day(china):
    assert [o.planned for o in due("每年前60天", china, "2028-01-01", "2028-12-31")] == [
        d("2028-02-29")
    ]
    [in_2026] = due("每年前60天", china, "2026-01-01", "2026-12-31")
    assert (in_2026.planned, in_2026.due) == (d("2026-03-01"), d("2026-02-28"))


def test_last_day_of_the_month_stays_in_its_month_whatever_the_shift(china):
    for shift in (Shift.PREVIOUS, Shift.NEXT):
        assert dues("每月最后一天", china, "2026-01-01", "2026-01-31", shift=shift) == ["01-30"]
    assert dues("每月最后一天", china, "2026-01-01", "2026-01-31", shift=Shift.KEEP) == ["01-31"]


def test_a_week_across_new_year_belongs_to_both_years_and_is_one_period(china):
    [o] = due("每周", china, "2026-01-01", "2026-01-04")
    assert (o.period_start, o.period_end, o.due) == (
        d("2025-12-29"),
        d("2026-01-04"),
        d("2026-01-04"),  # 元旦 Thursday and Friday; Sunday is the make-up workday
    )
    assert dues("每周两次", china, "2025-12-29", "2026-01-04") == ["2025-12-30", "01-04"]


def test_a_period_partly_outside_the_window_counts_only_due_dates_inside_it(china):
    assert dues("每周两次", china, "2026-01-01", "2026-01-03") == []
    assert dues("每周两次", china, "2025-12-30", "2026-01-03") == ["2025-12-30"]
    assert dues("每月", china, "2026-10-01", "2026-10-29") == []
    assert dues("每月", china, "2026-10-30", "2026-10-30") == ["10-30"]


def test_quarters_half_years_and_years_with_a_day_or_a_month(china):
    year = ("2026-01-01", "2026-12-31")
    assert dues("每季度前15天", china, *year) == ["01-15", "04-15", "07-15", "10-15"]
    assert dues("每季度第二个月", china, *year) == ["02-28", "05-29", "08-31", "11-30"]
    assert dues("每半年第一个月", china, *year) == ["01-30", "07-31"]
    assert dues("每年3月", china, *year) == ["03-31"]
    assert dues("每年前10天", china, *year) == ["01-09"]  # 10 January: Saturday
    [march] = due("每年3月", china, *year)
    assert (march.period_start, march.period_end) == (d("2026-01-01"), d("2026-12-31"))
    [q2] = due("每季度第二个月", china, "2026-05-01", "2026-05-31")
    assert (q2.period_start, q2.period_end) == (d("2026-04-01"), d("2026-06-30"))


def test_twice_a_quarter_and_twice_a_year_are_spread_over_the_working_days(china):
    assert len(china.between(d("2026-01-01"), d("2026-12-31"))) == 248
    assert dues("每年两次", china, "2026-01-01", "2026-12-31") == ["07-06", "12-31"]  # 124th, 248th
    assert len(dues("每季度两次", china, "2026-01-01", "2026-12-31")) == 8


def test_a_deadline_day_past_the_months_end_is_its_last_day(china):
    assert moves("每月31日前", china, "2026-04-01", "2026-05-31") == ["05-31→05-29"]
    assert dues("每月31日前", china, "2026-04-01", "2026-05-31") == ["04-30", "05-29"]
