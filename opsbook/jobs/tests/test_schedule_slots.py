"""When schedules are due: pure functions of the time, the same on every host."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from opsbook.jobs.schedule import Daily, Every, Registry
from opsbook.jobs.schedule import registry as project_registry

from . import tasks


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def test_every_minute_is_due_on_the_minute():
    spec = Every(timedelta(minutes=1))

    assert spec.last_slot(utc(2026, 11, 23, 9, 41, 59)) == utc(2026, 11, 23, 9, 41)
    assert spec.last_slot(utc(2026, 11, 23, 9, 42)) == utc(2026, 11, 23, 9, 42)
    assert spec.next_slot(utc(2026, 11, 23, 9, 42)) == utc(2026, 11, 23, 9, 43)


def test_every_fifteen_minutes_is_due_at_the_quarter_hours_whenever_the_scheduler_started():
    spec = Every(timedelta(minutes=15))

    assert spec.last_slot(utc(2026, 11, 23, 9, 44, 59, 999999)) == utc(2026, 11, 23, 9, 30)
    assert spec.next_slot(utc(2026, 11, 23, 9, 44)) == utc(2026, 11, 23, 9, 45)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    seconds=st.integers(min_value=1, max_value=7 * 86400),
)
def test_an_interval_slot_is_the_latest_multiple_at_or_before_now(moment, seconds):
    spec = Every(timedelta(seconds=seconds))

    last, following = spec.last_slot(moment), spec.next_slot(moment)

    assert last <= moment < following
    assert following - last == timedelta(seconds=seconds)
    assert spec.last_slot(last) == last


def test_daily_is_due_at_the_wall_clock_time_of_its_time_zone():
    spec = Daily(at=time(2, 0), tz="Asia/Shanghai")

    # 02:00 on the 24th in Shanghai is 18:00 UTC on the 23rd.
    assert spec.last_slot(utc(2026, 11, 23, 17, 59)) == utc(2026, 11, 22, 18, 0)
    assert spec.last_slot(utc(2026, 11, 23, 18, 0)) == utc(2026, 11, 23, 18, 0)
    assert spec.next_slot(utc(2026, 11, 23, 18, 0)) == utc(2026, 11, 24, 18, 0)


def test_daily_without_a_time_zone_follows_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    spec = Daily(at=time(3, 30))

    assert spec.last_slot(utc(2026, 7, 1, 12)) == utc(2026, 7, 1, 1, 30)
    assert str(spec) == "daily 03:30 Europe/Berlin"


def test_weekdays_skip_the_other_days():
    spec = Daily(at=time(9, 0), tz="Asia/Shanghai", weekdays=frozenset({0, 2, 4}))
    saturday_noon = utc(2026, 11, 28, 4, 0)  # 12:00 in Shanghai

    assert spec.last_slot(saturday_noon) == utc(2026, 11, 27, 1, 0)  # Friday 09:00
    assert spec.next_slot(saturday_noon) == utc(2026, 11, 30, 1, 0)  # Monday 09:00
    assert str(spec) == "mon,wed,fri 09:00 Asia/Shanghai"


def test_a_time_skipped_by_daylight_saving_runs_once_that_day_with_the_earlier_offset():
    spec = Daily(at=time(2, 30), tz="America/New_York")

    # 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT; 02:30 EST is 07:30 UTC.
    assert spec.last_slot(utc(2026, 3, 8, 12)) == utc(2026, 3, 8, 7, 30)
    assert spec.last_slot(utc(2026, 3, 9, 12)) == utc(2026, 3, 9, 6, 30)


def test_a_time_that_occurs_twice_runs_once_the_first_time():
    spec = Daily(at=time(1, 30), tz="America/New_York")

    # 2026-11-01: 01:30 EDT (05:30 UTC), then clocks fall back and 01:30 EST (06:30 UTC) recurs.
    first = utc(2026, 11, 1, 5, 30)
    assert spec.last_slot(utc(2026, 11, 1, 6, 45)) == first
    assert spec.next_slot(first) == utc(2026, 11, 2, 6, 30)


@pytest.mark.parametrize(
    ("interval", "text"),
    [(timedelta(seconds=45), "every 45 s"), (timedelta(minutes=5), "every 5 min"),
     (timedelta(hours=2), "every 2 h"), (timedelta(seconds=90), "every 90 s")],
)  # fmt: skip
def test_schedules_describe_themselves(interval, text):
    assert str(Every(interval)) == text


def test_the_decorators_register_the_task_and_return_it_unchanged():
    registry = Registry()

    returned = registry.every(minutes=1)(tasks.say_done)
    registry.daily(at="02:00", tz="Asia/Shanghai", name="nightly say_done")(tasks.say_done)

    assert returned is tasks.say_done
    assert [str(schedule) for schedule in registry] == [
        "nightly say_done (daily 02:00 Asia/Shanghai)",
        "opsbook.jobs.tests.tasks.say_done (every 1 min)",
    ]


def test_registering_the_same_schedule_twice_is_harmless():
    registry = Registry()

    registry.every(minutes=1)(tasks.say_done)
    registry.every(minutes=1)(tasks.say_done)

    assert len(registry) == 1


def test_two_different_schedules_under_one_name_are_refused():
    registry = Registry()
    registry.every(minutes=1)(tasks.say_done)

    with pytest.raises(ImproperlyConfigured, match="two schedules are named"):
        registry.every(minutes=5)(tasks.say_done)


def test_a_plain_function_is_refused_with_a_hint_about_decorator_order():
    registry = Registry()

    def not_a_task():
        return None

    with pytest.raises(ImproperlyConfigured, match="put @every/@daily above @task"):
        registry.every(minutes=1)(not_a_task)  # type: ignore[arg-type]  # the mistake tested


def test_a_task_that_needs_arguments_cannot_be_scheduled():
    with pytest.raises(ImproperlyConfigured, match=r"needs arguments \(ticket_id\)"):
        Registry().every(minutes=1)(tasks.needs_a_ticket)


def test_a_task_taking_its_context_and_defaults_can_be_scheduled():
    registry = Registry()

    registry.every(minutes=1)(tasks.counts_attempts)

    assert len(registry) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"at": "25:00"}, "is not a time of day"),
        ({"at": "02:00+08:00"}, "give the time zone as tz="),
        ({"at": "02:00", "tz": "Mars/Olympus"}, "is not a time zone"),
        ({"at": "02:00", "weekdays": ["mon", "funday"]}, "'funday' is not a weekday"),
        ({"at": "02:00", "weekdays": []}, "at least one weekday"),
    ],
)
def test_bad_daily_schedules_fail_loudly_at_import(kwargs, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        Registry().daily(**kwargs)


def test_weekdays_may_be_given_as_one_comma_separated_string():
    registry = Registry()

    registry.daily(at="09:00", tz="UTC", weekdays="mon, fri")(tasks.say_done)

    assert str(next(iter(registry)).spec) == "mon,fri 09:00 UTC"


@pytest.mark.parametrize("seconds", [0, -60])
def test_intervals_under_a_second_are_refused(seconds):
    with pytest.raises(ImproperlyConfigured, match="at least 1 second"):
        Registry().every(seconds=seconds)


def test_the_project_registry_holds_the_housekeeping_job():
    prune = project_registry["opsbook.jobs.jobs.prune_task_results"]

    assert str(prune.spec) == "daily 03:30 Asia/Shanghai"
