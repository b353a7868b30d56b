"""Housekeeping of the jobs machinery itself."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from opsbook.core import clock

from .models import ScheduleClaim
from .schedule import daily


@daily(at="03:30")
@task
def prune_task_results() -> dict[str, int]:
    """Delete finished task results older than ``TASK_RESULTS_KEEP_DAYS`` (failed ones after
    ``TASK_FAILED_RESULTS_KEEP_DAYS``) and schedule claims as old as that which a later claim
    has superseded. Deleting is idempotent: a second run finds nothing more to delete."""
    now = clock.now()
    kept = now - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    failed_kept = now - timedelta(days=settings.TASK_FAILED_RESULTS_KEEP_DAYS)
    successful, _ = DBTaskResult.objects.successful().filter(finished_at__lt=kept).delete()
    failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=failed_kept).delete()
    claims, _ = ScheduleClaim.objects.superseded_before(kept).delete()
    return {"successful": successful, "failed": failed, "claims": claims}
