"""`opsbook serve` (what `make run` starts): the site, a worker and the scheduler together, all
stopped by one Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from opsbook.jobs.management.commands.serve import children_environment

from . import tasks
from .conftest import TASK_RESULTS, enqueue, opsbook_command

STARTED = re.compile(r"^(\S+)\s+\| started \(pid (\d+)\)", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what: str, seconds: float = 45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"waited {seconds} s for {what}")


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def fetch(url: str) -> tuple[int, str]:
    """(status, body) of a GET, error answers included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def serve(shared_database, tmp_path):
    """Start `opsbook serve` with its output in a file; yields (process, log path, port)."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            opsbook_command("serve", f"127.0.0.1:{port}", "--grace", "5"),
            env={
                key: value
                for key, value in shared_database.env.items()
                if key not in {"DEBUG", "OPSBOOK_BASE_URL"}
            },
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    yield process, log, port
    if process.poll() is None:
        process.kill()
        process.wait()
    for _, pid in STARTED.findall(log.read_text()):
        if group_alive(int(pid)):
            os.killpg(int(pid), signal.SIGKILL)


def test_serve_answers_runs_scheduled_jobs_and_stops_everything_on_ctrl_c(serve, shared_database):
    process, log, port = serve

    login = f"http://127.0.0.1:{port}/accounts/login/"
    assert wait_for(lambda: status_of(login), "the site") == 200
    # As a user sees it: the site's own 404 page (DEBUG off), styles served by WhiteNoise, and
    # links in e-mails at the address served.
    missing, page = fetch(f"http://127.0.0.1:{port}/no-such-page/")
    assert missing == 404 and 'id="error-page"' in page
    assert "URLconf" not in page and "urlpatterns" not in page
    assert fetch(f"http://127.0.0.1:{port}/static/opsbook/opsbook.css")[0] == 200
    assert f"Links in e-mails point at http://127.0.0.1:{port};" in log.read_text()
    wait_for(
        lambda: shared_database.scalar(
            f"SELECT COUNT(*) FROM {TASK_RESULTS} "  # noqa: S608
            "WHERE task_path = 'opsbook.jobs.jobs.prune_task_results' AND status = 'SUCCESSFUL'"
        ),
        "the scheduler to enqueue the housekeeping job and the worker to run it",
    )
    started = dict(STARTED.findall(log.read_text()))
    assert set(started) == {"web", "worker", "scheduler"}

    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)

    assert process.returncode == 0
    output = log.read_text()
    assert "scheduler | Scheduler" in output and "stopped\n" in output
    for name, pid in started.items():
        assert not group_alive(int(pid)), f"{name} (process group {pid}) is still running"
    assert status_of(login) is None


def test_when_one_child_dies_serve_stops_the_others_and_fails(serve):
    process, log, _ = serve
    wait_for(lambda: len(STARTED.findall(log.read_text())) == 3, "the three children")
    started = dict(STARTED.findall(log.read_text()))

    os.killpg(int(started["scheduler"]), signal.SIGKILL)
    process.wait(timeout=20)

    assert process.returncode != 0
    assert "scheduler | exited with status -9; stopping the others" in log.read_text()
    for name, pid in started.items():
        assert not group_alive(int(pid)), f"{name} (process group {pid}) is still running"


@pytest.mark.parametrize(
    ("addrport", "url"),
    [
        ("127.0.0.1:8301", "http://127.0.0.1:8301"),
        ("8302", "http://127.0.0.1:8302"),
        ("0.0.0.0:8303", "http://127.0.0.1:8303"),
        ("[::1]:8304", "http://[::1]:8304"),
    ],
)
def test_links_in_e_mails_follow_the_served_port_unless_configured(addrport, url):
    assert children_environment(addrport, {})["OPSBOOK_BASE_URL"] == url
    configured = {"OPSBOOK_BASE_URL": "https://ops.example.com"}
    assert children_environment(addrport, configured)["OPSBOOK_BASE_URL"] == (
        "https://ops.example.com"
    )


def test_serve_runs_without_debug_unless_asked():
    assert children_environment("8000", {})["DEBUG"] == "false"
    assert children_environment("8000", {"DEBUG": "1"})["DEBUG"] == "1"


def test_sigterm_reaches_the_worker_which_finishes_its_task_before_serve_exits(
    serve, shared_database
):
    process, log, _ = serve
    result_id = enqueue(shared_database, tasks.plain_sleep, seconds=2)

    def task_status() -> str:
        return shared_database.scalar(
            f"SELECT status FROM {TASK_RESULTS} "  # noqa: S608
            f"WHERE id IN ('{result_id}', '{result_id.replace('-', '')}')"
        )

    wait_for(lambda: task_status() == "RUNNING", "the worker to start the task")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)

    assert process.returncode == 0, log.read_text()
    assert task_status() == "SUCCESSFUL"
    assert "stopping after the current task" in log.read_text()
