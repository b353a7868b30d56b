"""Retries with backoff: an @idempotent task that raises runs again later, up to its last
attempt; any other task fails once and stays failed."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.retry import RetryPolicy, idempotent, policy_for
from opsbook.jobs.testing import run_queued_tasks

from . import tasks

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("database_tasks")


def row_of(result) -> DBTaskResult:
    return DBTaskResult.objects.get(id=result.id)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def test_the_wait_doubles_after_each_failure_up_to_the_cap():
    policy = RetryPolicy(max_attempts=10, backoff=30, factor=2, max_backoff=300, jitter=0)

    waits = [policy.delay(attempt).total_seconds() for attempt in range(1, 7)]

    assert waits == [30, 60, 120, 240, 300, 300]


def test_jitter_only_shortens_the_wait_and_by_at_most_its_fraction():
    policy = RetryPolicy(backoff=100, jitter=0.25)

    assert policy.delay(1, rand=lambda: 0.0) == timedelta(seconds=100)
    assert policy.delay(1, rand=lambda: 0.999999) > timedelta(seconds=75)
    assert policy.delay(1, rand=lambda: 0.5) == timedelta(seconds=87.5)
    assert all(75 <= policy.delay(1).total_seconds() <= 100 for _ in range(200))


@pytest.mark.parametrize(
    ("options", "message"),
    [({"max_attempts": 0}, "max_attempts"), ({"backoff": -1}, "backoff"),
     ({"backoff": 60, "max_backoff": 30}, "backoff"), ({"factor": 0.5}, "factor"),
     ({"jitter": 1.5}, "jitter"), ({"retry_on": (KeyboardInterrupt,)}, "retry_on")],
)  # fmt: skip
def test_a_policy_that_makes_no_sense_is_refused(options, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        RetryPolicy(**options)


def test_idempotent_wants_a_task_and_returns_it_unchanged():
    def plain():
        return None

    with pytest.raises(ImproperlyConfigured, match="put @idempotent above @task"):
        idempotent()(plain)  # type: ignore[arg-type]  # the mistake tested
    assert idempotent(max_attempts=3, backoff=60, jitter=0)(tasks.always_breaks) is (
        tasks.always_breaks
    )


def test_one_task_cannot_get_two_different_policies():
    with pytest.raises(ImproperlyConfigured, match="declared idempotent twice"):
        idempotent(max_attempts=9)(tasks.always_breaks)


def test_only_declared_tasks_have_a_policy():
    assert policy_for(tasks.always_breaks.module_path) == RetryPolicy(
        max_attempts=3, backoff=60, jitter=0
    )
    assert policy_for(tasks.break_down.module_path) is None
    assert policy_for("opsbook.jobs.tests.no_such_module.task") is None


def test_a_failing_idempotent_task_goes_back_to_the_queue_with_run_after_its_backoff(db, frozen):
    result = tasks.always_breaks.enqueue()

    run_queued_tasks()

    row = row_of(result)
    assert row.status == "READY"
    assert row.run_after == START + timedelta(seconds=60)
    assert row.worker_ids == ["opsbook-tests"]  # one attempt made
    assert row.exception_class_path == "builtins.RuntimeError"
    assert "still broken" in row.traceback
    assert run_queued_tasks() == []  # not due yet


def test_a_task_failing_every_time_ends_failed_after_its_last_attempt(db, frozen, caplog):
    result = tasks.always_breaks.enqueue()
    run_queued_tasks()  # attempt 1, retried after 60 s
    frozen.move_to(START + timedelta(seconds=60), tick=False)
    run_queued_tasks()  # attempt 2, retried after 120 s
    assert row_of(result).run_after == START + timedelta(seconds=180)
    frozen.move_to(START + timedelta(seconds=180), tick=False)

    with pytest.raises(AssertionError, match="still broken"):
        run_queued_tasks()  # attempt 3 of 3

    row = row_of(result)
    assert row.status == "FAILED"
    assert len(row.worker_ids) == 3
    assert row.finished_at == START + timedelta(seconds=180)
    frozen.move_to(START + timedelta(days=1), tick=False)
    assert run_queued_tasks() == []  # failed for good
    assert "attempt 3 of 3: no attempts left" in caplog.text


def test_a_task_that_recovers_succeeds_and_knows_its_attempt(db, frozen):
    result = tasks.works_on_third_attempt.enqueue()

    for seconds in (0, 10, 30):  # backoff 10 s, then 20 s
        frozen.move_to(START + timedelta(seconds=seconds), tick=False)
        run_queued_tasks()

    row = row_of(result)
    assert (row.status, row.return_value) == ("SUCCESSFUL", 3)
    assert row.exception_class_path == "" and row.traceback == ""


def test_a_task_that_is_not_idempotent_is_not_retried(db, frozen, caplog):
    result = tasks.break_down.enqueue()

    with pytest.raises(AssertionError, match="the job broke"):
        run_queued_tasks()

    row = row_of(result)
    assert row.status == "FAILED" and len(row.worker_ids) == 1
    frozen.move_to(START + timedelta(days=1), tick=False)
    assert run_queued_tasks() == []
    assert "not idempotent: not retried" in caplog.text


def test_an_error_outside_retry_on_fails_at_once(db, frozen, caplog):
    result = tasks.refuses_bad_input.enqueue()

    with pytest.raises(AssertionError, match="bad input"):
        run_queued_tasks()

    assert row_of(result).status == "FAILED"
    assert "builtins.ValueError is not an error it retries" in caplog.text


def test_a_retry_is_logged_with_its_attempt_and_time(db, frozen, caplog):
    caplog.set_level(logging.WARNING, logger="opsbook.jobs")
    tasks.always_breaks.enqueue()

    run_queued_tasks()

    assert "failed on attempt 1 of 3 (builtins.RuntimeError: still broken)" in caplog.text
    assert "retrying after 2026-11-23T09:01:00+00:00" in caplog.text


def test_a_task_whose_module_is_gone_fails_without_stopping_the_worker(db, frozen):
    result = tasks.say_done.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(task_path="opsbook.jobs.tests.gone.task")

    with pytest.raises(AssertionError, match="1 task"):
        run_queued_tasks()

    assert row_of(result).exception_class_path == "builtins.ModuleNotFoundError"
