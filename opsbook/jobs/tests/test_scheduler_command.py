"""`opsbook scheduler --once` and `--list`."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.tasks import Task
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.schedule import registry

pytestmark = pytest.mark.usefixtures("database_tasks")


def scheduler(*args) -> str:
    out = StringIO()
    call_command("scheduler", *args, stdout=out)
    return out.getvalue()


def test_once_enqueues_every_due_schedule_and_says_so(db):
    output = scheduler("--once")

    lines = output.splitlines()
    assert len(lines) == len(registry)
    assert all(line.endswith(")") and ": enqueued (" in line for line in lines)
    assert "opsbook.jobs.jobs.prune_task_results 20" in output
    assert DBTaskResult.objects.count() == len(registry)


def test_once_again_finds_the_slots_taken(db, time_machine):
    # Both passes at one instant: a pass that crossed a 10-second boundary would rightly find
    # a new slot of the outbox's schedule.
    time_machine.move_to(datetime(2026, 10, 9, 2, 0, 5, tzinfo=UTC), tick=False)
    scheduler("--once")

    output = scheduler("--once")

    assert output.count(": taken") == len(registry)
    assert DBTaskResult.objects.count() == len(registry)


def test_once_exits_with_status_1_when_a_schedule_cannot_be_enqueued(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue unavailable")

    monkeypatch.setattr(Task, "enqueue", refuse)

    with pytest.raises(CommandError, match="could not be enqueued") as caught:
        scheduler("--once")

    assert caught.value.returncode == 1
    assert not DBTaskResult.objects.exists()


def test_list_prints_each_schedule_with_its_next_run():
    output = scheduler("--list")

    assert "opsbook.jobs.jobs.prune_task_results\tdaily 03:30 Asia/Shanghai\tnext 20" in output
    assert len(output.splitlines()) == len(registry)
