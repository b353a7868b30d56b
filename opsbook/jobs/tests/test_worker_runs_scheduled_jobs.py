"""End to end in one process: the scheduler enqueues the housekeeping job, `db_worker --batch`
runs it."""

import signal
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.jobs import prune_task_results
from opsbook.jobs.schedule import registry as project_registry
from opsbook.jobs.scheduler import Outcome, Scheduler

from . import tasks


@pytest.fixture
def keep_signal_handlers():
    """db_worker installs its own SIGINT/SIGTERM handlers and leaves them in place."""
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in before.items():
        signal.signal(signum, handler)


def test_the_scheduled_housekeeping_job_runs_through_the_worker(
    transactional_db, database_tasks, registry, settings, keep_signal_handlers, caplog
):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    stale = DBTaskResult.objects.get(id=tasks.say_done.enqueue().id)
    stale.status, stale.finished_at = "SUCCESSFUL", timezone.now() - timedelta(days=30)
    stale.save()
    name = prune_task_results.module_path
    registry.add(prune_task_results, project_registry[name].spec)

    (enqueued,) = Scheduler(registry).run_pass()
    assert enqueued.outcome is Outcome.ENQUEUED
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
        stdout=StringIO(),
    )  # fmt: skip

    result = prune_task_results.get_result(enqueued.task_result_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"successful": 1, "failed": 0, "claims": 0, "workers": 0}
    assert not DBTaskResult.objects.filter(id=stale.id).exists()
    assert "No more tasks to run" in caplog.text
