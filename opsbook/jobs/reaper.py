"""The reaper: take back the tasks that dead workers left RUNNING.

A task row is RUNNING from the moment a worker claims it until that worker records the
outcome. If the worker is killed (SIGKILL, out of memory) or its host vanishes, nobody records
anything: the row would stay RUNNING for ever. A RUNNING row is taken for lost when the worker
that claimed it last (the last of its ``worker_ids``):

* has not moved its heartbeat for ``WORKER_LEASE_SECONDS`` (a long task on a live worker keeps
  beating, so it is never reaped however long it runs);
* recorded a stop (``stopped_at``), or was restarted under the same id after the claim;
* sends no heartbeat at all (a plain ``db_worker``) and the task has run longer than
  ``TASK_UNTRACKED_TIMEOUT_MINUTES``, when that setting is not 0.

A lost task declared ``@idempotent`` with attempts left goes back to READY, to run at once (the
lost run counts as an attempt); any other is marked FAILED with ``WorkerLost`` and the reason.
Each change is one conditional UPDATE on the row as it was read, so any number of reapers can
run at the same time: one of them changes the row, the others change nothing.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django_tasks_db.models import DBTaskResult

from opsbook.core import clock

from . import runs
from .models import WorkerHeartbeat
from .retry import policy_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rules:
    lease: timedelta
    untracked_timeout: timedelta | None

    @classmethod
    def from_settings(cls) -> "Rules":
        minutes = settings.TASK_UNTRACKED_TIMEOUT_MINUTES
        return cls(
            lease=timedelta(seconds=settings.WORKER_LEASE_SECONDS),
            untracked_timeout=timedelta(minutes=minutes) if minutes else None,
        )


def why_lost(
    row: DBTaskResult, heartbeat: WorkerHeartbeat | None, *, now: datetime, rules: Rules
) -> str | None:
    """Why the RUNNING ``row`` has no live worker any more, or None while it may have one."""
    started = row.started_at
    worker = row.worker_ids[-1] if row.worker_ids else "(none)"
    if heartbeat is None:
        if rules.untracked_timeout is None or started is None:
            return None
        if started > now - rules.untracked_timeout:
            return None
        return (
            f"worker {worker} sends no heartbeat and the task has been running since "
            f"{started.isoformat()}, longer than TASK_UNTRACKED_TIMEOUT_MINUTES"
        )
    where = f"worker {worker} on {heartbeat.hostname} (pid {heartbeat.pid})"
    if started is not None and heartbeat.started_at > started:
        return f"{where} was restarted at {heartbeat.started_at.isoformat()} after it took the task"
    if heartbeat.stopped_at is not None:
        return f"{where} stopped at {heartbeat.stopped_at.isoformat()} without finishing the task"
    if heartbeat.beat_at < now - rules.lease:
        return (
            f"{where} sent its last heartbeat at {heartbeat.beat_at.isoformat()}, more than "
            f"{int(rules.lease.total_seconds())} s (WORKER_LEASE_SECONDS) ago"
        )
    return None


def reap_lost_tasks(now: datetime | None = None, rules: Rules | None = None) -> dict[str, int]:
    """Requeue or fail every RUNNING task whose worker is gone; returns how many of each this
    call changed (another reaper may have changed the rest)."""
    now = clock.or_now(now)
    rules = rules or Rules.from_settings()
    running = list(
        DBTaskResult.objects.running().only("id", "task_path", "started_at", "worker_ids")
    )
    workers = {row.worker_ids[-1] for row in running if row.worker_ids}
    heartbeats = {
        heartbeat.worker_id: heartbeat
        for heartbeat in WorkerHeartbeat.objects.filter(worker_id__in=workers)
    }
    counts = {"requeued": 0, "failed": 0}
    for row in running:
        heartbeat = heartbeats.get(row.worker_ids[-1]) if row.worker_ids else None
        reason = why_lost(row, heartbeat, now=now, rules=rules)
        if reason is not None:
            outcome = _reap(row, reason, now=now)
            if outcome:
                counts[outcome] += 1
    return counts


def _reap(row: DBTaskResult, reason: str, *, now: datetime) -> str | None:
    policy = policy_for(row.task_path)
    attempt = len(row.worker_ids)
    if policy is not None and policy.has_attempts_left(attempt):
        note = (
            f"{runs.WORKER_LOST}: {reason}; requeued (attempt {attempt} of {policy.max_attempts})"
        )
        if runs.requeue(row, run_after=now, kind=runs.WORKER_LOST, traceback=note):
            logger.warning("Task id=%s path=%s requeued: %s", row.id, row.task_path, reason)
            return "requeued"
        return None
    if policy is None:
        why = "not idempotent, so not run again"
    else:
        why = f"that was attempt {attempt} of {policy.max_attempts}, so not run again"
    note = f"{runs.WORKER_LOST}: {reason}; {why}"
    if runs.fail(row, now=now, kind=runs.WORKER_LOST, traceback=note):
        logger.error("Task id=%s path=%s failed: %s; %s", row.id, row.task_path, reason, why)
        return "failed"
    return None
