"""Properties of business-time arithmetic, checked against a slow reference on the China
calendar: every window of every day, intersected with the span, one by one."""

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from opsbook.calendars.businesstime import (
    MIDNIGHT,
    add_business_seconds,
    business_seconds,
    is_business_time,
    next_business_start,
)
from opsbook.calendars.seeding import china_compiled_calendar, china_official_years

from .conftest import SHANGHAI, hours, sh

FIRST = int(sh(2025, 1, 1).timestamp())
LAST = int(sh(2027, 1, 1).timestamp())

instants = st.integers(FIRST, LAST).map(lambda s: datetime.fromtimestamp(s, UTC))
precise_instants = st.builds(
    lambda s, us: datetime.fromtimestamp(s, UTC).replace(microsecond=us),
    st.integers(FIRST, LAST),
    st.integers(0, 999_999),
)
durations = st.integers(0, hours(7.5) * 250)


def reference_business_seconds(cal, start: datetime, end: datetime) -> int:
    a, b = int(start.timestamp() // 1), int(end.timestamp() // 1)
    total = 0
    day = start.astimezone(SHANGHAI).date() - timedelta(days=1)
    while day <= end.astimezone(SHANGHAI).date():
        for s, e in cal.windows_on(day):
            ws = int(datetime.combine(day, s, SHANGHAI).timestamp())
            end_day = day + timedelta(days=1) if e == MIDNIGHT else day
            we = int(datetime.combine(end_day, e, SHANGHAI).timestamp())
            total += max(0, min(we, b) - max(ws, a))
        day += timedelta(days=1)
    return total


# The reference walks every day of the span: no deadline, so a slow CI machine cannot flake.
@settings(deadline=None)
@given(start=instants, end=instants)
def test_business_seconds_agree_with_the_reference(china, start, end):
    assert business_seconds(china, start, end) == reference_business_seconds(china, start, end)


@given(start=precise_instants, end=precise_instants, later=precise_instants)
def test_business_seconds_grow_with_the_end(china, start, end, later):
    end, later = sorted([end, later])
    assert business_seconds(china, start, end) <= business_seconds(china, start, later)


@given(points=st.lists(precise_instants, min_size=3, max_size=3))
def test_business_seconds_add_up_over_a_split_point(china, points):
    a, b, c = sorted(points)
    assert business_seconds(china, a, c) == business_seconds(china, a, b) + business_seconds(
        china, b, c
    )


@given(start=precise_instants, seconds=durations)
def test_adding_business_seconds_is_the_inverse_of_counting_them(china, start, seconds):
    due = add_business_seconds(china, start, seconds)

    assert due >= start.replace(microsecond=0)
    assert business_seconds(china, start, due) == seconds
    if seconds:
        assert is_business_time(china, due - timedelta(seconds=1))
        assert business_seconds(china, start, due - timedelta(seconds=1)) == seconds - 1


@given(start=instants)
def test_the_time_before_the_next_window_is_not_business_time(china, start):
    opens = next_business_start(china, start)

    assert business_seconds(china, start, opens) == 0
    assert is_business_time(china, opens)
    assert is_business_time(china, start) == (opens == start)


@given(
    day=st.sampled_from(
        sorted(d for d in china_official_years().holidays if d.year in (2025, 2026))
    ),
    first=st.integers(0, 86399),
    second=st.integers(0, 86399),
)
def test_spans_inside_a_holiday_count_nothing(china, day, first, second):
    midnight = datetime.combine(day, MIDNIGHT, SHANGHAI)
    a, b = sorted([first, second])
    start, end = midnight + timedelta(seconds=a), midnight + timedelta(seconds=b)

    assert business_seconds(china, start, end) == 0
    assert not is_business_time(china, start)


@given(instant=instants)
def test_an_instant_is_business_time_exactly_when_its_next_second_counts(china, instant):
    assert is_business_time(china, instant) == (
        business_seconds(china, instant, instant + timedelta(seconds=1)) == 1
    )


@settings(max_examples=10, deadline=None)
@given(start=st.integers(FIRST, LAST - 86400 * 10).map(lambda s: datetime.fromtimestamp(s, UTC)))
def test_the_result_does_not_depend_on_earlier_questions(start):
    fresh, warmed = china_compiled_calendar(), china_compiled_calendar()
    business_seconds(warmed, sh(2004, 6, 1), sh(2004, 6, 2))  # builds a distant timeline first
    end = start + timedelta(days=10)
    assert business_seconds(fresh, start, end) == business_seconds(warmed, start, end)


def test_every_day_from_2004_to_2026_agrees_with_chinesecalendar(china):
    day, stop = date(2004, 1, 1), date(2027, 1, 1)
    while day < stop:
        start = datetime.combine(day, MIDNIGHT, SHANGHAI)
        counted = business_seconds(china, start, start + timedelta(days=1))
        assert counted == (hours(7.5) if chinese_calendar.is_workday(day) else 0), day
        day += timedelta(days=1)
