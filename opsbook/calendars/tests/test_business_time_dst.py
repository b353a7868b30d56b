"""Europe/Berlin across its clock changes: windows are aware instants, and business time is
the real seconds between them. In 2026 clocks spring forward on 29 March (02:00 → 03:00) and
fall back on 25 October (03:00 → 02:00)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsbook.calendars.businesstime import (
    CompiledCalendar,
    add_business_seconds,
    business_seconds,
    is_business_time,
)

from .conftest import BERLIN, berlin, hours

NIGHT_AND_DAY = ((time(1), time(4)), (time(9), time(18)))
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)


@pytest.fixture(scope="module")
def every_day():
    """Open 01:00–04:00 (across the changed hour) and 09:00–18:00 every day of the week."""
    return CompiledCalendar("Europe/Berlin", dict.fromkeys(range(1, 8), NIGHT_AND_DAY), {}, [2026])


def day_total(cal, day: date) -> int:
    start = datetime.combine(day, time(0), BERLIN)
    return business_seconds(cal, start, datetime.combine(day + timedelta(days=1), time(0), BERLIN))


def test_a_nine_to_six_window_is_nine_real_hours_on_both_change_days(every_day):
    for day in (SPRING, AUTUMN):
        assert business_seconds(
            every_day, berlin(day.year, day.month, day.day, 9), berlin(2026, day.month, day.day, 18)
        ) == hours(9)


def test_a_window_across_the_changed_hour_counts_the_real_seconds(every_day):
    assert day_total(every_day, date(2026, 3, 28)) == hours(3 + 9)
    assert day_total(every_day, SPRING) == hours(2 + 9)  # 02:00–03:00 never happens
    assert day_total(every_day, AUTUMN) == hours(4 + 9)  # 02:00–03:00 happens twice


def test_adding_time_across_the_spring_jump(every_day):
    due = add_business_seconds(every_day, berlin(2026, 3, 29, 1), hours(1.5))

    assert due == berlin(2026, 3, 29, 3, 30)  # 01:00–02:00 CET, then 03:00–03:30 CEST
    assert due.utcoffset() == timedelta(hours=2)


def test_adding_time_into_the_repeated_hour_lands_on_its_second_occurrence(every_day):
    due = add_business_seconds(every_day, berlin(2026, 10, 25, 1), hours(2.5))

    # 02:30 CET, the second 02:30 of the night (aware datetimes in the repeated hour never
    # compare equal across zones, so compare the instants).
    assert due.timestamp() == datetime(2026, 10, 25, 1, 30, tzinfo=UTC).timestamp()
    assert (due.hour, due.minute, due.fold) == (2, 30, 1)


def test_a_full_day_window_is_23_or_25_hours_when_the_clocks_change():
    always = CompiledCalendar("Europe/Berlin", dict.fromkeys(range(1, 8), ((time(0), time(0)),)))

    assert day_total(always, date(2026, 3, 28)) == hours(24)
    assert day_total(always, SPRING) == hours(23)
    assert day_total(always, AUTUMN) == hours(25)
    assert business_seconds(always, berlin(2026, 1, 1), berlin(2027, 1, 1)) == hours(365 * 24)


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ((time(2, 30), time(3, 30)), hours(0.5)),  # opens at the jump, 03:00 CEST
        ((time(2), time(3)), 0),  # wholly inside the skipped hour
        ((time(1, 30), time(2, 30)), hours(0.5)),  # 01:30–02:00 CET, then the jump
    ],
)
def test_a_window_touching_the_skipped_hour_opens_at_the_jump(window, expected):
    cal = CompiledCalendar("Europe/Berlin", {}, {SPRING: [window]})
    assert day_total(cal, SPRING) == expected


def test_a_window_starting_in_the_repeated_hour_starts_at_its_first_occurrence():
    cal = CompiledCalendar("Europe/Berlin", {}, {AUTUMN: [(time(2, 30), time(4))]})
    # 02:30 CEST → 04:00 CET: 30 min + the repeated hour + 1 h.
    assert day_total(cal, AUTUMN) == hours(2.5)


# --- A wall-clock reference: an instant is working time when the clock on the wall shows a
# time inside one of its day's windows. Windows here start and end on whole minutes outside the
# changed hour, so the reference and the timeline must agree minute by minute.

AROUND_CHANGES = [
    datetime(2025, 3, 28, tzinfo=BERLIN),
    datetime(2025, 10, 24, tzinfo=BERLIN),
    datetime(2026, 3, 27, tzinfo=BERLIN),
    datetime(2026, 10, 23, tzinfo=BERLIN),
]
MINUTES = st.integers(0, 4 * 24 * 60)


def at(base: datetime, minute: int) -> datetime:
    return base.astimezone(UTC) + timedelta(minutes=minute)


def wall_clock_reference(start: datetime, end: datetime) -> int:
    total, t = 0, start
    while t < end:
        local = t.astimezone(BERLIN)
        now = local.time()
        total += 60 * any(s <= now < e for s, e in NIGHT_AND_DAY)
        t += timedelta(minutes=1)
    return total


@pytest.fixture(scope="module")
def night_and_day():
    return CompiledCalendar(
        "Europe/Berlin", dict.fromkeys(range(1, 8), NIGHT_AND_DAY), {}, [2025, 2026]
    )


@settings(deadline=None)  # the reference steps minute by minute
@given(base=st.sampled_from(AROUND_CHANGES), first=MINUTES, second=MINUTES)
def test_business_seconds_match_the_wall_clock_across_changes(night_and_day, base, first, second):
    a, b = at(base, min(first, second)), at(base, max(first, second))
    assert business_seconds(night_and_day, a, b) == wall_clock_reference(a, b)


@given(base=st.sampled_from(AROUND_CHANGES), minute=MINUTES, seconds=st.integers(0, hours(30)))
def test_adding_is_the_inverse_of_counting_across_changes(night_and_day, base, minute, seconds):
    start = at(base, minute)
    due = add_business_seconds(night_and_day, start, seconds)

    assert business_seconds(night_and_day, start, due) == seconds
    if seconds:
        assert is_business_time(night_and_day, due - timedelta(seconds=1))


@given(base=st.sampled_from(AROUND_CHANGES), points=st.lists(MINUTES, min_size=3, max_size=3))
def test_splitting_a_span_across_a_change_adds_up(night_and_day, base, points):
    a, b, c = (at(base, m) for m in sorted(points))
    assert business_seconds(night_and_day, a, c) == (
        business_seconds(night_and_day, a, b) + business_seconds(night_and_day, b, c)
    )
