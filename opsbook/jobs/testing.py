"""Test helpers for code that enqueues tasks, and for running real workers and schedulers.

The suite uses the same database task backend as production, so ``task.enqueue()`` in a test
writes a READY row and runs nothing. ``run_queued_tasks()`` then runs those rows in the test's
own process and transaction, the way ``opsbook worker --batch`` would (retries of
``@idempotent`` tasks included), and fails the test if any of them ended failed.

``start_workers()``, ``start_schedulers()``, ``kill()`` and ``stop()`` run the real thing:
``opsbook worker`` and ``opsbook scheduler`` processes against a database the test shares with
them (the ``shared_database`` fixture of ``opsbook/jobs/tests/conftest.py``). A check that many
of them together never do a piece of work twice is then written as::

    workers = start_workers(3, env=db.env, logs=tmp_path)
    schedulers = start_schedulers(2, env=db.env, logs=tmp_path, setup="app.tests.scale.add")
    ...  # enqueue work, wait for some of it to start
    kill(workers[0])  # SIGKILL: the reaper requeues what it was running
    ...  # wait until the queue is empty
    assert stop(schedulers + workers[1:]) == [0, 0, 0, 0]

``setup`` names a function each child calls before its command starts, e.g. to add a test-only
schedule to the registry. ``opsbook/jobs/tests/test_workers_at_scale.py`` is the example.
"""

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResult, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .worker import Worker


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
    ran: list[DBTaskResult] = []
    queued = DBTaskResult.objects.ready().filter(backend_name=backend)
    while (row := queued.first()) is not None:
        row.claim(worker.worker_id)
        worker.run_task(row)
        if row not in ran:  # a retry without backoff runs the same row again
            ran.append(row)
    for row in ran:
        row.refresh_from_db()
    failed = [row for row in ran if row.status == TaskResultStatus.FAILED]
    if failed:
        details = "\n".join(f"{row.task_path}: {row.traceback}" for row in failed)
        raise AssertionError(f"{len(failed)} task(s) failed:\n{details}")
    return [row.task_result for row in ran]


def run_when_enqueued(tasks_setting: dict) -> dict:
    """``TASKS`` with the same aliases and queues, each backend replaced by Django's
    ImmediateBackend, which runs a task inside ``enqueue()``."""
    immediate = "django.tasks.backends.immediate.ImmediateBackend"
    return {alias: {**config, "BACKEND": immediate} for alias, config in tasks_setting.items()}


def database_url() -> str:
    """The URL of the test's own PostgreSQL database, for the children's ``DATABASE_URL``
    (with ``transactional_db`` the rows a test commits are what the children see)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


# Run in each child: set Django up, call the test's setup function, then the command.
_CHILD = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsbook.settings")
import django
django.setup()
from django.utils.module_loading import import_string
if sys.argv[1]:
    import_string(sys.argv[1])()
from django.core.management import execute_from_command_line
execute_from_command_line(["opsbook", *sys.argv[2:]])
"""


@dataclass
class Process:
    """A child started by ``start_workers``/``start_schedulers``; its output goes to ``log``."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    worker_id: str = ""

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start(
    name: str,
    command: list[str],
    *,
    env: Mapping[str, str],
    logs: Path,
    setup: str = "",
    worker_id: str = "",
) -> Process:
    """Start ``opsbook COMMAND…`` (after ``setup``) with its output in ``logs/NAME.log``."""
    log = logs / f"{name}.log"
    with log.open("wb") as sink:
        popen = subprocess.Popen(  # noqa: S603 (our own interpreter and commands)
            [sys.executable, "-c", _CHILD, setup, *command],
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Process(name, popen, log, worker_id)


def start_workers(
    count: int,
    *,
    env: Mapping[str, str],
    logs: Path,
    setup: str = "",
    prefix: str = "worker",
    interval: float = 0.1,
) -> list[Process]:
    """``count`` × ``opsbook worker`` on all queues, with ids PREFIX-1 … PREFIX-N."""
    processes = []
    for number in range(1, count + 1):
        worker_id = f"{prefix}-{number}"
        command = ["worker", "--queue-name", "*", "--no-reload", "--no-startup-delay"]
        command += ["--interval", str(interval), "--worker-id", worker_id]
        processes.append(
            start(worker_id, command, env=env, logs=logs, setup=setup, worker_id=worker_id)
        )
    return processes


def start_schedulers(
    count: int, *, env: Mapping[str, str], logs: Path, setup: str = "", prefix: str = "scheduler"
) -> list[Process]:
    """``count`` × ``opsbook scheduler`` (the project's registry, plus what ``setup`` adds)."""
    command = ["scheduler", "--longest-sleep", "1"]
    return [
        start(f"{prefix}-{number}", command, env=env, logs=logs, setup=setup)
        for number in range(1, count + 1)
    ]


def kill(process: Process, signum: int = signal.SIGKILL) -> int | None:
    """Send ``signum`` (SIGKILL: no clean-up at all, as when a host dies) and, for SIGKILL, wait
    for the process to be gone; returns its status then (-9), else None."""
    process.popen.send_signal(signum)
    if signum == signal.SIGKILL:
        return process.popen.wait(timeout=10)
    return None


def stop(processes: list[Process], *, timeout: float = 30) -> list[int | None]:
    """SIGTERM to each process still running, then their exit statuses, in order; a process
    still running after ``timeout`` is killed and reported as None."""
    for process in processes:
        if process.running:
            process.popen.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    statuses: list[int | None] = []
    for process in processes:
        try:
            statuses.append(process.popen.wait(timeout=max(deadline - time.monotonic(), 0.1)))
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()
            statuses.append(None)
    return statuses


def wait_until[T](
    condition: Callable[[], T],
    what: str,
    *,
    seconds: float = 30,
    state: Callable[[], str] | None = None,
) -> T:
    """Poll ``condition`` until it returns something true, and return that; fail after
    ``seconds`` with ``what`` in the message (and what ``state`` returns then, to see why)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"waited {seconds:g} s for {what}" + (f"\n{state()}" if state else "")
            )
        time.sleep(0.1)


def kill_all(processes: list[Process]) -> None:
    """Clean-up for a test's ``finally``: SIGKILL whatever is still running."""
    for process in processes:
        if process.running:
            process.popen.kill()
            process.popen.wait()
