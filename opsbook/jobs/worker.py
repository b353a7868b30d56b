"""``opsbook worker``: django-tasks-db's worker, with a heartbeat, retries and a clean stop.

What it adds to ``db_worker``'s loop (which claims the next ready row with ``SELECT … FOR
UPDATE SKIP LOCKED``, so two workers never take the same row):

* **A heartbeat.** A thread moves this worker's ``WorkerHeartbeat.beat_at`` every
  ``WORKER_HEARTBEAT_SECONDS``, however long the task runs. The reaper (``reaper.py``) takes
  back the tasks of a worker whose heartbeat is older than ``WORKER_LEASE_SECONDS``.
* **Retries.** A task declared ``@idempotent`` that raises goes back to READY with
  ``run_after`` set by its backoff, until its last attempt; any other task fails at once.
* **Guarded results.** The outcome is written only while the row is still this run's (see
  ``runs.py``): a worker that was taken for dead and comes back cannot overwrite a later run.
* **A clean stop.** SIGTERM or Ctrl-C: the running task finishes, then the worker exits 0;
  when idle it exits at once. A second signal abandons the task: an idempotent task is given
  back (READY, the attempt not counted), any other is failed as interrupted; exit status 1.
"""

import contextlib
import logging
import os
import signal
import socket
import threading
import traceback
from datetime import timedelta
from types import FrameType

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, close_old_connections, connection
from django.tasks import TaskContext
from django.tasks.signals import task_finished, task_started
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from opsbook.core import clock

from . import runs
from .models import WorkerHeartbeat
from .retry import policy_for

logger = logging.getLogger(__name__)


def default_worker_id() -> str:
    """host:pid:random, at most the 64 characters a task result row keeps per worker."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


class WorkerIdInUse(Exception):
    """Another live worker, on another host, already uses this worker id."""


class Heartbeat:
    """This worker's row in ``WorkerHeartbeat``, moved by a daemon thread. The thread has its
    own database connection; a failed beat is logged and tried again at the next one."""

    def __init__(self, worker_id: str, *, interval: float):
        self.worker_id = worker_id
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Write the row (a new incarnation if the id was used before), then start beating.
        Called before the first claim, so every task this process claims has a live row.

        An id still beating on another host is refused: two live workers under one id would
        make the reaper take the first one's task for lost. The same host reusing the id (a
        unit restarted after a kill) is the expected case and starts a new incarnation."""
        now = clock.now()
        lease = timedelta(seconds=settings.WORKER_LEASE_SECONDS)
        hostname = socket.gethostname()[:255]
        other = (
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id, stopped_at=None)
            .filter(beat_at__gt=now - lease)
            .exclude(hostname=hostname)
            .first()
        )
        if other is not None:
            raise WorkerIdInUse(
                f"worker id {self.worker_id!r} is in use by a live worker on {other.hostname} "
                f"(pid {other.pid}, last heartbeat {other.beat_at.isoformat()}); give every "
                "worker a --worker-id unique across hosts"
            )
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": hostname,
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
                "stopped_at": None,
            },
        )
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat {self.worker_id}", daemon=True
        )
        self._thread.start()

    def beat(self) -> None:
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(beat_at=clock.now())

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    close_old_connections()
                    self.beat()
                except Exception:
                    logger.exception("Worker %s could not send its heartbeat", self.worker_id)
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        """Stop beating and record the stop: the reaper takes back at once any task this
        worker still showed as running."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(stopped_at=clock.now())
        except DatabaseError:
            # The database is away (often why the worker stops): the lease runs out instead.
            logger.exception("Worker %s could not record its stop", self.worker_id)


class Worker(db_worker.Worker):
    def __init__(self, *, heartbeat_seconds: float | None = None, **options):
        super().__init__(**options)
        self.heartbeat = Heartbeat(
            self.worker_id,
            interval=heartbeat_seconds or settings.WORKER_HEARTBEAT_SECONDS,
        )

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            logger.warning(
                "Received %s again: abandoning the running task", signal.strsignal(signum)
            )
            self.reset_signals()
            raise SystemExit(1)
        # Unlike db_worker, never exit from inside the handler: between a claim and the start
        # of its task that would leave the row RUNNING. The loop ends after the current task,
        # or after its idle sleep (--interval).
        logger.warning(
            "Received %s: stopping after the current task (send it again to abandon the task)",
            signal.strsignal(signum),
        )
        self.running = False

    def run(self) -> None:
        self.heartbeat.start()
        try:
            super().run()
        finally:
            self.heartbeat.stop()
            logger.info("Worker %s stopped", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        row = db_task_result
        self.running_task = True
        try:
            task = row.task
            result = row.task_result
            backend = type(task.get_backend())
            task_started.send(sender=backend, task_result=result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            if runs.finish(row, value, now=clock.now()):
                row.refresh_from_db()
                task_finished.send(sender=backend, task_result=row.task_result)
            else:
                logger.warning(
                    "Task id=%s path=%s finished on %s after it had been taken back; "
                    "its result is not recorded",
                    row.id,
                    row.task_path,
                    self.worker_id,
                )
        except (SystemExit, KeyboardInterrupt) as stop:
            self._abandon(row, stop)
            raise
        except Exception as error:
            self._failed(row, error)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _failed(self, row: DBTaskResult, error: Exception) -> None:
        now = clock.now()
        attempt = len(row.worker_ids)
        kind = runs.error_path(type(error))
        trace = "".join(traceback.format_exception(error))
        policy = policy_for(row.task_path)
        if policy is not None and policy.retries(error, attempt):
            run_after = now + policy.delay(attempt)
            if not runs.requeue(row, run_after=run_after, kind=kind, traceback=trace):
                logger.warning(
                    "Task id=%s path=%s failed after it had been taken back; not retried here",
                    row.id,
                    row.task_path,
                )
            else:
                logger.warning(
                    "Task id=%s path=%s failed on attempt %d of %d (%s: %s); retrying after %s",
                    row.id,
                    row.task_path,
                    attempt,
                    policy.max_attempts,
                    kind,
                    error,
                    run_after.isoformat(),
                )
            return
        if policy is None:
            why = "not idempotent: not retried"
        elif attempt >= policy.max_attempts:
            why = f"attempt {attempt} of {policy.max_attempts}: no attempts left"
        else:
            why = f"{kind} is not an error it retries"
        if runs.fail(row, now=now, kind=kind, traceback=trace):
            logger.error(
                "Task id=%s path=%s failed (%s)", row.id, row.task_path, why, exc_info=error
            )
            row.refresh_from_db()
            # The task's module is gone or names no task: the failure is logged above.
            with contextlib.suppress(ImportError, SuspiciousOperation):
                task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)

    def _abandon(self, row: DBTaskResult, stop: BaseException) -> None:
        """Forced to stop mid-task: give an idempotent task back, fail any other."""
        now = clock.now()
        what = f"worker {self.worker_id} was forced to stop ({type(stop).__name__})"
        kind = runs.error_path(runs.Interrupted)
        if policy_for(row.task_path) is not None:
            given_back = runs.requeue(
                row,
                run_after=now,
                kind=kind,
                traceback=f"{kind}: {what}; given back",
                count_attempt=False,
            )
            if given_back:
                logger.warning("Task id=%s path=%s given back: %s", row.id, row.task_path, what)
            return
        note = f"{kind}: {what} while running it; not idempotent, so not run again"
        if runs.fail(row, now=now, kind=kind, traceback=note):
            logger.error("Task id=%s path=%s failed: %s", row.id, row.task_path, note)
