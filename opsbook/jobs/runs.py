"""What may happen to a running task's row, each as one conditional UPDATE.

A worker claims a row (READY → RUNNING, ``started_at`` = the claim's instant, its id appended
to ``worker_ids``). Every later change is made only ``WHERE status = 'RUNNING' AND started_at =
<that claim's instant>``: if the reaper took the row back from a worker it believed dead, or
another worker has claimed it since, the UPDATE changes nothing and its caller knows it lost.
That is what keeps many workers and many reapers from overwriting each other.
"""

import logging
from datetime import datetime

from django.db.models import Q
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import retry

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded on a task whose worker died (or stopped) while running it."""


class Interrupted(Exception):
    """Recorded on a task a worker was forced to abandon (a second SIGTERM or Ctrl-C)."""


def error_path(kind: type[BaseException]) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


WORKER_LOST = error_path(WorkerLost)


def this_claim(row: DBTaskResult) -> Q:
    return Q(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)


@retry()
def finish(row: DBTaskResult, return_value, *, now: datetime) -> bool:
    """Record success. A run the reaper had failed as lost (its worker was only slow to beat)
    is still recorded as the success it was; a run that was requeued or claimed again is not."""
    reaped = Q(pk=row.pk, status=TaskResultStatus.FAILED, started_at=row.started_at)
    reaped &= Q(exception_class_path=WORKER_LOST)
    changed = DBTaskResult.objects.filter(this_claim(row) | reaped).update(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=now,
        return_value=return_value,
        exception_class_path="",
        traceback="",
    )
    return changed == 1


@retry()
def fail(row: DBTaskResult, *, now: datetime, kind: str, traceback: str) -> bool:
    """Record a final failure."""
    changed = DBTaskResult.objects.filter(this_claim(row)).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=kind,
        traceback=traceback,
    )
    return changed == 1


@retry()
def requeue(
    row: DBTaskResult,
    *,
    run_after: datetime,
    kind: str,
    traceback: str,
    count_attempt: bool = True,
) -> bool:
    """Put the row back to READY, to run again from ``run_after``. The error that sent it back
    stays in its exception columns until the next run finishes. ``count_attempt=False`` (a
    task given back before it could finish) drops this worker from ``worker_ids``, so the run
    does not use up one of the task's attempts."""
    changes = {
        "status": TaskResultStatus.READY,
        "run_after": run_after,
        "exception_class_path": kind,
        "traceback": traceback,
    }
    if not count_attempt:
        changes["worker_ids"] = row.worker_ids[:-1]
    changed = DBTaskResult.objects.filter(this_claim(row)).update(**changes)
    return changed == 1
