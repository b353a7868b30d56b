"""Test helpers for code that enqueues tasks.

The suite uses the same database task backend as production, so ``task.enqueue()`` in a test
writes a READY row and runs nothing. ``run_queued_tasks()`` then runs those rows in the test's
own process and transaction, the way ``opsbook db_worker --batch`` would, and fails the test if
any of them raised.
"""

from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResult, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(*, backend: str = DEFAULT_TASK_BACKEND_ALIAS) -> list[TaskResult]:
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id="opsbook-tests",
        excluded_queue_names=[],
    )
    ran: list[TaskResult] = []
    queued = DBTaskResult.objects.ready().filter(backend_name=backend)
    while (row := queued.first()) is not None:
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran.append(row.task_result)
    failed = [result for result in ran if result.status == TaskResultStatus.FAILED]
    if failed:
        details = "\n".join(
            f"{result.task.module_path}: {result.errors[0].traceback}" for result in failed
        )
        raise AssertionError(f"{len(failed)} task(s) failed:\n{details}")
    return ran


def run_when_enqueued(tasks_setting: dict) -> dict:
    """``TASKS`` with the same aliases and queues, each backend replaced by Django's
    ImmediateBackend, which runs a task inside ``enqueue()``."""
    immediate = "django.tasks.backends.immediate.ImmediateBackend"
    return {alias: {**config, "BACKEND": immediate} for alias, config in tasks_setting.items()}
