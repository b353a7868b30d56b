"""Loading the official holidays and make-up workdays (调休) of mainland China from the
``chinesecalendar`` library (read by ``seeding.china_official_years``) into a calendar."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.core import clock

from .access import check_can_sync
from .businesstime import format_years
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
from .versions import touch

Wanted = dict[date, tuple[str, str, int | None]]


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
    again changes nothing. Administrators and managers sync; ``actor=None`` is the system
    (``opsbook calendar sync-cn``, the demo loader, tests).
    """
    check_can_sync(actor)
    data = data or china_official_years()
    if calendar is None:
        calendar = Calendar.objects.select_for_update().filter(name=CHINA_CALENDAR_NAME).first()
    else:
        calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
    created = calendar is None
    if calendar is None:
        calendar = _create_china_calendar()
    now = clock.now()
    result = SyncResult(calendar, created, data.library_version, list(data.years))
    _sync_exceptions(calendar, _wanted(data), set(data.years), result, now)
    covered_before, covered_after, year_changes = _sync_years(calendar, data, now)
    changes: dict[str, list] = {}
    if covered_before != covered_after or year_changes:
        changes["covered_years"] = [format_years(covered_before), format_years(covered_after)]
    if result.added:
        changes["exceptions_added"] = [[], [d.isoformat() for d in result.added]]
    if result.updated:
        changes["exceptions_updated"] = [[], [d.isoformat() for d in result.updated]]
    if result.removed:
        changes["exceptions_removed"] = [[d.isoformat() for d in result.removed], []]
    if changes and not created:
        touch(calendar)
    audit.record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=calendar,
        source=source,
        changes=changes,
    )
    return result


def _create_china_calendar() -> Calendar:
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
    return calendar


def _wanted(data: OfficialYears) -> Wanted:
    wanted: Wanted = {d: (ExceptionKind.HOLIDAY, name, None) for d, name in data.holidays.items()}
    wanted.update(
        {d: (ExceptionKind.WORKDAY, name, Weekday.MONDAY) for d, name in data.workdays.items()}
    )
    return wanted


def _sync_exceptions(
    calendar: Calendar, wanted: Wanted, years: set[int], result: SyncResult, now: datetime
) -> None:
    """Add, update and remove the library's exceptions; keep the others (noted in ``kept``)."""
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


def _sync_years(
    calendar: Calendar, data: OfficialYears, now: datetime
) -> tuple[list[int], list[int], list[CalendarYear]]:
    """Mark the library's years covered; the covered years before and after, and the rows
    written."""
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
    covered_after = sorted(set(covered_before) | set(data.years))
    return covered_before, covered_after, year_changes
