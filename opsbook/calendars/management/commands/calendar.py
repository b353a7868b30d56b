import json
import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min

from opsbook.calendars.businesstime import format_years
from opsbook.calendars.health import calendar_health
from opsbook.calendars.models import FIRST_YEAR, LAST_YEAR, Calendar
from opsbook.calendars.notice import export_ics, read_notice
from opsbook.calendars.notice_import import do_import_notice
from opsbook.calendars.sync import do_sync_china_calendar
from opsbook.core import clock

YEARS = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _years(value: str) -> tuple[int, int]:
    match = YEARS.match(value.strip())
    if match is None:
        raise CommandError(f"{value!r} is not a year or a range of years (2026 or 2025-2027)")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first or first < FIRST_YEAR or last > LAST_YEAR:
        raise CommandError(
            f"{value!r} is not a range of years between {FIRST_YEAR} and {LAST_YEAR}"
        )
    return first, last


def _year(value: str) -> int:
    first, last = _years(value)
    if first != last:
        raise CommandError(f"{value!r}: name one year")
    return first


class Command(BaseCommand):
    help = (
        "Business calendars: `calendar sync-cn` loads mainland China's official working days "
        "from chinesecalendar; `calendar health` warns about missing years (exit status 1); "
        "`calendar import NAME FILE` reads a year's notice from CSV, Excel or iCalendar; "
        "`calendar export NAME` writes the holidays and make-up workdays as iCalendar."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync-cn", help="create or update the 中国大陆工作日 calendar")
        sync.add_argument("--calendar", help="name of another calendar to load the data into")
        health = sub.add_parser("health", help="print warnings about missing calendar data")
        health.add_argument("--today", type=_date, help="check as of this date (YYYY-MM-DD)")
        imp = sub.add_parser(
            "import",
            help="import holidays and make-up workdays from .csv, .xlsx or .ics (all or nothing)",
        )
        imp.add_argument("name", help="the calendar's name")
        imp.add_argument("file", type=Path, help="the notice: .csv, .xlsx or .ics")
        imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        imp.add_argument("--json", action="store_true", help="print the result as JSON")
        imp.add_argument(
            "--mark-covered", type=_year, metavar="YEAR", help="also mark YEAR covered"
        )
        exp = sub.add_parser("export", help="write the exceptions as an iCalendar (.ics) file")
        exp.add_argument("name", help="the calendar's name")
        exp.add_argument(
            "--years", type=_years, help="a year or range, e.g. 2025-2027 (default: all)"
        )
        exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, action, **options):
        if action == "sync-cn":
            self._sync(options["calendar"])
        elif action == "import":
            self._import(options)
        elif action == "export":
            self._export(options)
        else:
            self._health(options["today"] or clock.localdate())

    def _calendar(self, name: str) -> Calendar:
        calendar = Calendar.objects.filter(name=name).first()
        if calendar is None:
            raise CommandError(f"no calendar named {name!r}")
        return calendar

    def _import(self, options) -> None:
        calendar = self._calendar(options["name"])
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        result = do_import_notice(
            None,
            calendar,
            read_notice(data, path.name),
            dry_run=options["dry_run"],
            mark_covered=options["mark_covered"],
            source="cli",
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            for problem in result.problems:
                self.stdout.write(f"error: {problem}")
            for warning in result.warnings:
                self.stdout.write(f"warning: {warning}")
            if result.ok:
                what = "would be" if result.dry_run else "were"
                self.stdout.write(
                    f"{calendar.name}: {len(result.entries)} dates read from {path.name}; "
                    f"{len(result.added)} added, {len(result.updated)} replaced, "
                    f"{len(result.unchanged)} unchanged ({what} written)"
                )
                if result.mark_covered is not None:
                    if not result.covered:
                        state = "already covered"
                    else:
                        state = "would be marked covered" if result.dry_run else "marked covered"
                    self.stdout.write(f"{result.mark_covered}: {state}")
                if result.dry_run:
                    self.stdout.write("dry run: nothing was written")
        if not result.ok:
            raise CommandError(
                f"{len(result.problems)} problem(s); nothing was imported", returncode=1
            )

    def _export(self, options) -> None:
        calendar = self._calendar(options["name"])
        if options["years"]:
            first, last = options["years"]
        else:
            span = calendar.exceptions.aggregate(first=Min("date"), last=Max("date"))
            today = clock.localdate()
            first = span["first"].year if span["first"] else today.year
            last = span["last"].year if span["last"] else today.year
        data = export_ics(calendar, first, last)
        if options["output"]:
            options["output"].write_bytes(data)
            events = data.count(b"BEGIN:VEVENT")
            self.stdout.write(
                f"{calendar.name}: {events} dates of {first}–{last} written to {options['output']}"
            )
        else:
            self.stdout.write(data.decode(), ending="")

    def _sync(self, name: str | None) -> None:
        calendar = None
        if name:
            calendar = Calendar.objects.filter(name=name).first()
            if calendar is None:
                raise CommandError(f"no calendar named {name!r}")
        result = do_sync_china_calendar(calendar, source="cli")
        state = "created" if result.created else ("updated" if result.changed else "unchanged")
        covered = result.calendar.years.covered().values_list("year", flat=True)
        self.stdout.write(
            f"{result.calendar.name}: {state} from chinesecalendar {result.library_version}"
        )
        self.stdout.write(f"years covered: {format_years(covered)}")
        self.stdout.write(
            f"exceptions added {len(result.added)}, updated {len(result.updated)}, "
            f"removed {len(result.removed)}"
        )
        if result.kept:
            dates = ", ".join(d.isoformat() for d in result.kept)
            self.stdout.write(f"kept {len(result.kept)} exceptions entered by hand: {dates}")

    def _health(self, today: date) -> None:
        warnings = calendar_health(today)
        for warning in warnings:
            self.stdout.write(f"warning: {warning}")
        if warnings:
            raise CommandError(f"{len(warnings)} calendar warning(s)", returncode=1)
        for calendar in Calendar.objects.prefetch_related("years"):
            covered = [row.year for row in calendar.years.all() if row.complete]
            self.stdout.write(f"{calendar.name}: years covered {format_years(covered)}")
