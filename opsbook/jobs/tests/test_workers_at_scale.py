"""Several workers and several schedulers at once against one PostgreSQL, one worker killed with
SIGKILL midway: no schedule slot is claimed twice, every piece of work is done exactly once,
nothing is lost, and the others stop cleanly on SIGTERM.

The run is built from ``opsbook.jobs.testing`` (start_workers, start_schedulers, kill, stop) so
that more checks can join it: enqueue or seed their work before the processes start, and assert
their own "exactly once" after the drain (for instance occurrences generated once per content
and date, a notification delivered once per outbox row).
"""

import json
import re
from collections import Counter

import pytest
from django.db import connection

from opsbook.jobs.testing import kill, kill_all, start_schedulers, start_workers, stop, wait_until

from . import tasks
from .conftest import CLAIMS, TASK_RESULTS, enqueue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="many writers at once: the PostgreSQL suite runs it (SQLite has one writer)",
)

WORKERS = 3
SCHEDULERS = 3
PIECES = 18
HOLD_SECONDS = 0.8
TICK_CLAIMS = f"SELECT COUNT(*) FROM {CLAIMS} WHERE schedule = '{tasks.TICK}'"  # noqa: S608
PIECE_CLAIMS = f"SELECT COUNT(*) FROM {CLAIMS} WHERE schedule LIKE '{tasks.PIECE}:%'"  # noqa: S608
LIVE_WORKERS = "SELECT COUNT(*) FROM jobs_workerheartbeat WHERE stopped_at IS NULL"
ENQUEUED = re.compile(rf"Enqueued {tasks.TICK} for (\S+) \(task result ([0-9a-f-]+)\)")


def count(db, sql: str) -> int:
    return db.scalar(sql)


def rows_of(db, task) -> list[tuple[str, str, list[str]]]:
    """(id, status, worker_ids) of each task result of ``task``."""
    found = db.rows(
        f"SELECT id::text, status, worker_ids::text FROM {TASK_RESULTS} "  # noqa: S608
        f"WHERE task_path = '{task.module_path}'"
    )
    return [(id_, status, json.loads(worker_ids)) for id_, status, worker_ids in found]


def victim_is_mid_piece(db, worker_id: str) -> bool:
    return bool(
        count(
            db,
            f"SELECT COUNT(*) FROM {TASK_RESULTS} WHERE status = 'RUNNING' "  # noqa: S608
            f"AND task_path = '{tasks.do_piece.module_path}' AND worker_ids->>-1 = '{worker_id}' "
            # just started, so the kill lands well inside its HOLD_SECONDS
            f"AND started_at > clock_timestamp() - interval '{HOLD_SECONDS / 2} seconds'",
        )
    )


def unfinished(db) -> int:
    paths = f"'{tasks.do_piece.module_path}', '{tasks.tick.module_path}'"
    return count(
        db,
        f"SELECT COUNT(*) FROM {TASK_RESULTS} "  # noqa: S608
        f"WHERE task_path IN ({paths}) AND status IN ('READY', 'RUNNING')",
    )


def test_workers_and_schedulers_with_one_killed_midway_do_everything_exactly_once(
    shared_database, tmp_path
):
    db = shared_database
    env = {
        **db.env,
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_LEASE_SECONDS": "5",
        "TASK_REAPER_SECONDS": "1",
    }
    workers = start_workers(WORKERS, env=env, logs=tmp_path)
    schedulers = start_schedulers(
        SCHEDULERS, env=env, logs=tmp_path, setup="opsbook.jobs.tests.tasks.add_tick_schedule"
    )
    victim, survivors = workers[0], workers[1:]
    try:
        # Every worker up (its heartbeat written) before the work arrives, so all compete for it.
        wait_until(lambda: count(db, LIVE_WORKERS) == WORKERS, "the workers", seconds=60)
        for number in range(PIECES):
            enqueue(db, tasks.do_piece, number=number, hold_seconds=HOLD_SECONDS)
        wait_until(lambda: victim_is_mid_piece(db, victim.worker_id), "worker-1 mid-piece")
        assert kill(victim) == -9
        lost = count(
            db,
            f"SELECT COUNT(*) FROM {TASK_RESULTS} WHERE status = 'RUNNING' "  # noqa: S608
            f"AND worker_ids->>-1 = '{victim.worker_id}'",
        )
        assert lost, "the kill came after the piece ended"

        wait_until(
            lambda: count(db, TICK_CLAIMS) >= 4,
            "the schedulers to enqueue a few ticks",
        )
        wait_until(
            lambda: all(status == "SUCCESSFUL" for _, status, _ in rows_of(db, tasks.do_piece)),
            "every piece to be done, the lost one after the reaper requeued it",
            seconds=40,
        )
        scheduler_statuses = stop(schedulers)
        wait_until(lambda: unfinished(db) == 0, "the queue to drain")
        worker_statuses = stop(survivors)
    finally:
        kill_all(workers + schedulers)

    logs = "\n".join(process.output() for process in workers + schedulers)
    assert scheduler_statuses == [0] * SCHEDULERS, logs
    assert worker_statuses == [0] * (WORKERS - 1), logs

    # No schedule slot claimed twice: each slot enqueued by one scheduler, once.
    enqueued = [match for s in schedulers for match in ENQUEUED.findall(s.output())]
    slots = Counter(slot for slot, _ in enqueued)
    assert slots and max(slots.values()) == 1, slots
    claims = db.rows(
        f"SELECT slot, task_result_id FROM {CLAIMS} WHERE schedule = '{tasks.TICK}'"  # noqa: S608
    )
    assert len(claims) == len(enqueued)
    ticks = rows_of(db, tasks.tick)
    assert sorted(str(task_result) for _, task_result in claims) == sorted(i for i, _, _ in ticks)
    assert {status for _, status, _ in ticks} == {"SUCCESSFUL"}

    # Every piece done exactly once: one claim, one effect, one successful task result.
    pieces = rows_of(db, tasks.do_piece)
    assert len(pieces) == PIECES
    assert {status for _, status, _ in pieces} == {"SUCCESSFUL"}
    assert count(db, PIECE_CLAIMS) == PIECES
    effects = Counter(
        name.split(":")[1]
        for (name,) in db.rows(
            f"SELECT schedule FROM {CLAIMS} WHERE schedule LIKE 'scale-effect:%'"  # noqa: S608
        )
    )
    assert effects == Counter({str(number): 1 for number in range(PIECES)})

    # The piece the killed worker was running was taken back by the reaper and run again.
    # (Another piece may have been rerun too if a loaded machine delayed a live worker's
    # heartbeat past the lease: still done once, which is what the lease promises.)
    rerun = [ids for _, _, ids in pieces if len(ids) > 1]
    assert any(ids[0] == victim.worker_id for ids in rerun), pieces
    assert "requeued: worker worker-1" in logs
