"""Which task backend runs where, and the housekeeping settings."""

import os
import subprocess
import sys

from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend

import opsbook.settings

from . import tasks


def test_production_settings_queue_tasks_in_the_database():
    assert opsbook.settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_the_suite_runs_an_enqueued_task_at_once():
    result = tasks.say_done.enqueue()

    assert isinstance(task_backends["default"], ImmediateBackend)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "done"


def test_database_tasks_gives_a_test_the_production_backend(database_tasks, db):
    result = tasks.say_done.enqueue()

    assert isinstance(task_backends["default"], DatabaseBackend)
    assert result.status == "READY"


def test_a_retention_of_zero_days_is_refused_at_start_up():
    env = {**os.environ, "TASK_RESULTS_KEEP_DAYS": "0"}

    done = subprocess.run(
        [sys.executable, "-c", "import opsbook.settings"], env=env, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "TASK_RESULTS_KEEP_DAYS='0' must be at least 1" in done.stderr


def test_a_lease_shorter_than_three_heartbeats_is_refused_at_start_up():
    env = {**os.environ, "WORKER_HEARTBEAT_SECONDS": "30", "WORKER_LEASE_SECONDS": "60"}

    done = subprocess.run(
        [sys.executable, "-c", "import opsbook.settings"], env=env, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "WORKER_LEASE_SECONDS=60 must be at least three heartbeats" in done.stderr
