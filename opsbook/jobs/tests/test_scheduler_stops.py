"""The scheduler loop stops cleanly on SIGTERM or Ctrl-C."""

import os
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime

import pytest
from django_tasks_db.models import DBTaskResult

from opsbook.jobs.models import ScheduleClaim
from opsbook.jobs.scheduler import Scheduler, StopFlag

from . import tasks
from .conftest import CLAIMS, opsbook_command

NINE = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)


@pytest.fixture
def stop():
    flag = StopFlag()
    flag.install()
    yield flag
    flag.restore()


def test_sigterm_during_a_pass_lets_the_pass_finish_and_ends_the_loop(
    transactional_db, database_tasks, registry, stop
):
    registry.every(minutes=1)(tasks.say_done)
    passes: list[datetime] = []

    def clock():
        if not passes:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives as the first pass starts
        passes.append(NINE)
        return NINE

    Scheduler(registry, clock=clock).run_forever(stop)

    assert stop.requested
    assert len(passes) == 1  # no second pass, no sleep
    assert ScheduleClaim.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_sigterm_during_the_sleep_ends_it_at_once(transactional_db, registry, stop):
    registry.daily(at="03:00", tz="UTC")(tasks.say_done)  # next due in 18 hours
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()

    Scheduler(registry, clock=lambda: NINE).run_forever(stop, longest_sleep=60)

    assert time.monotonic() - started < 5
    assert stop.requested


def test_a_second_signal_exits_without_waiting(stop):
    os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(SystemExit):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler raises as soon as the signal arrives


def test_the_signal_handlers_in_place_before_are_restored():
    before = signal.getsignal(signal.SIGTERM)
    flag = StopFlag()

    flag.install()
    flag.restore()

    assert signal.getsignal(signal.SIGTERM) is before


def test_the_scheduler_command_exits_cleanly_on_sigterm(shared_database):
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
        opsbook_command("scheduler"),
        env=shared_database.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while shared_database.scalar(f"SELECT COUNT(*) FROM {CLAIMS}") == 0:  # noqa: S608
            assert time.monotonic() < deadline, "the scheduler made no claim in 30 s"
            time.sleep(0.2)

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    finally:
        process.kill()

    assert process.returncode == 0
    assert "Received Terminated: stopping after the current pass" in output
    assert "stopped" in output
