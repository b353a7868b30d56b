"""Each step has its own clock in business time on the run's calendar, started when the step
becomes current. The expected instants are worked out by hand on an office calendar with a
lunch break (09:00–12:00, 13:30–18:00) and National Day 2026 (1–7 October) off."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbook.sops import services
from opsbook.sops.testing import make_office_calendar, make_procedure, step

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SH)


@pytest.fixture
def office(db):
    return make_office_calendar()


def steps_of(run):
    return list(run.step_runs.select_related("step").order_by("step__position"))


def test_the_first_step_s_clock_starts_with_the_run_and_skips_lunch(personas, office):
    # 11:00 → 12:00 is 60 min; the other 180 min run from 13:30 to 16:30.
    procedure = make_procedure(steps=[step("受理", time_limit_minutes=240), step("处理")])

    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 9, 30, 11, 0))

    first, second = steps_of(run)
    assert first.started_at == sh(2026, 9, 30, 11, 0)
    assert first.due_at == sh(2026, 9, 30, 16, 30)
    assert second.started_at is None and second.due_at is None


def test_the_next_step_s_clock_starts_when_the_previous_is_done_and_runs_over_the_holiday(
    personas, office
):
    procedure = make_procedure(
        steps=[step("受理", time_limit_minutes=30), step("处理", time_limit_minutes=300)]
    )
    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 9, 30, 9, 0))
    first, _ = steps_of(run)

    services.do_complete_step(personas.mia, first, now=sh(2026, 9, 30, 17, 30, 15))

    # 17:30:15 → 18:00 is 1,785 s; 1–7 October are off; 8 October 09:00–12:00 gives 10,800 s;
    # the remaining 18,000 − 1,785 − 10,800 = 5,415 s (1 h 30 min 15 s) end at 15:00:15.
    _, second = steps_of(run)
    assert second.started_at == sh(2026, 9, 30, 17, 30, 15)
    assert second.due_at == sh(2026, 10, 8, 15, 0, 15)


def test_a_step_started_outside_hours_counts_from_the_next_window(personas, office):
    procedure = make_procedure(steps=[step("受理", time_limit_minutes=45)])

    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 10, 9, 20, 0))

    # Friday evening → the make-up Saturday 10 October opens at 09:00: due 09:45.
    assert steps_of(run)[0].due_at == sh(2026, 10, 10, 9, 45)


def test_a_step_ending_exactly_at_noon_is_due_at_noon(personas, office):
    procedure = make_procedure(steps=[step("受理", time_limit_minutes=180)])

    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 9, 29, 9, 0))

    assert steps_of(run)[0].due_at == sh(2026, 9, 29, 12, 0)


def test_no_calendar_given_means_the_default_calendar(personas, office):
    procedure = make_procedure(steps=[step("受理", time_limit_minutes=90)])

    run = services.do_start_run(procedure, calendar=None, now=sh(2026, 9, 30, 11, 0))

    assert run.calendar == office
    assert steps_of(run)[0].due_at == sh(2026, 9, 30, 14, 0)


def test_without_any_business_calendar_the_limit_runs_round_the_clock(personas):
    procedure = make_procedure(steps=[step("受理", time_limit_minutes=90)])

    run = services.do_start_run(procedure, calendar=None, now=sh(2026, 9, 30, 23, 0))

    assert run.calendar is None
    assert steps_of(run)[0].due_at == sh(2026, 9, 30, 23, 0) + timedelta(minutes=90)


def test_a_step_without_a_limit_has_no_due_time(personas, office):
    procedure = make_procedure(steps=[step("受理")])

    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 9, 30, 11, 0))

    assert steps_of(run)[0].due_at is None


def test_the_run_is_complete_when_its_last_step_is_done(personas, office):
    procedure = make_procedure(steps=[step("一"), step("二")])
    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 9, 30, 9, 0))

    for moment, step_run in zip(
        (sh(2026, 9, 30, 10, 0), sh(2026, 9, 30, 11, 0)), steps_of(run), strict=True
    ):
        services.do_complete_step(personas.mia, step_run, now=moment)

    run.refresh_from_db()
    assert run.completed_at == sh(2026, 9, 30, 11, 0)


def test_reopening_the_last_done_step_gives_it_a_new_clock(personas, office):
    procedure = make_procedure(
        steps=[step("一", time_limit_minutes=60), step("二", time_limit_minutes=60)]
    )
    run = services.do_start_run(procedure, calendar=office, now=sh(2026, 9, 30, 9, 0))
    first, second = steps_of(run)
    services.do_complete_step(personas.mia, first, note="完成", now=sh(2026, 9, 30, 9, 30))

    services.do_reopen_step(personas.mia, first, now=sh(2026, 9, 30, 11, 30))

    first, second = steps_of(run)
    assert first.done_at is None and first.note == "完成"
    assert first.started_at == sh(2026, 9, 30, 11, 30)
    assert first.due_at == sh(2026, 9, 30, 14, 0)  # 30 min before lunch, 30 after
    assert second.started_at is None and second.due_at is None
