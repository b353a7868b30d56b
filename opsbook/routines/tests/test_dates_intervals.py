"""Intervals (每两周, 每两个月, 每三天, 每两年) count from a stable anchor, so a rolling horizon
creates the same occurrences whichever day it starts on."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsbook.catalog.frequency import parse_frequency
from opsbook.routines.dates import EPOCH, Shift, due_dates

from .dates_helpers import china, d, due, dues

__all__ = ["china"]
pytestmark = pytest.mark.django_db

PHRASES = (
    "每日",
    "每日两次",
    "工作日每天",
    "工作日每天两次",
    "每三天",
    "每周",
    "每周两次",
    "每周三次",
    "每周一、三、五",
    "每周日",
    "每周三前",
    "每两周",
    "每两周的周一",
    "每两周两次",
    "每月",
    "每月两次",
    "每月5日前",
    "每月1日和15日",
    "每月31日",
    "每月最后一天",
    "每月第3个工作日",
    "每月最后一个工作日",
    "每月前3个工作日内",
    "每两个月",
    "每三个月的15日",
    "每季度",
    "每季度两次",
    "每季度第一个月",
    "每季度前15天",
    "每半年",
    "每年",
    "每年两次",
    "每年3月",
    "每两年",
)
CALENDAR_DAYS = {"每日", "每日两次", "每三天"}


def test_the_epoch_is_a_monday_and_a_first_of_january():
    assert EPOCH.isoweekday() == 1
    assert (EPOCH.month, EPOCH.day) == (1, 1)


def test_every_two_weeks_counts_fortnights_from_the_anchors_week(china):
    found = due("每两周", china, "01-05", "02-28", anchor="01-07")
    assert [(o.period_start.isoformat()[5:], o.period_end.isoformat()[5:]) for o in found] == [
        ("01-05", "01-18"),
        ("01-19", "02-01"),
        ("02-02", "02-15"),
        ("02-16", "03-01"),  # due on the make-up Saturday 28 February
    ]
    assert dues("每两周", china, "02-16", "03-01", anchor="01-07") == ["02-28"]
    shifted = due("每两周", china, "01-05", "02-28", anchor="01-14")
    assert shifted[0].period_start == d("2025-12-29")


def test_without_an_anchor_intervals_count_from_the_epoch(china):
    a = due("每两周", china, "2026-01-01", "2026-06-30")
    b = due("每两周", china, "2026-01-01", "2026-06-30", anchor="2001-01-01")
    assert a == b
    assert all((o.period_start - EPOCH).days % 14 == 0 for o in a)


def test_every_two_months_and_every_two_years_follow_the_anchor(china):
    assert dues("每两个月", china, "2026-01-01", "2026-12-31", anchor="2026-02-10") == [
        "01-30",  # December 2025 – January 2026
        "03-31",
        "05-29",
        "07-31",
        "09-30",
        "11-30",
    ]
    assert dues("每两个月", china, "2026-01-01", "2026-12-31") == [
        "02-28",
        "04-30",
        "06-30",
        "08-31",
        "10-30",
        "12-31",
    ]
    assert dues("每两年", china, "2025-01-01", "2028-12-31", anchor="2025-06-01") == [
        "12-31",
        "2028-12-29",
    ]
    assert dues("每三个月的15日", china, "2026-01-01", "2026-12-31", anchor="2026-02-01") == [
        "02-14",  # 15 February is a Sunday; the 14th a make-up Saturday
        "05-15",
        "08-14",
        "11-13",
    ]


def test_every_three_days_counts_calendar_days_from_the_anchor(china):
    assert dues("每三天", china, "01-01", "01-12", anchor="01-01") == [
        "01-03",
        "01-06",
        "01-09",
        "01-12",
    ]


@pytest.mark.parametrize("anchor", [None, "2025-11-19", "2026-02-10"])
def test_overlapping_windows_agree_on_the_days_they_share(china, anchor):
    for phrase in PHRASES:
        first = due(phrase, china, "2026-01-01", "2026-03-31", anchor=anchor)
        second = due(phrase, china, "2026-02-01", "2026-04-30", anchor=anchor)
        shared = (d("2026-02-01"), d("2026-03-31"))
        assert [o for o in first if o.due >= shared[0]] == [
            o for o in second if o.due <= shared[1]
        ], phrase


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    phrase=st.sampled_from(PHRASES),
    start=st.dates(date(2024, 6, 1), date(2027, 6, 30)),
    length=st.integers(0, 200),
    shift=st.sampled_from(list(Shift)),
    anchor=st.none() | st.dates(date(2020, 1, 1), date(2027, 12, 31)),
)
def test_rules_hold_for_any_window(china, phrase, start, length, shift, anchor):
    end = start + timedelta(days=length)
    freq = parse_frequency(phrase)
    found = due_dates(freq, china, start, end, shift=shift, anchor=anchor)
    wider = due_dates(
        freq,
        china,
        start - timedelta(days=60),
        end + timedelta(days=60),
        shift=shift,
        anchor=anchor,
    )
    assert found == [o for o in wider if start <= o.due <= end]
    assert [o.due for o in found] == sorted(o.due for o in found)
    keys = [(o.period_start, o.index) for o in found]
    assert len(keys) == len(set(keys))
    for o in found:
        assert o.period_start <= o.due <= o.period_end
        assert o.period_start <= o.planned <= o.period_end
        assert o.index >= 1
        if phrase not in CALENDAR_DAYS and shift != Shift.KEEP:
            assert china.is_working(o.due), (phrase, o)
        if not o.shifted:
            assert o.planned == o.due
