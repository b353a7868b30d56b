"""Every example phrase of the frequency parser, scheduled around National Day 2026 on the
China calendar: 中秋 on Friday 25 September, 国庆节 from Thursday 1 to Wednesday 7 October, and
the make-up workdays Sunday 20 September and Saturday 10 October. These are the tables of
docs/users/scheduling.md."""

import pytest

from opsbook.catalog.frequency import EXAMPLES_ZH
from opsbook.routines.dates import NotSchedulable

from .dates_helpers import china, d, due, dues, moves

__all__ = ["china"]
# pytest-django creates the test database only for a session with a database test in it.
pytestmark = pytest.mark.django_db

START, END = "09-14", "10-18"


def test_the_calendar_knows_the_holidays_and_the_make_up_workdays(china):
    assert [x.isoformat()[5:] for x in china.between(d("09-19"), d("10-11"))] == [
        "09-20",  # Sunday, make-up workday
        "09-21",
        "09-22",
        "09-23",
        "09-24",  # 25th: 中秋
        "09-28",
        "09-29",
        "09-30",  # 1st–7th: 国庆节 (3rd and 4th are the weekend)
        "10-08",
        "10-09",
        "10-10",  # Saturday, make-up workday
    ]
    assert china.name_of(d("10-05")) == "国庆节"
    assert china.name_of(d("10-10")) == "国庆节"


def test_every_example_phrase_is_scheduled_or_refused_with_a_reason(china):
    for phrase in EXAMPLES_ZH:
        if phrase == "按需":
            with pytest.raises(NotSchedulable, match="on demand"):
                due(phrase, china, START, END)
        else:
            found = due(phrase, china, "2026-01-01", "2026-12-31")
            assert found, phrase
            assert all(o.period_start <= o.due <= o.period_end for o in found), phrase


def test_daily_counts_every_calendar_day_holidays_included(china):
    found = dues("每日", china, "09-30", "10-03")
    assert found == ["09-30", "10-01", "10-02", "10-03"]
    assert moves("每日", china, START, END) == []


def test_every_working_day_skips_the_holidays_and_includes_the_make_up_days(china):
    assert dues("工作日每天", china, "09-19", "10-11") == [
        "09-20",
        "09-21",
        "09-22",
        "09-23",
        "09-24",
        "09-28",
        "09-29",
        "09-30",
        "10-08",
        "10-09",
        "10-10",
    ]


def test_twice_a_week_falls_at_the_end_of_two_runs_of_the_weeks_working_days(china):
    found = due("每周两次", china, START, END)
    assert [(x.due.isoformat()[5:], x.index) for x in found] == [
        ("09-16", 1),  # 6 working days (Mon–Fri and the make-up Sunday): 3rd and 6th
        ("09-20", 2),
        ("09-22", 1),  # 4 working days (Mon–Thu): 2nd and 4th
        ("09-24", 2),
        ("09-28", 1),  # 3 working days (Mon–Wed): 1st and 3rd
        ("09-30", 2),
        ("10-08", 1),  # 3 working days (Thu, Fri and the make-up Saturday): 1st and 3rd
        ("10-10", 2),
        ("10-13", 1),  # a normal week: Tuesday and Friday
        ("10-16", 2),
    ]
    assert all(not x.shifted for x in found)


def test_mon_wed_fri_moves_to_a_working_day_of_the_same_week(china):
    assert dues("每周一、三、五", china, "09-21", "10-11") == [
        "09-21",
        "09-23",
        "09-24",
        "09-28",
        "09-30",
        "09-30",
        "10-08",
        "10-08",
        "10-09",
    ]
    assert moves("每周一、三、五", china, START, END) == [
        "09-25→09-24",  # 中秋 Friday: the Thursday before
        "10-02→09-30",  # 国庆节 Friday: the Wednesday before
        "10-05→10-08",  # Monday: nothing earlier in its week is open, so the first day after
        "10-07→10-08",
    ]


def test_every_two_weeks_is_due_on_the_last_working_day_of_each_fortnight(china):
    found = due("每两周", china, START, END)
    assert [(x.period_start.isoformat()[5:], x.due.isoformat()[5:]) for x in found] == [
        ("09-07", "09-20"),  # the make-up Sunday is the fortnight's last working day
        ("09-21", "09-30"),
        ("10-05", "10-16"),
    ]


def test_by_the_fifth_moves_past_the_holiday_when_the_month_has_nothing_open_before(china):
    [october] = due("每月5日前", china, START, END)
    assert (october.planned, october.due) == (d("10-05"), d("10-08"))
    assert (october.period_start, october.period_end) == (d("10-01"), d("10-31"))
    assert dues("每月5日前", china, "11-01", "12-31") == ["11-05", "12-04"]  # 5 Dec: Saturday


def test_the_first_and_fifteenth_keep_the_first_inside_october(china):
    assert moves("每月1日和15日", china, START, END) == ["10-01→10-08"]
    assert dues("每月1日和15日", china, START, END) == ["09-15", "10-08", "10-15"]


def test_last_working_day_of_the_month(china):
    assert dues("每月最后一个工作日", china, "2026-09-01", "2026-12-31") == [
        "09-30",
        "10-30",
        "11-30",
        "12-31",
    ]
    assert dues("每月最后一个工作日", china, "2026-02-01", "2026-02-28") == ["02-28"]  # 调休


def test_quarterly_half_yearly_and_yearly_are_due_on_the_last_working_day(china):
    assert dues("每季度", china, "2026-01-01", "2026-12-31") == [
        "03-31",
        "06-30",
        "09-30",
        "12-31",
    ]
    assert dues("每半年", china, "2026-01-01", "2026-12-31") == ["06-30", "12-31"]
    assert dues("每年", china, "2025-01-01", "2026-12-31") == ["2025-12-31", "12-31"]
