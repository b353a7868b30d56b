"""A planned day that is not a working day moves to the previous (default) or next working day
of its own period, or stays (keep)."""

import pytest

from opsbook.routines.dates import Shift, describe_shift

from .dates_helpers import china, due, dues, moves

__all__ = ["china"]
pytestmark = pytest.mark.django_db


def test_a_sunday_moves_to_the_friday_before_by_default_and_to_the_monday_after_with_next(china):
    assert moves("每月15日", china, "11-01", "11-30") == ["11-15→11-13"]
    assert moves("每月15日", china, "11-01", "11-30", shift=Shift.NEXT) == ["11-15→11-16"]
    assert moves("每月15日", china, "11-01", "11-30", shift=Shift.KEEP) == []
    assert dues("每月15日", china, "11-01", "11-30", shift=Shift.KEEP) == ["11-15"]


def test_shift_accepts_its_plain_value(china):
    assert dues("每月15日", china, "11-01", "11-30", shift="next") == ["11-16"]


def test_a_shift_never_leaves_the_period(china):
    # Sunday is the last day of its week: "next" has nowhere to go but back to Friday.
    assert dues("每周日", china, "11-09", "11-15", shift=Shift.NEXT) == ["11-13"]
    # 1 October: nothing open earlier in October, so "previous" takes the first day after.
    assert moves("每月1日和15日", china, "10-01", "10-31") == ["10-01→10-08"]
    assert moves("每月5日前", china, "12-01", "12-31", shift=Shift.NEXT) == ["12-05→12-07"]
    assert moves("每月5日前", china, "12-01", "12-31") == ["12-05→12-04"]


def test_a_make_up_sunday_is_a_working_day_and_is_not_moved(china):
    assert dues("每周日", china, "09-14", "09-27") == ["09-20", "09-24"]
    [holiday] = due("每周日", china, "09-21", "09-27")
    assert holiday.planned.isoformat()[5:] == "09-27"
    assert holiday.due.isoformat()[5:] == "09-24"  # 中秋 Friday 25th is closed too


def test_the_reason_for_a_move_is_the_holidays_name_or_the_weekend(china):
    by_planned = {
        o.planned.isoformat()[5:]: o for o in due("每周一、三、五", china, "09-21", "10-11")
    }
    assert describe_shift(by_planned["09-25"], china) == "中秋"
    assert describe_shift(by_planned["10-05"], china) == "国庆节"
    assert describe_shift(by_planned["09-21"], china) == ""
    [sunday] = due("每周日", china, "11-09", "11-15")
    assert describe_shift(sunday, china) == "weekend"
