"""Spring Festival 2026: Monday 16 to Monday 23 February are holidays, so the week of
16–22 February has no working day at all; Saturdays 14 and 28 February are make-up workdays."""

import pytest

from opsbook.routines.dates import Shift

from .dates_helpers import china, d, due, dues

__all__ = ["china"]
pytestmark = pytest.mark.django_db

WEEKS = ("02-09", "03-01")  # the week before, the closed week, the week after


def test_the_festival_week_has_no_working_day(china):
    assert china.between(d("02-16"), d("02-22")) == []
    assert china.is_working(d("02-14"))
    assert china.is_working(d("02-28"))


def test_a_weekly_item_has_no_occurrence_in_a_week_without_working_days(china):
    found = due("每周", china, *WEEKS)
    assert [(o.period_start.isoformat()[5:], o.due.isoformat()[5:]) for o in found] == [
        ("02-09", "02-14"),  # the make-up Saturday closes its week
        ("02-23", "02-28"),
    ]


def test_twice_a_week_skips_the_closed_week_and_uses_the_make_up_days(china):
    assert dues("每周两次", china, *WEEKS) == ["02-11", "02-14", "02-25", "02-28"]


def test_fixed_weekdays_of_the_closed_week_are_dropped_not_pushed_into_another_week(china):
    for shift in (Shift.PREVIOUS, Shift.NEXT):
        assert dues("每周一", china, *WEEKS, shift=shift) == ["02-09", "02-24"], shift


def test_keep_means_the_work_happens_even_when_the_office_is_closed(china):
    assert dues("每周", china, *WEEKS, shift=Shift.KEEP) == ["02-14", "02-22", "02-28"]
    assert dues("每周两次", china, "02-16", "02-22", shift=Shift.KEEP) == ["02-18", "02-22"]
    assert dues("每周一", china, *WEEKS, shift=Shift.KEEP) == ["02-09", "02-16", "02-23"]


def test_the_indexes_of_a_period_stay_the_same_when_part_of_it_is_dropped(china):
    found = due("每周一、三、五", china, "02-23", "03-01")
    assert [(o.index, o.planned.isoformat()[5:], o.due.isoformat()[5:]) for o in found] == [
        (1, "02-23", "02-24"),  # 春节 Monday: nothing open before it in the week
        (2, "02-25", "02-25"),
        (3, "02-27", "02-27"),
    ]


def test_every_working_day_skips_the_festival_and_includes_both_make_up_saturdays(china):
    found = dues("工作日每天", china, "02-12", "02-28")
    assert found == ["02-12", "02-13", "02-14", "02-24", "02-25", "02-26", "02-27", "02-28"]


def test_twice_a_month_is_spread_over_februarys_sixteen_working_days(china):
    assert len(china.between(d("02-01"), d("02-28"))) == 16
    assert dues("每月两次", china, "02-01", "02-28") == ["02-11", "02-28"]  # the 8th and 16th


def test_an_nth_working_day_past_the_months_working_days_is_its_last_one(china):
    assert dues("每月第3个工作日", china, "02-01", "03-31") == ["02-04", "03-04"]
    assert dues("每月第20个工作日", china, "02-01", "03-31") == ["02-28", "03-27"]
    assert dues("每月前3个工作日内", china, "02-01", "02-28") == ["02-04"]
