"""Importing a year's notice (holidays, make-up workdays, special hours read from a CSV, Excel or
iCalendar file by ``notice.read_notice``) into a calendar: checked row by row, then written all
or nothing in one transaction. ``calendars/notice/`` reads files; this module writes."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.core import clock

from .access import check_can_edit
from .checks import check_exception, exception_label
from .choices import DataSource
from .models import FIRST_YEAR, LAST_YEAR, Calendar, CalendarException, ExceptionWindow
from .notice import Notice, NoticeEntry, Problem
from .services import do_set_year
from .versions import check_version, touch


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
    # The exception each updated date had: (kind, name, pattern weekday, windows).
    replaced: dict[date, tuple] = field(default_factory=dict)
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
        if old is not None:
            was = _exception_state(
                old.kind,
                old.name,
                old.pattern_weekday,
                [(w.start, w.end) for w in old.windows.all()],
            )
            if wanted == was:
                result.unchanged.append(entry.date)
                continue
            result.replaced[entry.date] = was
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
    everything and reports what would change, writing nothing. Only administrators import
    (``actor`` ``None``: the system, e.g. ``opsbook calendar import``), dry runs included.
    """
    check_can_edit(actor)
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
    if mark_covered is not None:
        _plan_covered_year(calendar, notice, mark_covered, result)
    if result.problems or dry_run:
        return result
    if plan:
        touch(calendar, expected_version)
    elif expected_version is not None:
        check_version(calendar, expected_version)
    _write_plan(actor, calendar, notice, plan, source)
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


def _plan_covered_year(calendar: Calendar, notice: Notice, year: int, result: ImportResult) -> None:
    """Check the year to mark covered; note whether it would newly be."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        result.problems.append(
            Problem(
                notice.origin,
                _("%(year)s is not a year Opsbook can mark covered.") % {"year": year},
            )
        )
    elif not any(e.date.year == year for e in notice.entries):
        result.warnings.append(
            _("The file has no date in %(year)s, which is marked covered all the same.")
            % {"year": year}
        )
    year_row = calendar.years.filter(year=year).first()
    result.covered = year_row is None or not year_row.complete


def _write_plan(actor, calendar: Calendar, notice: Notice, plan: list, source: str) -> None:
    """Create or replace the planned exceptions and record them in one audit entry."""
    now = clock.now()
    added: list[str] = []
    before: list[str] = []
    after: list[str] = []
    for entry, exc, pattern, windows in plan:
        if exc is not None:
            before.append(exception_label(exc, [(w.start, w.end) for w in exc.windows.all()]))
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
        (added if created else after).append(exception_label(exc, windows))
    if not plan:
        return
    changes: dict[str, list] = {"imported_from": [None, notice.filename]}
    if added:
        changes["exceptions_added"] = [[], added]
    if after:
        changes["exceptions_updated"] = [before, after]
    audit.record(actor=actor, action=Action.UPDATE, obj=calendar, source=source, changes=changes)
