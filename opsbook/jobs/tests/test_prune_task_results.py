"""The daily housekeeping job: old task results and superseded schedule claims go away."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.jobs import prune_task_results
from opsbook.jobs.models import ScheduleClaim
from opsbook.jobs.testing import run_queued_tasks

from . import tasks

pytestmark = pytest.mark.usefixtures("database_tasks")


def finished(task, *, days_ago: float, failed: bool = False) -> DBTaskResult:
    row = DBTaskResult.objects.get(id=task.enqueue().id)
    row.status = "FAILED" if failed else "SUCCESSFUL"
    row.finished_at = timezone.now() - timedelta(days=days_ago)
    row.save()
    return row


def test_it_deletes_finished_results_older_than_the_settings_say(db, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    settings.TASK_FAILED_RESULTS_KEEP_DAYS = 30
    old_success = finished(tasks.say_done, days_ago=15)
    recent_success = finished(tasks.say_done, days_ago=13)
    old_failure = finished(tasks.break_down, days_ago=31, failed=True)
    recent_failure = finished(tasks.break_down, days_ago=15, failed=True)
    waiting = DBTaskResult.objects.get(id=tasks.say_done.enqueue().id)

    counts = prune_task_results.call()

    assert counts == {"successful": 1, "failed": 1, "claims": 0, "workers": 0}
    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert left == {recent_success.id, recent_failure.id, waiting.id}
    assert old_success.id not in left and old_failure.id not in left


def test_running_it_twice_deletes_nothing_more(db):
    finished(tasks.say_done, days_ago=100)

    prune_task_results.call()

    assert prune_task_results.call() == {"successful": 0, "failed": 0, "claims": 0, "workers": 0}


def test_it_keeps_the_latest_claim_of_each_schedule_however_old(db, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    now = timezone.now()
    for days in (40, 30, 20):
        ScheduleClaim.objects.create(schedule="weekly", slot=now - timedelta(days=days))
    for days in (20, 1):
        ScheduleClaim.objects.create(schedule="minutely", slot=now - timedelta(days=days))

    counts = prune_task_results.call()

    assert counts["claims"] == 3
    kept = sorted(
        (claim.schedule, (now - claim.slot).days) for claim in ScheduleClaim.objects.all()
    )
    assert kept == [("minutely", 1), ("weekly", 20)]


def test_queued_tasks_run_in_the_test_and_their_failures_fail_it(db):
    tasks.say_done.enqueue()

    (result,) = run_queued_tasks()

    assert result.status == "SUCCESSFUL"
    assert result.return_value == "done"
    tasks.break_down.enqueue()
    with pytest.raises(AssertionError, match="RuntimeError: the job broke"):
        run_queued_tasks()
