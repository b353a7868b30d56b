"""The reaper: a task left RUNNING by a dead worker is requeued when it is idempotent and
failed with the reason otherwise; a long task on a live worker is left alone."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from opsbook.jobs import runs
from opsbook.jobs.jobs import reap_lost_tasks
from opsbook.jobs.models import WorkerHeartbeat
from opsbook.jobs.reaper import Rules
from opsbook.jobs.reaper import reap_lost_tasks as reap
from opsbook.jobs.schedule import registry as project_registry
from opsbook.jobs.testing import run_queued_tasks
from opsbook.jobs.worker import Worker

from . import tasks

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULES = Rules(lease=timedelta(seconds=60), untracked_timeout=None)

pytestmark = pytest.mark.usefixtures("database_tasks")


def heartbeat(worker_id: str, *, beat_ago: float, started_ago: float = 3600, stopped=None):
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="ops-2",
        pid=4242,
        started_at=NOW - timedelta(seconds=started_ago),
        beat_at=NOW - timedelta(seconds=beat_ago),
        stopped_at=stopped,
    )


def running(task, *, worker_id: str, started_ago: float = 600, **kwargs) -> DBTaskResult:
    row = DBTaskResult.objects.get(id=task.enqueue(**kwargs).id)
    row.claim(worker_id)
    row.started_at = NOW - timedelta(seconds=started_ago)
    row.save(update_fields=["started_at"])
    return row


def test_an_idempotent_task_of_a_silent_worker_is_requeued_to_run_at_once(db):
    heartbeat("ops-2:1", beat_ago=61)
    row = running(tasks.idempotent_sleep, worker_id="ops-2:1", seconds=0)

    assert reap(NOW, RULES) == {"requeued": 1, "failed": 0}

    row.refresh_from_db()
    assert row.status == "READY"
    assert row.run_after == NOW
    assert row.worker_ids == ["ops-2:1"]  # the lost run counts as attempt 1
    assert row.exception_class_path == "opsbook.jobs.runs.WorkerLost"
    assert "worker ops-2:1 on ops-2 (pid 4242) sent its last heartbeat at" in row.traceback
    assert "requeued (attempt 1 of 3)" in row.traceback


def test_a_reaped_task_that_is_not_idempotent_is_failed_not_rerun(db, caplog):
    heartbeat("ops-2:1", beat_ago=61)
    row = running(tasks.plain_sleep, worker_id="ops-2:1", seconds=0)

    assert reap(NOW, RULES) == {"requeued": 0, "failed": 1}

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.finished_at == NOW
    assert row.exception_class_path == "opsbook.jobs.runs.WorkerLost"
    assert row.traceback.endswith("not idempotent, so not run again")
    assert run_queued_tasks() == []
    assert "not idempotent, so not run again" in caplog.text


def test_a_long_task_on_a_live_worker_is_left_alone(db):
    heartbeat("ops-2:1", beat_ago=5, started_ago=7 * 3600)
    row = running(tasks.plain_sleep, worker_id="ops-2:1", started_ago=6 * 3600, seconds=0)

    assert reap(NOW, RULES) == {"requeued": 0, "failed": 0}

    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_an_idempotent_task_lost_on_its_last_attempt_is_failed(db):
    heartbeat("ops-2:3", beat_ago=120)
    row = running(tasks.idempotent_sleep, worker_id="ops-2:3", seconds=0)
    row.worker_ids = ["ops-2:1", "ops-2:2", "ops-2:3"]
    row.save(update_fields=["worker_ids"])

    assert reap(NOW, RULES) == {"requeued": 0, "failed": 1}

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert "that was attempt 3 of 3, so not run again" in row.traceback


def test_a_task_claimed_before_its_worker_restarted_under_the_same_id_is_lost(db):
    heartbeat("ops-2-1", beat_ago=1, started_ago=30)  # systemd restarted opsbook-worker@1
    row = running(tasks.plain_sleep, worker_id="ops-2-1", started_ago=45, seconds=0)

    assert reap(NOW, RULES)["failed"] == 1

    row.refresh_from_db()
    assert "was restarted at 2026-11-23T08:59:30+00:00 after it took the task" in row.traceback


def test_a_task_of_a_worker_that_recorded_its_stop_is_lost_at_once(db):
    heartbeat("ops-2:1", beat_ago=1, stopped=NOW - timedelta(seconds=1))
    row = running(tasks.idempotent_sleep, worker_id="ops-2:1", seconds=0)

    assert reap(NOW, RULES)["requeued"] == 1

    row.refresh_from_db()
    assert "stopped at 2026-11-23T08:59:59+00:00 without finishing the task" in row.traceback


def test_a_worker_without_heartbeat_is_left_alone_unless_a_timeout_is_set(db):
    row = running(tasks.plain_sleep, worker_id="db-worker-abc", started_ago=7200, seconds=0)

    assert reap(NOW, RULES) == {"requeued": 0, "failed": 0}
    short = Rules(lease=RULES.lease, untracked_timeout=timedelta(hours=3))
    assert reap(NOW, short) == {"requeued": 0, "failed": 0}  # running for 2 h only
    one_hour = Rules(lease=RULES.lease, untracked_timeout=timedelta(hours=1))
    assert reap(NOW, one_hour) == {"requeued": 0, "failed": 1}

    row.refresh_from_db()
    assert "sends no heartbeat and the task has been running since" in row.traceback


def test_finished_and_ready_tasks_are_never_touched(db):
    heartbeat("ops-2:1", beat_ago=3600)
    ready = DBTaskResult.objects.get(id=tasks.plain_sleep.enqueue(seconds=0).id)
    done = running(tasks.plain_sleep, worker_id="ops-2:1", seconds=0)
    DBTaskResult.objects.filter(id=done.id).update(status="SUCCESSFUL", finished_at=NOW)

    assert reap(NOW, RULES) == {"requeued": 0, "failed": 0}

    assert DBTaskResult.objects.get(id=ready.id).status == "READY"
    assert DBTaskResult.objects.get(id=done.id).status == "SUCCESSFUL"


def test_a_second_reaper_working_from_the_same_reading_changes_nothing(db):
    heartbeat("ops-2:1", beat_ago=61)
    row = running(tasks.idempotent_sleep, worker_id="ops-2:1", seconds=0)
    stale_copy = DBTaskResult.objects.get(id=row.id)

    assert runs.requeue(row, run_after=NOW, kind="x", traceback="first")
    assert not runs.requeue(stale_copy, run_after=NOW, kind="x", traceback="second")
    assert not runs.fail(stale_copy, now=NOW, kind="x", traceback="third")
    assert DBTaskResult.objects.get(id=row.id).traceback == "first"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_reapers_in_parallel_take_each_lost_task_back_once(transactional_db):
    heartbeat("ops-2:1", beat_ago=61)
    lost = [running(tasks.idempotent_sleep, worker_id="ops-2:1", seconds=0) for _ in range(5)]
    start = threading.Barrier(6)
    totals: list[dict[str, int]] = []

    def run():
        try:
            start.wait(timeout=10)
            totals.append(reap(NOW, RULES))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(total["requeued"] for total in totals) == len(lost)
    assert sum(total["failed"] for total in totals) == 0
    assert DBTaskResult.objects.filter(status="READY").count() == len(lost)


def test_a_worker_that_comes_back_after_its_task_was_requeued_records_nothing(db, caplog):
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="ops-2:1", excluded_queue_names=[],
    )  # fmt: skip
    row = DBTaskResult.objects.get(id=tasks.idempotent_sleep.enqueue(seconds=0).id)
    row.claim("ops-2:1")
    heartbeat("ops-2:1", beat_ago=61, started_ago=86400)
    reap(None, RULES)  # the worker was only slow: its run goes back to the queue

    worker.run_task(row)  # … and then finishes

    row.refresh_from_db()
    assert row.status == "READY"
    assert "after it had been taken back; its result is not recorded" in caplog.text


def test_a_worker_that_comes_back_after_its_task_was_failed_records_the_success(db):
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="ops-2:1", excluded_queue_names=[],
    )  # fmt: skip
    row = DBTaskResult.objects.get(id=tasks.plain_sleep.enqueue(seconds=0).id)
    row.claim("ops-2:1")
    heartbeat("ops-2:1", beat_ago=61, started_ago=86400)
    reap(None, RULES)

    worker.run_task(row)

    row.refresh_from_db()
    assert (row.status, row.return_value, row.traceback) == ("SUCCESSFUL", "slept", "")


def test_the_reaper_is_a_scheduled_job_reading_its_settings(db, settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    settings.WORKER_LEASE_SECONDS = 30
    heartbeat("ops-2:1", beat_ago=31)
    running(tasks.idempotent_sleep, worker_id="ops-2:1", seconds=0)

    assert reap_lost_tasks.call() == {"requeued": 1, "failed": 0}
    assert "opsbook.jobs.jobs.reap_lost_tasks" in {s.name for s in project_registry}
