"""`opsbook worker`: run tasks; db_worker's options, plus a heartbeat, retries and a clean stop
(``opsbook.jobs.worker``)."""

import os
import signal
import sys

from django.core.management.base import CommandError
from django.utils import autoreload
from django_tasks_db.management.commands import db_worker

from opsbook.jobs.worker import Worker, WorkerIdInUse, default_worker_id


class Command(db_worker.Command):
    help = (
        "Run queued tasks. Sends a heartbeat so the reaper can requeue the work of a worker "
        "that died, retries tasks declared @idempotent with backoff, and on SIGTERM finishes "
        "the running task and exits 0 (docs/operators/workers.md)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=default_worker_id())

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        try:
            if reload:
                run_with_reloader(worker)
            else:
                worker.configure_signals()
                worker.run()
        except WorkerIdInUse as error:
            raise CommandError(str(error)) from None


def run_with_reloader(worker: Worker) -> None:
    """Django's auto-reloader, with the worker's own stop: ``run_with_reloader`` would make
    SIGTERM exit the reloading child at once, killing the task thread mid-task.

    The parent only restarts the child when code changes; it waits for the child on a stop
    signal (``opsbook serve`` signals the whole process group). In the child the task loop runs
    in a thread, the signals reach the main thread, which tells the loop to stop; when the loop
    ends the reloader is stopped too."""
    if os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) != "true":
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _wait_for_the_child)
        sys.exit(autoreload.restart_with_reloader())
    worker.configure_signals()
    reloader = autoreload.get_reloader()

    def main() -> None:
        try:
            worker.run()
        finally:
            reloader.stop()

    autoreload.start_django(reloader, main)


def _wait_for_the_child(signum, frame) -> None:
    """The reloading parent's stop handler: nothing to do, the child stops on its own signal
    and the parent exits with its status. (A handler, not SIG_IGN, which the child would
    inherit.)"""
