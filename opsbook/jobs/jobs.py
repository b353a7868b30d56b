"""Housekeeping of the jobs machinery itself."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from opsbook.core import clock

from . import reaper
from .models import ScheduleClaim, WorkerHeartbeat
from .schedule import daily, every


@daily(at="03:30")
@task
def prune_task_results() -> dict[str, int]:
    """Delete finished task results older than ``TASK_RESULTS_KEEP_DAYS`` (failed ones after
    ``TASK_FAILED_RESULTS_KEEP_DAYS``), schedule claims as old as that which a later claim
    has superseded, and the rows of workers silent for as long. Deleting is idempotent: a second
    run finds nothing more to delete."""
    now = clock.now()
    kept = now - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    failed_kept = now - timedelta(days=settings.TASK_FAILED_RESULTS_KEEP_DAYS)
    successful, _ = DBTaskResult.objects.successful().filter(finished_at__lt=kept).delete()
    failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=failed_kept).delete()
    claims, _ = ScheduleClaim.objects.superseded_before(kept).delete()
    workers, _ = WorkerHeartbeat.objects.filter(beat_at__lt=kept).delete()
    return {"successful": successful, "failed": failed, "claims": claims, "workers": workers}


@every(seconds=settings.TASK_REAPER_SECONDS)
@task
def reap_lost_tasks() -> dict[str, int]:
    """Requeue (idempotent) or fail (any other) the tasks that dead workers left RUNNING; see
    ``opsbook.jobs.reaper``. Every change is a conditional UPDATE, so reapers on many workers
    at once each take back a lost task at most once between them."""
    return reaper.reap_lost_tasks(clock.now())
