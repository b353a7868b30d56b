"""Writes to business calendars. Every function is one transaction, bumps the calendar's
``version`` when something changed, and records the audit trail.

Windows are passed as ``(start, end)`` wall-clock times; an end of 00:00 means midnight at the
end of the day. Weekly windows are ``(weekday, start, end)`` with ISO weekdays 1–7.
"""

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from functools import partial
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.locking import bump_version

from .businesstime import Window, format_window, format_years, seconds_of_day
from .choices import DataSource, ExceptionKind, Weekday
from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    Calendar,
    CalendarException,
    CalendarYear,
    ExceptionWindow,
    WorkingWindow,
)
from .notice import Notice, NoticeEntry, Problem
from .seeding import (
    CHINA_CALENDAR_NAME,
    CHINA_DEFAULT_WINDOWS,
    CHINA_TIME_ZONE,
    CHINA_WORKWEEK,
    OfficialYears,
    china_official_years,
)
from .signals import calendar_changed

CALENDAR_FIELDS = ("name", "time_zone", "description", "is_default")
logger = logging.getLogger(__name__)


def check_windows(windows: Sequence[Window], field_name: str = "windows") -> list[Window]:
    """One day's windows, sorted; ValidationError if one ends before it starts or two overlap."""
    for start, end in windows:
        if seconds_of_day(end, end=True) <= seconds_of_day(start, end=False):
            raise ValidationError(
                {
                    field_name: _("%(window)s ends before it starts.")
                    % {"window": format_window(start, end)}
                }
            )
    ordered = sorted(windows, key=lambda w: seconds_of_day(w[0], end=False))
    for first, second in pairwise(ordered):
        if seconds_of_day(first[1], end=True) > seconds_of_day(second[0], end=False):
            raise ValidationError(
                {
                    field_name: _("%(first)s overlaps %(second)s.")
                    % {"first": format_window(*first), "second": format_window(*second)}
                }
            )
    return ordered


def _touch(calendar: Calendar, expected_version: int | None = None) -> None:
    """Bump the calendar's version (and check it when the caller loaded an older one).

    Also queues ``calendar_changed`` for when the transaction commits."""
    bump_version(
        calendar,
        expected_version,
        _("%(name)s was changed by someone else after you opened it. Reload and try again.")
        % {"name": calendar.name},
        updated_at=clock.now(),
    )
    _announce_change(calendar.pk)


# Calendars changed by transactions not yet committed, per thread (each thread has its own
# database connection). An id left here by a transaction that rolled back is harmless: only an
# on-commit callback queued by a later, committed change of the same calendar sends it.
_changed = threading.local()


def _announce_change(calendar_id: int) -> None:
    pending = getattr(_changed, "ids", None)
    if pending is None:
        pending = _changed.ids = set()
    pending.add(calendar_id)
    transaction.on_commit(partial(_send_changed, calendar_id), robust=True)


def _send_changed(calendar_id: int) -> None:
    """Send ``calendar_changed`` once per calendar per commit, with the committed version."""
    pending = getattr(_changed, "ids", set())
    if calendar_id not in pending:
        return  # an earlier callback of the same commit already sent it
    pending.discard(calendar_id)
    version = Calendar.objects.filter(pk=calendar_id).values_list("version", flat=True).first()
    if version is None:
        return
    # Every receiver runs even if one fails; failures are logged, the change stays committed.
    for receiver, outcome in calendar_changed.send_robust(
        sender=Calendar, calendar_id=calendar_id, version=version
    ):
        if isinstance(outcome, Exception):
            logger.error(
                "calendar_changed receiver %r failed for calendar %s",
                receiver,
                calendar_id,
                exc_info=outcome,
            )


def _check_version(calendar: Calendar, expected_version: int) -> None:
    """ConflictError when the calendar is no longer at ``expected_version`` (without a bump)."""
    if not Calendar.objects.filter(pk=calendar.pk, version=expected_version).exists():
        raise ConflictError(
            _("%(name)s was changed by someone else after you opened it. Reload and try again.")
            % {"name": calendar.name}
        )


def _take_default(calendar: Calendar) -> None:
    Calendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(is_default=False)


def _weekly_labels(calendar: Calendar) -> list[str]:
    return [str(w) for w in calendar.windows.all()]


# --- Calendars --------------------------------------------------------------------------------


@transaction.atomic
def do_create_calendar(
    actor,
    *,
    windows: Iterable[tuple[int, time, time]] = (),
    source: str = "web",
    **values,
) -> Calendar:
    """A new calendar; ``is_default=True`` takes the default over from any other calendar."""
    unknown = set(values) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    calendar = Calendar(**values)
    if calendar.is_default:
        _take_default(calendar)
    calendar.full_clean()
    calendar.save()
    rows = _weekly_rows(calendar, windows)
    WorkingWindow.objects.bulk_create(rows)
    changes = audit.diff({}, audit.snapshot(calendar, values))
    if rows:
        changes["windows"] = [[], [str(w) for w in rows]]
    audit.record(actor=actor, action=Action.CREATE, obj=calendar, changes=changes, source=source)
    if calendar.is_default:
        # Standards that name no calendar now count on this one: tickets measured on the
        # previous default must follow.
        _announce_change(calendar.pk)
    return calendar


@transaction.atomic
def do_update_calendar(
    actor,
    calendar: Calendar,
    *,
    expected_version: int | None = None,
    windows: Iterable[tuple[int, time, time]] | None = None,
    source: str = "web",
    **values,
) -> Calendar:
    """Change the calendar's fields and, when ``windows`` is given, replace its weekly windows
    too (as ``do_set_weekly_windows``), in one transaction and one version step."""
    unknown = set(values) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    rows = _weekly_rows(calendar, windows) if windows is not None else None
    before = audit.snapshot(calendar, values)
    for name, value in values.items():
        setattr(calendar, name, value)
    _touch(calendar, expected_version)
    if calendar.is_default:
        _take_default(calendar)
    calendar.full_clean()
    changes = audit.diff(before, audit.snapshot(calendar, values))
    calendar.save()
    if rows is not None:
        labels = _weekly_labels(calendar)
        calendar.windows.all().delete()
        WorkingWindow.objects.bulk_create(rows)
        if labels != [str(w) for w in rows]:
            changes["windows"] = [labels, [str(w) for w in rows]]
    audit.record(actor=actor, action=Action.UPDATE, obj=calendar, changes=changes, source=source)
    return calendar


def _weekly_rows(calendar: Calendar, windows: Iterable[tuple[int, time, time]]):
    by_day: dict[int, list[Window]] = {}
    for weekday, start, end in windows:
        if weekday not in Weekday.values:
            raise ValidationError(
                {
                    "windows": _("Weekdays are 1 (Monday) to 7 (Sunday), not %(day)s.")
                    % {"day": weekday}
                }
            )
        by_day.setdefault(weekday, []).append((start, end))
    rows = []
    for weekday in sorted(by_day):
        ordered = check_windows(by_day[weekday], "windows")
        rows += [
            WorkingWindow(calendar=calendar, weekday=weekday, start=s, end=e) for s, e in ordered
        ]
    return rows


@transaction.atomic
def do_set_weekly_windows(
    actor,
    calendar: Calendar,
    windows: Iterable[tuple[int, time, time]],
    *,
    expected_version: int | None = None,
    source: str = "web",
) -> list[WorkingWindow]:
    """Replace the calendar's weekly windows, e.g. ``[(1, time(9), time(12)), (1, …), …]``.

    Several windows a day are fine (a lunch break is the gap between two); overlapping ones
    are refused. Make-up workdays follow the new windows of their pattern weekday.
    """
    rows = _weekly_rows(calendar, windows)
    before = _weekly_labels(calendar)
    _touch(calendar, expected_version)
    calendar.windows.all().delete()
    WorkingWindow.objects.bulk_create(rows)
    after = [str(w) for w in rows]
    if before != after:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=calendar,
            source=source,
            changes={"windows": [before, after]},
        )
    return rows


# --- Exceptions -------------------------------------------------------------------------------


def check_exception(
    kind: str,
    pattern_weekday: int | None,
    windows: Sequence[Window],
    open_days: Iterable[int],
) -> tuple[int | None, list[Window]]:
    """An exception's pattern weekday and windows, checked against its kind and the weekdays
    that have working hours (``open_days``); ValidationError naming the field otherwise."""
    if kind not in ExceptionKind.values:
        raise ValidationError({"kind": _("Unknown kind of exception: %(kind)s.") % {"kind": kind}})
    if kind == ExceptionKind.WORKDAY:
        pattern_weekday = pattern_weekday or Weekday.MONDAY
        if pattern_weekday not in Weekday.values:
            raise ValidationError(
                {
                    "pattern_weekday": _("Weekdays are 1 (Monday) to 7 (Sunday), not %(day)s.")
                    % {"day": pattern_weekday}
                }
            )
        if pattern_weekday not in set(open_days):
            raise ValidationError(
                {
                    "pattern_weekday": _(
                        "%(day)s has no working hours to copy to the make-up workday."
                    )
                    % {"day": Weekday(pattern_weekday).label}
                }
            )
    elif pattern_weekday is not None:
        raise ValidationError(
            {"pattern_weekday": _("Only make-up workdays take the hours of another weekday.")}
        )
    if kind == ExceptionKind.SPECIAL_HOURS:
        if not windows:
            raise ValidationError(
                {"windows": _("Special hours need at least one window; use a holiday to close.")}
            )
        return pattern_weekday, check_windows(windows)
    if windows:
        raise ValidationError({"windows": _("Only special hours have their own windows.")})
    return pattern_weekday, []


def _exception_label(exc: CalendarException, windows: Sequence[Window] = ()) -> str:
    bits = [exc.date.isoformat(), exc.kind]
    if exc.pattern_weekday:
        bits.append(f"as weekday {exc.pattern_weekday}")
    bits += [format_window(s, e) for s, e in windows]
    if exc.name:
        bits.append(exc.name)
    return " ".join(bits)


@transaction.atomic
def do_set_exception(
    actor,
    calendar: Calendar,
    *,
    date: date,
    kind: str,
    name: str = "",
    pattern_weekday: int | None = None,
    windows: Sequence[Window] = (),
    data_source: str = DataSource.MANUAL,
    expected_version: int | None = None,
    create_only: bool = False,
    source: str = "web",
) -> CalendarException:
    """Create or replace the exception on ``date`` (``create_only``: refuse to replace one).

    * ``holiday``: closed all day; no windows.
    * ``workday`` (调休): open with the weekly windows of ``pattern_weekday`` (default Monday).
    * ``special_hours``: open with ``windows`` only (at least one).
    """
    open_days = set(calendar.windows.values_list("weekday", flat=True))
    pattern_weekday, windows = check_exception(kind, pattern_weekday, windows, open_days)

    exc = CalendarException.objects.filter(calendar=calendar, date=date).first()
    if exc is not None and create_only:
        raise ValidationError(
            {
                "date": _("%(date)s already has an exception (%(exception)s); change that one.")
                % {"date": date.isoformat(), "exception": exc}
            }
        )
    before = ""
    if exc is None:
        exc = CalendarException(calendar=calendar, date=date)
    else:
        before = _exception_label(exc, [(w.start, w.end) for w in exc.windows.all()])
    exc.kind, exc.name, exc.pattern_weekday, exc.source = kind, name, pattern_weekday, data_source
    exc.full_clean()
    _touch(calendar, expected_version)
    created = exc.pk is None
    exc.save()
    exc.windows.all().delete()
    ExceptionWindow.objects.bulk_create(
        [ExceptionWindow(exception=exc, start=s, end=e) for s, e in windows]
    )
    after = _exception_label(exc, windows)
    audit.record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=exc,
        source=source,
        parent=calendar,
        changes={"exception": [before, after]} if before != after else {},
    )
    return exc


@transaction.atomic
def do_update_exception(
    actor,
    exc: CalendarException,
    *,
    date: date,
    kind: str,
    name: str = "",
    pattern_weekday: int | None = None,
    windows: Sequence[Window] = (),
    expected_version: int | None = None,
    source: str = "web",
) -> CalendarException:
    """Change an exception. A new ``date`` moves it: the old date follows the weekly windows
    again, and a date that already has another exception is refused."""
    calendar = exc.calendar
    values = {"kind": kind, "name": name, "pattern_weekday": pattern_weekday, "windows": windows}
    if date == exc.date:
        return do_set_exception(
            actor, calendar, date=date, expected_version=expected_version, source=source, **values
        )
    saved = do_set_exception(
        actor,
        calendar,
        date=date,
        expected_version=expected_version,
        create_only=True,
        source=source,
        **values,
    )
    do_delete_exception(actor, exc, source=source)
    return saved


@transaction.atomic
def do_delete_exception(
    actor, exc: CalendarException, *, expected_version: int | None = None, source: str = "web"
) -> None:
    """The date follows the weekly windows again."""
    calendar = exc.calendar
    label = _exception_label(exc, [(w.start, w.end) for w in exc.windows.all()])
    _touch(calendar, expected_version)
    audit.record(
        actor=actor,
        action=Action.DELETE,
        obj=exc,
        source=source,
        parent=calendar,
        changes={"exception": [label, ""]},
    )
    exc.delete()


# --- Covered years ----------------------------------------------------------------------------


@transaction.atomic
def do_set_year(
    actor,
    calendar: Calendar,
    year: int,
    *,
    data_source: str = DataSource.MANUAL,
    complete: bool = True,
    note: str = "",
    expected_version: int | None = None,
    source: str = "web",
) -> CalendarYear:
    """Record that ``year``'s official data is entered (``complete``) or still partial."""
    row = CalendarYear.objects.filter(calendar=calendar, year=year).first()
    fields = ("source", "complete", "note")
    before = audit.snapshot(row, fields) if row else {}
    row = row or CalendarYear(calendar=calendar, year=year)
    row.source, row.complete, row.note = data_source, complete, note
    row.full_clean()
    changes = audit.diff(before, audit.snapshot(row, fields))
    created = row.pk is None
    if changes or created:
        _touch(calendar, expected_version)
        row.save()
    audit.record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=row,
        source=source,
        parent=calendar,
        changes=changes,
    )
    return row


@transaction.atomic
def do_delete_year(
    actor,
    row: CalendarYear,
    *,
    expected_version: int | None = None,
    source: str = "web",
) -> None:
    """The year is no longer covered; its exceptions stay. From now on the health check warns
    about it again when it is the current or (from November) the next year."""
    calendar = row.calendar
    _touch(calendar, expected_version)
    audit.record(
        actor=actor,
        action=Action.DELETE,
        obj=row,
        source=source,
        parent=calendar,
        changes=audit.diff(audit.snapshot(row, ("source", "complete", "note")), {}),
    )
    row.delete()


# --- Importing a year's notice ----------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did, or would do in a dry run. Nothing is written when ``problems``."""

    calendar: Calendar
    filename: str
    dry_run: bool
    entries: list[NoticeEntry]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)
    mark_covered: int | None = None
    covered: bool = False  # the year was newly marked covered (or would be)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.covered)

    def as_dict(self) -> dict:
        return {
            "calendar": self.calendar.name,
            "file": self.filename,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "version": self.calendar.version,
            "rows": len(self.entries),
            "added": [d.isoformat() for d in self.added],
            "updated": [d.isoformat() for d in self.updated],
            "unchanged": [d.isoformat() for d in self.unchanged],
            "mark_covered": self.mark_covered,
            "covered": self.covered,
            "problems": [p.as_dict() for p in self.problems],
            "warnings": list(self.warnings),
        }


def _exception_state(kind, name, pattern_weekday, windows) -> tuple:
    return (kind, name, pattern_weekday, tuple(windows))


def _plan_import(calendar: Calendar, notice: Notice, result: ImportResult) -> list:
    """Check every entry against the calendar; the (entry, existing exception or None, windows)
    to write, and the dates that already read exactly so."""
    open_days = set(calendar.windows.values_list("weekday", flat=True))
    dates = {e.date for e in notice.entries}
    existing = {
        exc.date: exc
        for exc in calendar.exceptions.filter(
            date__gte=min(dates), date__lte=max(dates)
        ).prefetch_related("windows")
        if exc.date in dates
    }
    first_at: dict[date, NoticeEntry] = {}
    plan = []
    for entry in notice.entries:
        if entry.date in first_at:
            result.problems.append(
                Problem(
                    entry.at("date"),
                    _("%(date)s appears twice; the first is at %(first)s.")
                    % {"date": entry.date.isoformat(), "first": first_at[entry.date].location},
                    field="date",
                )
            )
            continue
        first_at[entry.date] = entry
        if not FIRST_YEAR <= entry.date.year <= LAST_YEAR:
            result.problems.append(
                Problem(
                    entry.at("date"),
                    _("%(date)s is outside the years %(first)s–%(last)s.")
                    % {"date": entry.date.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR},
                    field="date",
                )
            )
            continue
        try:
            pattern, windows = check_exception(
                entry.kind, entry.pattern_weekday, entry.windows, open_days
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                result.problems.extend(Problem(entry.at(name), m, field=name) for m in messages)
            continue
        old = existing.get(entry.date)
        wanted = _exception_state(entry.kind, entry.name, pattern, windows)
        if old is not None and wanted == _exception_state(
            old.kind, old.name, old.pattern_weekday, [(w.start, w.end) for w in old.windows.all()]
        ):
            result.unchanged.append(entry.date)
            continue
        (result.updated if old is not None else result.added).append(entry.date)
        plan.append((entry, old, pattern, windows))
    return plan


@transaction.atomic
def do_import_notice(
    actor,
    calendar: Calendar,
    notice: Notice,
    *,
    dry_run: bool = False,
    mark_covered: int | None = None,
    expected_version: int | None = None,
    source: str = "web",
) -> ImportResult:
    """Write a year's notice (read by ``notice.read_notice``) into ``calendar``: all of it or,
    when any row has a problem, nothing.

    Each entry creates or replaces the exception on its date; dates the file does not name are
    left as they are. Entries that already read exactly so count as unchanged, so importing the
    same file again changes nothing (and does not bump the version). ``mark_covered`` also
    records that year as covered, with the file's name as the note. ``dry_run`` checks
    everything and reports what would change, writing nothing.
    """
    result = ImportResult(
        calendar=calendar,
        filename=notice.filename,
        dry_run=dry_run,
        entries=list(notice.entries),
        problems=list(notice.problems),
        warnings=list(notice.warnings),
        mark_covered=mark_covered,
    )
    if result.problems:
        return result
    if not notice.entries:
        result.problems.append(Problem(notice.origin, _("The file has no dates to import.")))
        return result
    plan = _plan_import(calendar, notice, result)
    year_row = None
    if mark_covered is not None:
        if not FIRST_YEAR <= mark_covered <= LAST_YEAR:
            result.problems.append(
                Problem(
                    notice.origin,
                    _("%(year)s is not a year Opsbook can mark covered.") % {"year": mark_covered},
                )
            )
        elif not any(e.date.year == mark_covered for e in notice.entries):
            result.warnings.append(
                _("The file has no date in %(year)s, which is marked covered all the same.")
                % {"year": mark_covered}
            )
        year_row = calendar.years.filter(year=mark_covered).first()
        result.covered = year_row is None or not year_row.complete
    if result.problems or dry_run:
        return result

    if plan:
        _touch(calendar, expected_version)
    elif expected_version is not None:
        _check_version(calendar, expected_version)
    now = clock.now()
    added, before, after = [], [], []
    for entry, exc, pattern, windows in plan:
        if exc is not None:
            before.append(_exception_label(exc, [(w.start, w.end) for w in exc.windows.all()]))
        else:
            exc = CalendarException(calendar=calendar, date=entry.date)
        exc.kind, exc.name, exc.pattern_weekday = entry.kind, entry.name, pattern
        exc.source, exc.updated_at = DataSource.IMPORT, now
        exc.full_clean()
        created = exc.pk is None
        exc.save()
        exc.windows.all().delete()
        ExceptionWindow.objects.bulk_create(
            [ExceptionWindow(exception=exc, start=s, end=e) for s, e in windows]
        )
        (added if created else after).append(_exception_label(exc, windows))
    if plan:
        changes = {"imported_from": [None, notice.filename]}
        if added:
            changes["exceptions_added"] = [[], added]
        if after:
            changes["exceptions_updated"] = [before, after]
        audit.record(
            actor=actor, action=Action.UPDATE, obj=calendar, source=source, changes=changes
        )
    if mark_covered is not None and result.covered:
        do_set_year(
            actor,
            calendar,
            mark_covered,
            data_source=DataSource.IMPORT,
            note=notice.filename[:200],
            source=source,
        )
    return result


# --- Seeding from chinesecalendar -------------------------------------------------------------


@dataclass
class SyncResult:
    calendar: Calendar
    created: bool
    library_version: str
    years: list[int]
    added: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)
    removed: list[date] = field(default_factory=list)
    # Library dates where an exception entered by hand or imported was left as it is.
    kept: list[date] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.added or self.updated or self.removed)


@transaction.atomic
def do_sync_china_calendar(
    calendar: Calendar | None = None,
    *,
    actor=None,
    source: str = "cli",
    data: OfficialYears | None = None,
) -> SyncResult:
    """Create or update the 中国大陆工作日 calendar from the ``chinesecalendar`` library.

    Without ``calendar``, the calendar named 中国大陆工作日 is used, created when missing with
    Asia/Shanghai time and Monday–Friday 09:00–12:00, 13:30–18:00 (default if no calendar is).
    Existing weekly windows are never touched. For every year the library knows, weekday
    holidays and weekend make-up workdays become exceptions and the year is marked covered.
    Exceptions entered by hand or imported win over the library on the same date. Running it
    again changes nothing.
    """
    data = data or china_official_years()
    created = False
    if calendar is None:
        calendar = Calendar.objects.select_for_update().filter(name=CHINA_CALENDAR_NAME).first()
    else:
        calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
    if calendar is None:
        calendar = Calendar(
            name=CHINA_CALENDAR_NAME,
            time_zone=CHINA_TIME_ZONE,
            is_default=not Calendar.objects.filter(is_default=True).exists(),
            description=_(
                "Working days in mainland China: statutory holidays and make-up workdays (调休) "
                "from the State Council's yearly notice."
            ),
        )
        calendar.full_clean()
        calendar.save()
        WorkingWindow.objects.bulk_create(
            WorkingWindow(calendar=calendar, weekday=day, start=s, end=e)
            for day in CHINA_WORKWEEK
            for s, e in CHINA_DEFAULT_WINDOWS
        )
        created = True

    now = clock.now()
    result = SyncResult(calendar, created, data.library_version, list(data.years))
    wanted: dict[date, tuple[str, str, int | None]] = {
        d: (ExceptionKind.HOLIDAY, name, None) for d, name in data.holidays.items()
    }
    wanted.update(
        {d: (ExceptionKind.WORKDAY, name, Weekday.MONDAY) for d, name in data.workdays.items()}
    )
    existing = {exc.date: exc for exc in calendar.exceptions.all()}
    to_create, to_update = [], []
    for day, (kind, name, pattern) in sorted(wanted.items()):
        exc = existing.get(day)
        if exc is None:
            to_create.append(
                CalendarException(
                    calendar=calendar,
                    date=day,
                    kind=kind,
                    name=name,
                    pattern_weekday=pattern,
                    source=DataSource.CHINESECALENDAR,
                )
            )
            result.added.append(day)
        elif exc.source != DataSource.CHINESECALENDAR:
            result.kept.append(day)
        elif (exc.kind, exc.name, exc.pattern_weekday) != (kind, name, pattern):
            exc.kind, exc.name, exc.pattern_weekday, exc.updated_at = kind, name, pattern, now
            to_update.append(exc)
            result.updated.append(day)
    years = set(data.years)
    stale = [
        exc
        for exc in existing.values()
        if exc.source == DataSource.CHINESECALENDAR
        and exc.date.year in years
        and exc.date not in wanted
    ]
    result.removed = sorted(exc.date for exc in stale)
    CalendarException.objects.filter(pk__in=[exc.pk for exc in stale]).delete()
    ExceptionWindow.objects.filter(exception__in=to_update).delete()
    CalendarException.objects.bulk_update(
        to_update, ["kind", "name", "pattern_weekday", "updated_at"]
    )
    CalendarException.objects.bulk_create(to_create)

    note = f"chinesecalendar {data.library_version}"
    rows = {row.year: row for row in calendar.years.all()}
    covered_before = sorted(y for y, row in rows.items() if row.complete)
    year_changes = []
    for year in data.years:
        row = rows.get(year) or CalendarYear(calendar=calendar, year=year)
        if row.pk is None or row.source != DataSource.CHINESECALENDAR or not row.complete:
            row.source, row.complete, row.note = DataSource.CHINESECALENDAR, True, note
            row.updated_at = now
            year_changes.append(row)
    CalendarYear.objects.bulk_create([r for r in year_changes if r.pk is None])
    CalendarYear.objects.bulk_update(
        [r for r in year_changes if r.pk is not None], ["source", "complete", "note", "updated_at"]
    )
    covered_after = sorted(set(covered_before) | years)

    changes = {}
    if covered_before != covered_after or year_changes:
        changes["covered_years"] = [format_years(covered_before), format_years(covered_after)]
    if result.added:
        changes["exceptions_added"] = [[], [d.isoformat() for d in result.added]]
    if result.updated:
        changes["exceptions_updated"] = [[], [d.isoformat() for d in result.updated]]
    if result.removed:
        changes["exceptions_removed"] = [[d.isoformat() for d in result.removed], []]
    if changes and not created:
        _touch(calendar)
    audit.record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=calendar,
        source=source,
        changes=changes,
    )
    return result
