"""`opsbook worker` as a process: it beats while it lives, and on SIGTERM it finishes the
running task and exits 0; a second SIGTERM gives an idempotent task back and fails any other."""

import signal

import pytest

from opsbook.jobs.testing import kill_all, start_workers, stop, wait_until

from . import tasks
from .conftest import TASK_RESULTS, enqueue

HEARTBEATS = "jobs_workerheartbeat"


@pytest.fixture
def worker_env(shared_database):
    return {**shared_database.env, "WORKER_HEARTBEAT_SECONDS": "1", "WORKER_LEASE_SECONDS": "3"}


@pytest.fixture
def processes():
    started: list = []
    yield started
    kill_all(started)


def row(db, result_id: str) -> tuple:
    (found,) = db.rows(
        f"SELECT status, worker_ids, traceback FROM {TASK_RESULTS} "  # noqa: S608
        f"WHERE id IN ('{result_id}', '{result_id.replace('-', '')}')"
    )
    return found


def status(db, result_id: str) -> str:
    return row(db, result_id)[0]


def test_on_sigterm_a_worker_finishes_its_task_and_exits_0(
    shared_database, worker_env, tmp_path, processes
):
    result_id = enqueue(shared_database, tasks.plain_sleep, seconds=1.5)
    (worker,) = processes[:] = start_workers(1, env=worker_env, logs=tmp_path)
    wait_until(lambda: status(shared_database, result_id) == "RUNNING", "the task to start")

    assert stop([worker]) == [0], worker.output()

    assert status(shared_database, result_id) == "SUCCESSFUL"
    assert "stopping after the current task" in worker.output()
    assert shared_database.scalar(
        f"SELECT COUNT(*) FROM {HEARTBEATS} "  # noqa: S608
        "WHERE worker_id = 'worker-1' AND stopped_at IS NOT NULL"
    )


def test_an_idle_worker_beats_and_exits_0_at_once_on_sigterm(
    shared_database, worker_env, tmp_path, processes
):
    (worker,) = processes[:] = start_workers(1, env=worker_env, logs=tmp_path)
    first = wait_until(
        lambda: shared_database.scalar(f"SELECT MIN(beat_at) FROM {HEARTBEATS}"),  # noqa: S608
        "the worker's first heartbeat",
    )
    wait_until(
        lambda: shared_database.scalar(f"SELECT MIN(beat_at) FROM {HEARTBEATS}") != first,  # noqa: S608
        "a second heartbeat",
        seconds=10,
    )

    assert stop([worker], timeout=5) == [0], worker.output()


@pytest.mark.parametrize(
    ("task", "expected", "note"),
    [
        (tasks.idempotent_sleep, "READY", "given back"),
        (tasks.plain_sleep, "FAILED", "not idempotent, so not run again"),
    ],
)
def test_a_second_sigterm_abandons_the_task_and_exits_1(
    shared_database, worker_env, tmp_path, processes, task, expected, note
):
    result_id = enqueue(shared_database, task, seconds=60)
    (worker,) = processes[:] = start_workers(1, env=worker_env, logs=tmp_path)
    wait_until(lambda: status(shared_database, result_id) == "RUNNING", "the task to start")

    worker.popen.send_signal(signal.SIGTERM)
    wait_until(lambda: "stopping after the current task" in worker.output(), "the first stop")
    worker.popen.send_signal(signal.SIGTERM)

    assert worker.popen.wait(timeout=15) == 1, worker.output()
    found_status, worker_ids, traceback = row(shared_database, result_id)
    assert found_status == expected
    assert note in traceback
    assert "opsbook.jobs.runs.Interrupted: worker worker-1 was forced to stop" in traceback
    if expected == "READY":
        assert worker_ids in ("[]", [])  # giving back does not use up an attempt


def test_a_worker_id_beating_on_another_host_is_refused(shared_database, tmp_path, processes):
    shared_database_insert = (
        f"INSERT INTO {HEARTBEATS} (worker_id, hostname, pid, started_at, beat_at) "  # noqa: S608
        "VALUES ('worker-1', 'elsewhere', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    shared_database.execute(shared_database_insert)

    (worker,) = processes[:] = start_workers(1, env=shared_database.env, logs=tmp_path)

    assert worker.popen.wait(timeout=30) == 1
    assert "worker id 'worker-1' is in use by a live worker on elsewhere (pid 7" in worker.output()
