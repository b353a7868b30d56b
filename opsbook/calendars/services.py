"""Writes to business calendars. Every function is one transaction, bumps the calendar's
``version`` when something changed, and records the audit trail.

Windows are passed as ``(start, end)`` wall-clock times; an end of 00:00 means midnight at the
end of the day. Weekly windows are ``(weekday, start, end)`` with ISO weekdays 1–7.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action

from .businesstime import Window, format_window, format_years, seconds_of_day
from .choices import DataSource, ExceptionKind, Weekday
from .models import Calendar, CalendarException, CalendarYear, ExceptionWindow, WorkingWindow
from .seeding import (
    CHINA_CALENDAR_NAME,
    CHINA_DEFAULT_WINDOWS,
    CHINA_TIME_ZONE,
    CHINA_WORKWEEK,
    OfficialYears,
    china_official_years,
)

CALENDAR_FIELDS = ("name", "time_zone", "description", "is_default")


class ConflictError(Exception):
    """Someone else changed the calendar since it was loaded (optimistic locking)."""


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
    """Bump the calendar's version (and check it when the caller loaded an older one)."""
    qs = Calendar.objects.filter(pk=calendar.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise ConflictError(
            _("%(name)s was changed by someone else after you opened it. Reload and try again.")
            % {"name": calendar.name}
        )
    calendar.version = Calendar.objects.values_list("version", flat=True).get(pk=calendar.pk)


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
    return calendar


@transaction.atomic
def do_update_calendar(
    actor,
    calendar: Calendar,
    *,
    expected_version: int | None = None,
    source: str = "web",
    **values,
) -> Calendar:
    unknown = set(values) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = audit.snapshot(calendar, values)
    for name, value in values.items():
        setattr(calendar, name, value)
    _touch(calendar, expected_version)
    if calendar.is_default:
        _take_default(calendar)
    calendar.full_clean()
    changes = audit.diff(before, audit.snapshot(calendar, values))
    calendar.save()
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
    source: str = "web",
) -> CalendarException:
    """Create or replace the exception on ``date``.

    * ``holiday``: closed all day; no windows.
    * ``workday`` (调休): open with the weekly windows of ``pattern_weekday`` (default Monday).
    * ``special_hours``: open with ``windows`` only (at least one).
    """
    if kind not in ExceptionKind.values:
        raise ValidationError({"kind": _("Unknown kind of exception: %(kind)s.") % {"kind": kind}})
    if kind == ExceptionKind.WORKDAY:
        pattern_weekday = pattern_weekday or Weekday.MONDAY
        if not calendar.windows.filter(weekday=pattern_weekday).exists():
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
        windows = check_windows(windows)
    elif windows:
        raise ValidationError({"windows": _("Only special hours have their own windows.")})

    exc = CalendarException.objects.filter(calendar=calendar, date=date).first()
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
        _touch(calendar)
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

    now = timezone.now()
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
