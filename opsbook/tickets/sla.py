"""SLA clocks as pure functions: no database, no clock of their own.

A ticket's clocks are rebuilt from its status history every time (never kept as a mutable
counter), so they can be recomputed after a calendar or policy change:

* The **response** clock runs from creation until the first public reply by staff.
* The **resolution** clock runs from creation until the ticket is resolved; a reopened ticket's
  clock runs on from where it stopped.
* Both count only time spent in a *running* status (new, acknowledged, in progress). Waiting on
  the customer pauses them (and is summed as ``paused_seconds``); resolved, closed and cancelled
  stop them.
* Time is counted on the calendar of the policy: business seconds over its working windows
  (lunch breaks, holidays, make-up workdays), or plain seconds for calendar-time targets.
* The due time is the instant at which the counted time reaches the target: the first such
  instant if it was reached, else projected from the last running stretch (nothing while
  paused, since the clock will resume whenever the customer answers). A clock is breached
  when it counted more than its target; stopping exactly at the due time is on time.
* A result that touches a year without official calendar data is ``calendar_incomplete``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from zoneinfo import ZoneInfo

from opsbook.calendars.businesstime import (
    CompiledCalendar,
    NeverOpenError,
    add_business_seconds,
    business_seconds,
)

from .choices import PAUSED_STATUSES, RUNNING_STATUSES

ALL_DAY = {weekday: [(datetime.min.time(), datetime.min.time())] for weekday in range(1, 8)}
UTC = ZoneInfo("UTC")
# Calendar-time targets count every second: a calendar open around the clock.
ROUND_THE_CLOCK = CompiledCalendar(UTC, ALL_DAY)


@dataclass(frozen=True, slots=True)
class Policy:
    """What a ticket is measured against (from the checklist's service standards)."""

    response_seconds: int | None
    resolution_seconds: int | None
    # Business-time calendar; ROUND_THE_CLOCK for calendar time; None when no calendar is known.
    calendar: CompiledCalendar | None
    counts_business_time: bool = True
    warning_share: float = 0.75


@dataclass(frozen=True, slots=True)
class ClockResult:
    target: int | None
    elapsed: int | None  # seconds counted up to the stop (or to ``now`` while running)
    due_at: datetime | None
    warn_at: datetime | None
    running: bool  # counting right now
    paused: bool  # would be running but waits on the customer
    stopped: bool  # will not count again unless the ticket is reopened
    breached: bool


NO_CLOCK = ClockResult(None, None, None, None, False, False, False, False)


@dataclass(frozen=True, slots=True)
class SlaResult:
    response: ClockResult
    resolution: ClockResult
    paused_seconds: int
    calendar_incomplete: bool

    def checkpoints(self) -> list[datetime]:
        """Future instants at which a running clock crosses its warning share or its target."""
        moments = []
        for clock in (self.response, self.resolution):
            if clock.running:
                moments += [m for m in (clock.warn_at, clock.due_at) if m is not None]
        return sorted(moments)


Segment = tuple[datetime, datetime, str]


def status_segments(
    created_at: datetime, changes: Iterable[tuple[datetime, str]], now: datetime
) -> list[Segment]:
    """The ticket's life as ``(start, end, status)`` stretches from creation to ``now``.

    ``changes`` are ``(at, new_status)`` pairs in the order they happened, the first being the
    status the ticket was created in. A change recorded before creation (clock skew, imported
    data) counts from creation; one recorded out of order never makes time run backwards.
    """
    segments: list[Segment] = []
    current_status, since = None, created_at
    for at, status in changes:
        at = max(at, since)
        if current_status is None:
            current_status = status
            continue
        if at > since:
            segments.append((since, min(at, now), current_status))
        current_status, since = status, at
    if current_status is not None and now > since:
        segments.append((since, now, current_status))
    return [s for s in segments if s[1] > s[0]]


def _add(cal: CompiledCalendar, start: datetime, seconds: int) -> datetime | None:
    try:
        return add_business_seconds(cal, start, seconds)
    except NeverOpenError:
        return None


def _reach(segments, cal, target: int | None):
    """The instant the running stretches reach ``target`` seconds, or None if they don't."""
    if target is None:
        return None
    counted = 0
    for start, end, status in segments:
        if status not in RUNNING_STATUSES:
            continue
        part = business_seconds(cal, start, end)
        if counted + part >= target:
            return _add(cal, start, target - counted)
        counted += part
    return None


def _project(segments, cal, target: int | None):
    """Where ``target`` would be reached if the last running stretch ran on."""
    if target is None:
        return None
    counted, last_start, counted_before_last = 0, None, 0
    for start, end, status in segments:
        if status in RUNNING_STATUSES:
            last_start, counted_before_last = start, counted
            counted += business_seconds(cal, start, end)
    if last_start is None:
        return None
    return _add(cal, last_start, max(0, target - counted_before_last))


def _clock(
    segments: list[Segment],
    cal: CompiledCalendar,
    target: int | None,
    *,
    share: float,
    stopped: bool,
    status_now: str,
) -> ClockResult:
    elapsed = sum(
        business_seconds(cal, start, end) for start, end, s in segments if s in RUNNING_STATUSES
    )
    running = not stopped and status_now in RUNNING_STATUSES
    paused = not stopped and status_now in PAUSED_STATUSES
    if target is None:
        return ClockResult(None, elapsed, None, None, running, paused, stopped, False)
    warn_target = ceil(target * share)
    due_at = _reach(segments, cal, target)
    warn_at = _reach(segments, cal, warn_target)
    if not paused:
        due_at = due_at or _project(segments, cal, target)
        warn_at = warn_at or _project(segments, cal, warn_target)
    return ClockResult(
        target, elapsed, due_at, warn_at, running, paused, stopped, breached=elapsed > target
    )


def compute(
    policy: Policy,
    *,
    created_at: datetime,
    changes: Iterable[tuple[datetime, str]],
    first_response_at: datetime | None,
    now: datetime,
) -> SlaResult:
    """Both clocks of one ticket as of ``now``, from its status history."""
    changes = list(changes)
    segments = status_segments(created_at, changes, now)
    status_now = changes[-1][1] if changes else "new"
    cal = policy.calendar
    if cal is None:
        # A business-time target without a calendar: nothing is guessed.
        return SlaResult(NO_CLOCK, NO_CLOCK, 0, calendar_incomplete=True)

    response_segments = segments
    if first_response_at is not None:
        response_segments = [
            (s, min(e, first_response_at), st) for s, e, st in segments if s < first_response_at
        ]
    response_stopped = first_response_at is not None or status_now not in (
        RUNNING_STATUSES | PAUSED_STATUSES
    )
    resolution_stopped = status_now not in (RUNNING_STATUSES | PAUSED_STATUSES)

    response = _clock(
        response_segments,
        cal,
        policy.response_seconds,
        share=policy.warning_share,
        stopped=response_stopped,
        status_now=status_now,
    )
    resolution = _clock(
        segments,
        cal,
        policy.resolution_seconds,
        share=policy.warning_share,
        stopped=resolution_stopped,
        status_now=status_now,
    )
    paused = sum(
        business_seconds(cal, start, end) for start, end, s in segments if s in PAUSED_STATUSES
    )
    incomplete = False
    if policy.counts_business_time:
        # The span the result depends on: up to the last counted second of a stopped clock,
        # up to now and the due times of a clock that still counts.
        counted = [e for s, e, st in segments if st in RUNNING_STATUSES | PAUSED_STATUSES]
        ends = [created_at, *counted[-1:]]
        for clock in (response, resolution):
            if not clock.stopped:
                ends += [now, *(m for m in (clock.due_at, clock.warn_at) if m)]
        incomplete = cal.touches_uncovered(created_at, max(ends))
    return SlaResult(response, resolution, paused, incomplete)
