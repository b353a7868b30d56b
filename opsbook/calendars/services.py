"""Writes to business calendars: the calendar, its weekly hours, its exceptions and its covered
years. Every function is one transaction, checks that the actor may change calendars
(``access.check_can_edit``; an actor of ``None`` is the system: a command, the demo loader, a test
factory), bumps the calendar's version when something changed (``versions.touch``) and records
the audit trail. Importing a year's notice is in ``notice_import.py``, the sync from the
``chinesecalendar`` library in ``sync.py``.

Windows are passed as ``(start, end)`` wall-clock times; an end of 00:00 means midnight at the
end of the day. Weekly windows are ``(weekday, start, end)`` with ISO weekdays 1–7.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.core import clock
from opsbook.core.permissions import require

from .access import can_see_calendar_health, check_can_edit
from .businesstime import Window
from .checks import check_exception, check_windows, exception_label
from .choices import DataSource, Weekday
from .health import years_to_check
from .models import (
    Calendar,
    CalendarException,
    CalendarYear,
    ExceptionWindow,
    WorkingWindow,
    YearWarningDismissal,
)
from .versions import announce_change, touch

CALENDAR_FIELDS = ("name", "time_zone", "description", "is_default")


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
    check_can_edit(actor)
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
        announce_change(calendar.pk)
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
    check_can_edit(actor)
    unknown = set(values) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    rows = _weekly_rows(calendar, windows) if windows is not None else None
    before = audit.snapshot(calendar, values)
    for name, value in values.items():
        setattr(calendar, name, value)
    touch(calendar, expected_version)
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
    check_can_edit(actor)
    rows = _weekly_rows(calendar, windows)
    before = _weekly_labels(calendar)
    touch(calendar, expected_version)
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
    check_can_edit(actor)
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
        before = exception_label(exc, [(w.start, w.end) for w in exc.windows.all()])
    exc.kind, exc.name, exc.pattern_weekday, exc.source = kind, name, pattern_weekday, data_source
    exc.full_clean()
    touch(calendar, expected_version)
    created = exc.pk is None
    exc.save()
    exc.windows.all().delete()
    ExceptionWindow.objects.bulk_create(
        [ExceptionWindow(exception=exc, start=s, end=e) for s, e in windows]
    )
    after = exception_label(exc, windows)
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
    check_can_edit(actor)
    calendar = exc.calendar
    saved = do_set_exception(
        actor,
        calendar,
        date=date,
        kind=kind,
        name=name,
        pattern_weekday=pattern_weekday,
        windows=windows,
        expected_version=expected_version,
        create_only=date != exc.date,
        source=source,
    )
    if date == exc.date:
        return saved
    do_delete_exception(actor, exc, source=source)
    return saved


@transaction.atomic
def do_delete_exception(
    actor, exc: CalendarException, *, expected_version: int | None = None, source: str = "web"
) -> None:
    """The date follows the weekly windows again."""
    check_can_edit(actor)
    calendar = exc.calendar
    label = exception_label(exc, [(w.start, w.end) for w in exc.windows.all()])
    touch(calendar, expected_version)
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
    check_can_edit(actor)
    row = CalendarYear.objects.filter(calendar=calendar, year=year).first()
    fields = ("source", "complete", "note")
    before = audit.snapshot(row, fields) if row else {}
    row = row or CalendarYear(calendar=calendar, year=year)
    row.source, row.complete, row.note = data_source, complete, note
    row.full_clean()
    changes = audit.diff(before, audit.snapshot(row, fields))
    created = row.pk is None
    if changes or created:
        touch(calendar, expected_version)
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
    check_can_edit(actor)
    calendar = row.calendar
    touch(calendar, expected_version)
    audit.record(
        actor=actor,
        action=Action.DELETE,
        obj=row,
        source=source,
        parent=calendar,
        changes=audit.diff(audit.snapshot(row, ("source", "complete", "note")), {}),
    )
    row.delete()


# --- The health banner ------------------------------------------------------------------------


@transaction.atomic
def do_dismiss_year_warning(actor, year: int, *, now: datetime | None = None) -> None:
    """``actor`` stops seeing the banner's warnings about ``year`` (one of the years the health
    check looks at today: this year, and from November the next). Idempotent; the calendar
    pages keep showing the warnings, and the next year's come back as usual. A person's own
    choice: ``actor`` is the signed-in administrator or manager, never ``None``."""
    require(can_see_calendar_health(actor))
    now = clock.or_now(now)
    today = clock.localdate(now)
    if year not in years_to_check(today):
        message = _("There is no warning about %(year)s to hide.") % {"year": year}
        raise ValidationError({"year": message})
    YearWarningDismissal.objects.get_or_create(
        user=actor, year=year, defaults={"dismissed_at": now}
    )
