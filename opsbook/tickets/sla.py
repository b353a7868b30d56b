"""SLA clocks as pure functions: no database, no clock of their own.

A ticket's clocks are rebuilt from its status history every time (never kept as a mutable
counter), so they can be recomputed after a calendar or policy change:

* The **response** clock runs from creation until the first public reply by staff.
* The **resolution** clock runs from creation until the ticket is resolved; a reopened ticket's
  clock runs on from where it stopped.
* Both count only time spent in a *running* status (new, acknowledged, in progress). Waiting on
  the customer pauses them (and is summed as ``paused_seconds``); resolved, closed and cancelled
  stop them (summed as ``stopped_seconds``).
* Time is counted on the calendar of the policy: business seconds over its working windows
  (lunch breaks, holidays, make-up workdays), or plain seconds for calendar-time targets. Every
  instant counts to the whole second (fractions are dropped), like ``businesstime``.
* The **due time** is the earliest instant at which the counted time reaches the target. Once
  reached it stays put. Until then it is projected from the current running stretch; a paused
  clock has none (it resumes whenever the customer answers); a clock that stopped short of its
  target keeps the due time it had while it last ran.
* A clock is **breached** when it was still running after its due time: stopping exactly at
  the due time is on time, one second later is late. Once the due time has passed, a ticket
  left running is late even while no business time passes (a lunch break, the night), so the
  breach flag always agrees with "still open after the due time".
* The **warning** instant is where the counted time reaches the warning share of the target
  (rounded up to the whole second), found the same way as the due time.
* A result that touches a year without official calendar data is ``calendar_incomplete``.

Status changes are ``(at, status)`` pairs in the order they happened. A change stamped before
the ticket was created, or before the change that preceded it (clock skew, imported data),
counts from that earlier moment, so time never runs backwards; changes after ``now`` have not
happened yet.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil, floor
from zoneinfo import ZoneInfo

from opsbook.calendars.businesstime import (
    CompiledCalendar,
    NeverOpenError,
    add_business_seconds,
    business_seconds,
)

from .choices import DONE_STATUSES, OPEN_STATUSES, PAUSED_STATUSES, RUNNING_STATUSES, Status

ALL_DAY = {weekday: [(datetime.min.time(), datetime.min.time())] for weekday in range(1, 8)}
UTC = ZoneInfo("UTC")
# Calendar-time targets count every second: a calendar open around the clock.
ROUND_THE_CLOCK = CompiledCalendar(UTC, ALL_DAY)
# A clock is late from the first whole second after its due time.
ONE_SECOND = timedelta(seconds=1)


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

    @property
    def late_at(self) -> datetime | None:
        """The first instant at which this clock counts as breached if it is still running."""
        return self.due_at + ONE_SECOND if self.due_at is not None else None


NO_CLOCK = ClockResult(None, None, None, None, False, False, False, False)


@dataclass(frozen=True, slots=True)
class SlaResult:
    response: ClockResult
    resolution: ClockResult
    paused_seconds: int
    calendar_incomplete: bool
    # Counted while resolved, closed or cancelled. running (resolution.elapsed) + paused +
    # stopped is all the (business) time from creation to ``now``.
    stopped_seconds: int = 0

    def checkpoints(self) -> list[datetime]:
        """Instants at which a running clock crosses its warning share or becomes late."""
        moments = []
        for clock in (self.response, self.resolution):
            if clock.running:
                moments += [m for m in (clock.warn_at, clock.late_at) if m is not None]
        return sorted(moments)


Segment = tuple[datetime, datetime, str]
Run = tuple[datetime, datetime]


def effective_changes(
    created_at: datetime, changes: Iterable[tuple[datetime, str]]
) -> list[tuple[datetime, str]]:
    """``changes`` with the instants the clocks use: the first status holds from creation, and
    a change stamped before creation or before its predecessor counts from that moment."""
    timeline: list[tuple[datetime, str]] = []
    since = created_at
    for at, status in changes:
        since = max(at, since) if timeline else created_at
        timeline.append((since, status))
    return timeline or [(created_at, Status.NEW)]


def _segments(timeline: list[tuple[datetime, str]], now: datetime) -> list[Segment]:
    segments = []
    for index, (start, status) in enumerate(timeline):
        end = timeline[index + 1][0] if index + 1 < len(timeline) else now
        end = min(end, now)
        if end > start:
            segments.append((start, end, status))
    return segments


def status_segments(
    created_at: datetime, changes: Iterable[tuple[datetime, str]], now: datetime
) -> list[Segment]:
    """The ticket's life as ``(start, end, status)`` stretches from creation to ``now``
    (empty stretches left out)."""
    return _segments(effective_changes(created_at, changes), now)


def status_at(
    created_at: datetime, changes: Iterable[tuple[datetime, str]], now: datetime
) -> tuple[str, datetime]:
    """``(status, since)`` as of ``now``: the last change made at or before ``now``."""
    timeline = effective_changes(created_at, changes)
    current = timeline[0]
    for entry in timeline[1:]:
        if entry[0] > now:
            break
        current = entry
    return current[1], current[0]


def _add(cal: CompiledCalendar, start: datetime, seconds: int) -> datetime | None:
    try:
        return add_business_seconds(cal, start, seconds)
    except NeverOpenError:
        return None


def _reach(
    cal: CompiledCalendar, runs: list[Run], parts: list[int], target: int
) -> datetime | None:
    """The earliest instant at which the running stretches have counted ``target`` seconds."""
    counted = 0
    for (start, _end), part in zip(runs, parts, strict=True):
        if counted + part >= target:
            return _add(cal, start, target - counted)
        counted += part
    return None


def _project(
    cal: CompiledCalendar, runs: list[Run], parts: list[int], target: int, origin: datetime
) -> datetime | None:
    """Where ``target`` is reached if the last running stretch runs on (from ``origin`` when
    the clock never ran)."""
    if not runs:
        return _add(cal, origin, target)
    counted_before_last = sum(parts) - parts[-1]
    return _add(cal, runs[-1][0], max(0, target - counted_before_last))


def _whole_second(instant: datetime) -> int:
    return floor(instant.timestamp())


def warning_target(target: int, share: float) -> int:
    """The warning share of ``target`` in whole seconds, rounded up (75 % of 1,800 s = 1,350 s;
    rounding first keeps 70 % of 1,800 s at 1,260 s despite binary floating point)."""
    return ceil(round(target * share, 6))


def _clock(
    cal: CompiledCalendar,
    runs: list[Run],
    target: int | None,
    *,
    share: float,
    state: str,
    origin: datetime,
) -> ClockResult:
    parts = [business_seconds(cal, start, end) for start, end in runs]
    elapsed = sum(parts)
    running, paused, stopped = state == "running", state == "paused", state == "stopped"
    if target is None:
        return ClockResult(None, elapsed, None, None, running, paused, stopped, False)
    due_at = _reach(cal, runs, parts, target)
    warn_at = _reach(cal, runs, parts, warning_target(target, share))
    # Still running (or stopped) at a whole second after the due time: late.
    breached = (
        due_at is not None and bool(runs) and _whole_second(runs[-1][1]) > _whole_second(due_at)
    )
    if not paused:
        due_at = due_at or _project(cal, runs, parts, target, origin)
        warn_at = warn_at or _project(cal, runs, parts, warning_target(target, share), origin)
    return ClockResult(target, elapsed, due_at, warn_at, running, paused, stopped, breached)


def _runs(segments: list[Segment], stop: datetime | None) -> list[Run]:
    """The running stretches, cut at ``stop`` (the first response for the response clock)."""
    runs = []
    for start, end, status in segments:
        if status not in RUNNING_STATUSES:
            continue
        if stop is not None:
            if start >= stop:
                break
            end = min(end, stop)
        runs.append((start, end))
    return runs


def _with_current(runs: list[Run], state: str, since: datetime, now: datetime) -> list[Run]:
    """A running clock's current stretch, even when it began at ``now`` (no time counted yet),
    so its due time is projected from it."""
    if state == "running" and not (runs and runs[-1][1] >= now and runs[-1][0] >= since):
        return [*runs, (since, now)]
    return runs


def compute(
    policy: Policy,
    *,
    created_at: datetime,
    changes: Iterable[tuple[datetime, str]],
    first_response_at: datetime | None,
    now: datetime,
) -> SlaResult:
    """Both clocks of one ticket as of ``now``, from its status history."""
    timeline = effective_changes(created_at, changes)
    segments = _segments(timeline, now)
    status_now, since = status_at(created_at, timeline, now)
    cal = policy.calendar
    if cal is None:
        # A business-time target without a calendar: nothing is guessed.
        return SlaResult(NO_CLOCK, NO_CLOCK, 0, calendar_incomplete=True)

    if status_now in RUNNING_STATUSES:
        resolution_state = "running"
    elif status_now in PAUSED_STATUSES:
        resolution_state = "paused"
    else:
        resolution_state = "stopped"
    responded = first_response_at is not None and first_response_at <= now
    response_state = "stopped" if responded else resolution_state

    resolution_runs = _with_current(_runs(segments, None), resolution_state, since, now)
    response_runs = _runs(segments, first_response_at if responded else None)
    response_runs = _with_current(response_runs, response_state, since, now)
    share = policy.warning_share
    response = _clock(
        cal,
        response_runs,
        policy.response_seconds,
        share=share,
        state=response_state,
        origin=created_at,
    )
    resolution = _clock(
        cal,
        resolution_runs,
        policy.resolution_seconds,
        share=share,
        state=resolution_state,
        origin=created_at,
    )

    def counted_in(statuses: Collection[str]) -> int:
        return sum(business_seconds(cal, s, e) for s, e, st in segments if st in statuses)

    incomplete = False
    if policy.counts_business_time:
        # The span the result depends on: up to the last second counted (running or paused),
        # and up to now and the due times of a clock that still counts.
        ends = [created_at, *[e for s, e, st in segments if st in OPEN_STATUSES][-1:]]
        for clock in (response, resolution):
            if not clock.stopped:
                ends += [now, *(m for m in (clock.due_at, clock.warn_at) if m)]
        incomplete = cal.touches_uncovered(created_at, max(ends))
    return SlaResult(
        response,
        resolution,
        paused_seconds=counted_in(PAUSED_STATUSES),
        calendar_incomplete=incomplete,
        stopped_seconds=counted_in(DONE_STATUSES),
    )
