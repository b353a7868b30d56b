"""The scheduler: enqueue each due slot of each schedule exactly once, however many schedulers run.

A pass looks at every schedule's latest slot (the latest instant at or before now when it was
due) and tries to claim it: one ``INSERT … ON CONFLICT DO NOTHING`` of (schedule, slot) into
``ScheduleClaim``, and, in the same transaction, ``task.enqueue()``. The database's unique
constraint decides who won; the loser's insert changes nothing. Because only the latest slot is
ever claimed, a scheduler that was down for a day runs a minutely job once when it comes back,
not 1,440 times. A failed enqueue rolls the claim back, so the next pass tries again.
"""

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import FrameType
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import ScheduleClaim
from .schedule import Registry, Schedule

logger = logging.getLogger(__name__)

# After a pass in which something failed (the database was away, an enqueue raised), try again
# this soon rather than waiting for the next slot.
RETRY_SECONDS = 5.0
# What signal.signal() accepts and returns (typeshed's private _HANDLER).
SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Outcome(StrEnum):
    ENQUEUED = "enqueued"  # this scheduler claimed the slot and enqueued the task
    TAKEN = "taken"  # another scheduler had already claimed the slot
    DONE = "done"  # this scheduler handled the slot in an earlier pass
    FAILED = "failed"  # the claim or the enqueue raised; the next pass tries again


@dataclass(frozen=True)
class SlotResult:
    schedule: Schedule
    slot: datetime
    outcome: Outcome
    task_result_id: str = ""

    def __str__(self) -> str:
        text = f"{self.schedule.name} {self.slot.isoformat()}: {self.outcome}"
        return f"{text} ({self.task_result_id})" if self.task_result_id else text


def scheduler_identity() -> str:
    """host:pid:random, unique per Scheduler object, stored on the claims it wins."""
    return f"{socket.gethostname()}:{os.getpid()}:{get_random_string(6)}"


class Scheduler:
    def __init__(
        self,
        registry: Registry,
        *,
        identity: str | None = None,
        clock: Callable[[], datetime] = timezone.now,
    ):
        self.registry = registry
        self.identity = identity or scheduler_identity()
        self.clock = clock
        # The latest slot this scheduler has seen settled (won or lost) per schedule, so a pass
        # that wakes up early does not ask the database again.
        self._settled: dict[str, datetime] = {}

    def run_pass(self, now: datetime | None = None) -> list[SlotResult]:
        now = now or self.clock()
        results = []
        for schedule in self.registry:
            slot = schedule.spec.last_slot(now)
            if self._settled.get(schedule.name) == slot:
                results.append(SlotResult(schedule, slot, Outcome.DONE))
                continue
            try:
                result = self._claim_and_enqueue(schedule, slot)
            except Exception:
                logger.exception("Could not enqueue %s for %s", schedule.name, slot.isoformat())
                results.append(SlotResult(schedule, slot, Outcome.FAILED))
                continue
            self._settled[schedule.name] = slot
            results.append(result)
        return results

    def _claim_and_enqueue(self, schedule: Schedule, slot: datetime) -> SlotResult:
        claims = ScheduleClaim.objects.filter(schedule=schedule.name)
        with transaction.atomic():
            if claims.filter(slot__gt=slot).exists():
                # A scheduler whose clock runs ahead already took a later slot: this one is
                # missed, and missed slots are coalesced into the latest.
                return SlotResult(schedule, slot, Outcome.TAKEN)
            # INSERT … ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite). On PostgreSQL a
            # concurrent insert of the same pair waits for the other transaction and then does
            # nothing if it committed; either way exactly one row, with one claimant, survives.
            ScheduleClaim.objects.bulk_create(
                [ScheduleClaim(schedule=schedule.name, slot=slot, claimed_by=self.identity)],
                ignore_conflicts=True,
            )
            mine = claims.filter(slot=slot, claimed_by=self.identity)
            if not mine.exists():
                logger.debug("%s for %s was claimed by another scheduler", schedule.name, slot)
                return SlotResult(schedule, slot, Outcome.TAKEN)
            task_result = schedule.task.enqueue()
            mine.update(task_result_id=task_result.id)
        logger.info(
            "Enqueued %s for %s (task result %s)", schedule.name, slot.isoformat(), task_result.id
        )
        return SlotResult(schedule, slot, Outcome.ENQUEUED, task_result.id)

    def seconds_until_due(self, now: datetime, *, longest: float) -> float:
        """How long to sleep before the next slot of any schedule, at most ``longest``."""
        due = [schedule.spec.next_slot(now) for schedule in self.registry]
        if not due:
            return longest
        return min(max((min(due) - now).total_seconds(), 0.0), longest)

    def run_forever(self, stop: "StopFlag", *, longest_sleep: float = 60.0) -> None:
        """Pass, sleep until the next slot, repeat, until ``stop`` is raised. A signal during a
        pass lets the pass finish (each claim is one short transaction); during a sleep it ends
        the sleep."""
        logger.info("Scheduler %s started with %d schedule(s)", self.identity, len(self.registry))
        while not stop.requested:
            close_old_connections()
            results = self.run_pass()
            close_old_connections()
            if stop.requested:
                break
            now = self.clock()
            wait = self.seconds_until_due(now, longest=longest_sleep)
            if any(result.outcome is Outcome.FAILED for result in results):
                wait = min(wait, RETRY_SECONDS)
            stop.sleep(wait)
        logger.info("Scheduler %s stopped", self.identity)


class StopFlag:
    """Set by SIGTERM or SIGINT; the loop checks it between passes and sleeps in short steps so
    a stop request ends a sleep at once. A second signal exits immediately."""

    STEP_SECONDS = 0.2

    def __init__(self):
        self.requested = False
        self._previous: dict[int, SignalHandler] = {}

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            logger.warning("Received %s again: exiting now", signal.strsignal(signum))
            raise SystemExit(1)
        logger.info("Received %s: stopping after the current pass", signal.strsignal(signum))
        self.requested = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.requested:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, self.STEP_SECONDS))
