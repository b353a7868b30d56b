import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

import opsbook.settings
from opsbook.jobs.schedule import Registry
from opsbook.jobs.testing import database_url

CLAIMS = "jobs_scheduleclaim"
TASK_RESULTS = "django_tasks_database_dbtaskresult"


@pytest.fixture
def registry() -> Registry:
    """An empty registry of the tests' own, so the project's schedules stay out of the way."""
    return Registry()


def opsbook_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "opsbook", *args]


@dataclass
class SharedDatabase:
    """A database that child processes (`opsbook scheduler`, `opsbook serve`) open too."""

    url: str
    sqlite_path: Path | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "PYTHONUNBUFFERED": "1"}

    def scalar(self, sql: str):
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def execute(self, sql: str) -> None:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                db.execute(sql)
            return
        with connection.cursor() as cursor:
            cursor.execute(sql)

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()


@pytest.fixture(scope="session")
def _migrated_sqlite_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shared-db") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(  # noqa: S603 (our own interpreter and command)
        opsbook_command("migrate", "--noinput", "--verbosity", "0"), env=env, check=True
    )
    with sqlite3.connect(path) as db:  # fold the WAL into the file before it is copied
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def shared_database(request, tmp_path, transactional_db) -> SharedDatabase:
    """On PostgreSQL, the test database itself (rows committed, emptied after the test); on
    SQLite, whose test database lives in this process's memory, a copy of a migrated file."""
    if connection.vendor == "postgresql":
        return SharedDatabase(url=database_url())
    template = request.getfixturevalue("_migrated_sqlite_file")
    path = tmp_path / "shared.sqlite3"
    shutil.copyfile(template, path)
    return SharedDatabase(url=f"sqlite:///{path}", sqlite_path=path)


def enqueue(shared: SharedDatabase, task, **kwargs) -> str:
    """Enqueue ``task`` in the shared database and return the task result's id (on SQLite from a
    child process, since the test's own database is another one)."""
    if shared.sqlite_path is None:
        with override_settings(TASKS=opsbook.settings.TASKS):
            return task.enqueue(**kwargs).id
    code = (
        "import json, os; from django.utils.module_loading import import_string; "
        "print(import_string(os.environ['TASK']).enqueue(**json.loads(os.environ['KWARGS'])).id)"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter and command)
        opsbook_command("shell", "--no-imports", "-c", code),
        env={**shared.env, "TASK": task.module_path, "KWARGS": json.dumps(kwargs)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]
