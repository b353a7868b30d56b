"""Many schedulers at the same instant, against one database: each slot is enqueued once."""

import subprocess
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.models import ScheduleClaim
from opsbook.jobs.schedule import registry as project_registry
from opsbook.jobs.scheduler import Outcome, Scheduler

from . import tasks
from .conftest import CLAIMS, TASK_RESULTS, opsbook_command

NINE = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)
SCHEDULERS = 8


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time (and its test database lives in one connection); "
    "the process test below covers it",
)
def test_schedulers_in_parallel_threads_enqueue_a_slot_once(
    transactional_db, database_tasks, registry
):
    registry.every(minutes=1)(tasks.say_done)
    registry.daily(at="02:00", tz="UTC")(tasks.break_down)
    start = threading.Barrier(SCHEDULERS)
    outcomes: list[Outcome] = []

    def run():
        scheduler = Scheduler(registry)
        try:
            start.wait(timeout=10)
            outcomes.extend(result.outcome for result in scheduler.run_pass(NINE))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(SCHEDULERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count(Outcome.ENQUEUED) == 2
    assert outcomes.count(Outcome.TAKEN) == 2 * SCHEDULERS - 2
    assert ScheduleClaim.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path=tasks.say_done.module_path).count() == 1
    assert DBTaskResult.objects.filter(task_path=tasks.break_down.module_path).count() == 1


def test_scheduler_processes_started_together_enqueue_each_schedule_once(shared_database):
    processes = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            opsbook_command("scheduler", "--once"),
            env=shared_database.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=60)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0, 0], outputs
    # A pass that runs across a minute boundary may claim the next slot of a minutely schedule
    # too: each slot is still enqueued once, by one scheduler.
    claims = shared_database.rows(f"SELECT schedule, slot FROM {CLAIMS}")  # noqa: S608
    names = [schedule.name for schedule in project_registry]
    assert {schedule for schedule, _ in claims} == set(names)
    assert len(set(claims)) == len(claims)
    assert sum(output.count(": enqueued") for output in outputs) == len(claims), outputs
    queued = shared_database.rows(
        f"SELECT task_path, COUNT(*) FROM {TASK_RESULTS} GROUP BY task_path"  # noqa: S608
    )
    per_schedule = Counter(schedule for schedule, _ in claims)
    expected: Counter[str] = Counter()
    for schedule in project_registry:
        expected[schedule.task.module_path] += per_schedule[schedule.name]
    assert dict(queued) == dict(expected)
