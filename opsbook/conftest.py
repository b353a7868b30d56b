import os
import shutil

import pytest
from django.db import connection
from django.utils import translation
from playwright.sync_api import sync_playwright

import opsbook.settings
from opsbook.accounts.testing import Personas
from opsbook.core.tabular.reading import Workbook
from opsbook.jobs.testing import run_when_enqueued

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus one clean-up: on PostgreSQL the live server used by
    the browser tests can leave a connection open, which would stop the test database from being
    dropped at the end of the run."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # argon2 is what production uses (tested in accounts/tests); MD5 keeps the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages built outside a request (services, importer, commands) in English, so tests can
    assert them; requests still choose their language through the middleware (zh-hans default)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _tasks_run_when_enqueued(settings):
    """Enqueued tasks run at once (ImmediateBackend), so a test sees their effects right after
    the call; tests of the queue itself ask for ``database_tasks`` instead."""
    settings.TASKS = run_when_enqueued(opsbook.settings.TASKS)


@pytest.fixture
def database_tasks(_tasks_run_when_enqueued, settings):
    """The production task backend: ``enqueue()`` writes a row for a worker
    (``opsbook.jobs.testing.run_queued_tasks()`` runs them in the test)."""
    settings.TASKS = opsbook.settings.TASKS


@pytest.fixture(autouse=True)
def _sheets_read_as_calamine_reads_them(monkeypatch):
    """Every workbook a test imports is read both ways, streamed from its XML and by calamine,
    and the two must agree cell for cell (types included): the streaming reader's proof."""
    streamed = Workbook.sheet_cells

    def both(self, name, max_rows):
        result = streamed(self, name, max_rows)
        expected = Workbook.calamine_cells(self, name, max_rows)
        assert result[0] == expected[0], (result[0], expected[0])
        assert sorted(result[2]) == sorted(expected[2])
        for mine, theirs in zip(result[1], expected[1], strict=True):
            assert [(type(v), v) for v in mine] == [(type(v), v) for v in theirs]
        return result

    monkeypatch.setattr(Workbook, "sheet_cells", both)


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A Playwright page in Debian's Chromium, pointed at the live server.

    Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls
    from the test body unless async-unsafe access is allowed for the test's duration.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: run `make setup` (installs Debian's chromium).")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        # Playwright gives launch() its own throwaway profile; it refuses --user-data-dir.
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


# --- the suite in two passes when it runs in parallel ---------------------------------------
# A transactional test (``transaction=True``, ``live_server``: the browser tests) ends by
# flushing its database, data migrations' rows included (default notification rules, default
# SLA targets, calendars). Run serially, pytest-django orders those tests last; run by
# pytest-xdist, a worker may take a file of them and then an ordinary test that needs the seeded
# rows. ``make test-sqlite`` and ``make test-postgres`` therefore run the ordinary tests first,
# in parallel, then the transactional ones, in parallel: ``--db-tests=plain|transactional``.

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_addoption(parser):
    parser.addoption(
        "--db-tests",
        choices=("all", "plain", "transactional"),
        default="all",
        help="Run only the ordinary tests (plain), only those that flush the database "
        "(transactional), or all (default).",
    )


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    which = config.getoption("--db-tests")
    if which == "all":
        return
    wanted = which == "transactional"
    keep = [item for item in items if _is_transactional(item) == wanted]
    dropped = [item for item in items if _is_transactional(item) != wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep
