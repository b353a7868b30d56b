"""The one registry of periodic jobs, and the two kinds of schedule it knows.

An app declares its periodic jobs in its own ``jobs.py``, which ``JobsConfig.ready()`` imports::

    from django.tasks import task

    from opsbook.jobs.schedule import daily, every

    @every(minutes=1)
    @task
    def warn_sla_breaches(): ...

    @daily(at="02:00")  # the site's TIME_ZONE unless tz= is given
    @task
    def prune_task_results(): ...

The decorators return the task unchanged. ``opsbook scheduler`` enqueues each task once per
*slot*: the instants a schedule is due. Slots are the same on every host (interval slots count
from the Unix epoch; daily slots are wall-clock times in a named time zone), which is what lets
any number of schedulers agree on what "due" means and claim each slot exactly once.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from inspect import Parameter, signature
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured
from django.tasks import Task
from django.utils import timezone

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class Every:
    """Due every ``interval``, at whole multiples of it counted from 1970-01-01 00:00 UTC: every
    minute on the minute, every 15 minutes at :00, :15, :30 and :45."""

    interval: timedelta

    def __post_init__(self):
        if self.interval < timedelta(seconds=1):
            raise ImproperlyConfigured(
                f"an interval must be at least 1 second, not {self.interval}"
            )
        if self.interval % timedelta(seconds=1):
            raise ImproperlyConfigured(f"an interval must be whole seconds, not {self.interval}")

    def last_slot(self, now: datetime) -> datetime:
        """The latest slot at or before ``now``."""
        return EPOCH + ((now - EPOCH) // self.interval) * self.interval

    def next_slot(self, now: datetime) -> datetime:
        """The first slot after ``now``."""
        return self.last_slot(now) + self.interval

    def __str__(self) -> str:
        seconds = int(self.interval.total_seconds())
        if seconds % 3600 == 0:
            return f"every {seconds // 3600} h"
        if seconds % 60 == 0:
            return f"every {seconds // 60} min"
        return f"every {seconds} s"


@dataclass(frozen=True)
class Daily:
    """Due at a wall-clock time each day (or on the listed weekdays) in a time zone; ``tz=None``
    means the site's ``TIME_ZONE``. On a daylight-saving change a time that does not exist that
    day is taken with the offset before the change; a time that occurs twice runs once, the
    first time."""

    at: time
    tz: str | None = None
    weekdays: frozenset[int] = frozenset(range(7))

    def __post_init__(self):
        if self.tz is not None:
            try:
                ZoneInfo(self.tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ImproperlyConfigured(f"{self.tz!r} is not a time zone") from None
        if not self.weekdays:
            raise ImproperlyConfigured("a daily schedule needs at least one weekday")

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.tz) if self.tz else timezone.get_default_timezone()

    def _slots_around(self, now: datetime, step: int) -> Iterator[datetime]:
        day = now.astimezone(self.zone).date()
        for offset in range(9):
            current = day + timedelta(days=step * offset)
            if current.weekday() in self.weekdays:
                yield self._slot_on(current)

    def _slot_on(self, day: date) -> datetime:
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(UTC)

    def last_slot(self, now: datetime) -> datetime:
        return next(slot for slot in self._slots_around(now, -1) if slot <= now)

    def next_slot(self, now: datetime) -> datetime:
        return next(slot for slot in self._slots_around(now, 1) if slot > now)

    def __str__(self) -> str:
        days = "daily"
        if self.weekdays != frozenset(range(7)):
            days = ",".join(WEEKDAYS[day] for day in sorted(self.weekdays))
        return f"{days} {self.at:%H:%M} {self.tz or timezone.get_default_timezone_name()}"


type Spec = Every | Daily


@dataclass(frozen=True)
class Schedule:
    """A task and when it is due. ``name`` identifies the schedule in the claims table: keep it
    stable, or the next pass sees a schedule that has never run."""

    name: str
    task: Task
    spec: Spec

    def __str__(self) -> str:
        return f"{self.name} ({self.spec})"


class Registry:
    """The schedules, by name. The module-level ``registry`` is the one the scheduler runs; tests
    build their own."""

    def __init__(self):
        self._schedules: dict[str, Schedule] = {}

    def add(self, task: Task, spec: Spec, *, name: str | None = None) -> Schedule:
        if not isinstance(task, Task):
            raise ImproperlyConfigured(
                f"{task!r} is not a task: put @every/@daily above @task (django.tasks)."
            )
        _check_takes_no_arguments(task)
        schedule = Schedule(name=name or task.module_path, task=task, spec=spec)
        if len(schedule.name) > NAME_MAX_LENGTH:
            raise ImproperlyConfigured(
                f"schedule name {schedule.name!r} is longer than {NAME_MAX_LENGTH} characters"
            )
        known = self._schedules.get(schedule.name)
        if known is not None and known != schedule:
            raise ImproperlyConfigured(
                f"two schedules are named {schedule.name!r}: give one of them name=…"
            )
        self._schedules[schedule.name] = schedule
        return schedule

    def every(
        self,
        *,
        seconds: int = 0,
        minutes: int = 0,
        hours: int = 0,
        name: str | None = None,
    ) -> Callable[[Task], Task]:
        spec = Every(timedelta(seconds=seconds, minutes=minutes, hours=hours))
        return self._decorator(spec, name)

    def daily(
        self,
        *,
        at: str,
        tz: str | None = None,
        weekdays: Iterable[str] | None = None,
        name: str | None = None,
    ) -> Callable[[Task], Task]:
        spec = Daily(at=_parse_time(at), tz=tz, weekdays=_parse_weekdays(weekdays))
        return self._decorator(spec, name)

    def _decorator(self, spec: Spec, name: str | None) -> Callable[[Task], Task]:
        def register(task: Task) -> Task:
            self.add(task, spec, name=name)
            return task

        return register

    def __iter__(self) -> Iterator[Schedule]:
        return iter(sorted(self._schedules.values(), key=lambda schedule: schedule.name))

    def __len__(self) -> int:
        return len(self._schedules)

    def __getitem__(self, name: str) -> Schedule:
        return self._schedules[name]


def _check_takes_no_arguments(task: Task) -> None:
    params = list(signature(task.func).parameters.values())
    if task.takes_context:
        params = params[1:]
    required = [
        p.name
        for p in params
        if p.default is Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if required:
        raise ImproperlyConfigured(
            f"{task.module_path} needs arguments ({', '.join(required)}); the scheduler "
            "enqueues periodic tasks without any."
        )


def _parse_time(value: str) -> time:
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"at={value!r} is not a time of day (HH:MM)") from None
    if parsed.tzinfo is not None:
        raise ImproperlyConfigured(f"at={value!r}: give the time zone as tz=, not in the time")
    return parsed


def _parse_weekdays(names: Iterable[str] | None) -> frozenset[int]:
    if names is None:
        return frozenset(range(7))
    if isinstance(names, str):
        names = names.split(",")
    days = set()
    for raw in names:
        name = raw.strip().lower()
        if name not in WEEKDAYS:
            raise ImproperlyConfigured(f"{raw!r} is not a weekday (mon … sun)")
        days.add(WEEKDAYS.index(name))
    return frozenset(days)


registry = Registry()
every = registry.every
daily = registry.daily
