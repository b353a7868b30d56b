"""A scheduler pass enqueues each due slot once, whoever else runs the same pass."""

from datetime import UTC, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.models import ScheduleClaim
from opsbook.jobs.scheduler import Outcome, Scheduler

from . import tasks

pytestmark = pytest.mark.usefixtures("database_tasks")

NINE = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)


def queued(task) -> int:
    return DBTaskResult.objects.filter(task_path=task.module_path).count()


@pytest.fixture
def minutely(registry):
    registry.every(minutes=1)(tasks.say_done)
    return registry


def test_a_due_slot_is_claimed_and_its_task_enqueued(db, minutely):
    (result,) = Scheduler(minutely, identity="host-a").run_pass(NINE)

    assert result.outcome is Outcome.ENQUEUED
    claim = ScheduleClaim.objects.get()
    assert claim.schedule == "opsbook.jobs.tests.tasks.say_done"
    assert claim.slot == NINE.replace(second=0)
    assert claim.claimed_by == "host-a"
    assert claim.task_result_id == result.task_result_id
    assert DBTaskResult.objects.get().status == "READY"


def test_two_schedulers_running_the_same_pass_enqueue_the_task_once(db, minutely):
    first = Scheduler(minutely, identity="host-a").run_pass(NINE)
    second = Scheduler(minutely, identity="host-b").run_pass(NINE + timedelta(seconds=20))

    assert [r.outcome for r in first + second] == [Outcome.ENQUEUED, Outcome.TAKEN]
    assert queued(tasks.say_done) == 1
    assert ScheduleClaim.objects.get().claimed_by == "host-a"


def test_each_new_slot_is_enqueued_again(db, minutely):
    scheduler = Scheduler(minutely)

    scheduler.run_pass(NINE)
    scheduler.run_pass(NINE + timedelta(minutes=1))
    scheduler.run_pass(NINE + timedelta(minutes=2))

    assert queued(tasks.say_done) == 3


def test_slots_missed_during_downtime_run_once_not_once_each(db, minutely):
    scheduler = Scheduler(minutely)
    scheduler.run_pass(NINE)

    # The scheduler was down for a day: 1,440 minutely slots went by.
    (result,) = Scheduler(minutely).run_pass(NINE + timedelta(days=1, seconds=30))

    assert result.outcome is Outcome.ENQUEUED
    assert result.slot == NINE.replace(second=0) + timedelta(days=1)
    assert queued(tasks.say_done) == 2


def test_a_slot_older_than_one_already_claimed_is_not_run(db, minutely):
    # A scheduler whose clock runs ahead took 09:01; one that lags behind wakes up for 09:00,
    # which nobody ran: it is a missed slot, coalesced into the later one.
    Scheduler(minutely, identity="ahead").run_pass(NINE + timedelta(minutes=1))

    (result,) = Scheduler(minutely, identity="behind").run_pass(NINE)

    assert result.outcome is Outcome.TAKEN
    assert queued(tasks.say_done) == 1


def test_a_scheduler_does_not_ask_the_database_again_about_a_settled_slot(
    db, minutely, django_assert_num_queries
):
    scheduler = Scheduler(minutely)
    scheduler.run_pass(NINE)

    with django_assert_num_queries(0):
        (result,) = scheduler.run_pass(NINE + timedelta(seconds=30))

    assert result.outcome is Outcome.DONE


def test_a_failed_enqueue_leaves_no_claim_and_the_next_pass_retries(db, minutely, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue unavailable")

    scheduler = Scheduler(minutely)
    monkeypatch.setattr(type(tasks.say_done), "enqueue", refuse)
    (failed,) = scheduler.run_pass(NINE)
    monkeypatch.undo()

    assert failed.outcome is Outcome.FAILED
    assert not ScheduleClaim.objects.exists()
    (retried,) = scheduler.run_pass(NINE + timedelta(seconds=5))
    assert retried.outcome is Outcome.ENQUEUED
    assert queued(tasks.say_done) == 1


def test_one_failing_schedule_does_not_stop_the_others(db, registry, monkeypatch):
    registry.every(minutes=1)(tasks.say_done)
    registry.every(minutes=1)(tasks.break_down)
    real_enqueue = type(tasks.say_done).enqueue

    def enqueue_all_but_say_done(task, *args, **kwargs):
        if task.name == "say_done":
            raise ConnectionError("queue unavailable")
        return real_enqueue(task, *args, **kwargs)

    monkeypatch.setattr(type(tasks.say_done), "enqueue", enqueue_all_but_say_done)

    outcomes = {r.schedule.task.name: r.outcome for r in Scheduler(registry).run_pass(NINE)}

    assert outcomes == {"say_done": Outcome.FAILED, "break_down": Outcome.ENQUEUED}


def test_the_scheduler_sleeps_until_the_next_slot_of_any_schedule(db, registry):
    registry.every(minutes=15)(tasks.say_done)
    registry.daily(at="17:00", tz="UTC")(tasks.break_down)
    scheduler = Scheduler(registry)

    assert scheduler.seconds_until_due(NINE, longest=3600) == 15 * 60 - 5
    assert scheduler.seconds_until_due(NINE, longest=60) == 60
    assert Scheduler(type(registry)()).seconds_until_due(NINE, longest=60) == 60
