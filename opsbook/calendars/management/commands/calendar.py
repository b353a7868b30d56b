from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opsbook.calendars.businesstime import format_years
from opsbook.calendars.health import calendar_health
from opsbook.calendars.models import Calendar
from opsbook.calendars.services import do_sync_china_calendar


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Business calendars: `calendar sync-cn` loads mainland China's official working days "
        "from chinesecalendar; `calendar health` warns about missing years (exit status 1)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync-cn", help="create or update the 中国大陆工作日 calendar")
        sync.add_argument("--calendar", help="name of another calendar to load the data into")
        health = sub.add_parser("health", help="print warnings about missing calendar data")
        health.add_argument("--today", type=_date, help="check as of this date (YYYY-MM-DD)")

    def handle(self, *args, action, **options):
        if action == "sync-cn":
            self._sync(options["calendar"])
        else:
            self._health(options["today"] or timezone.localdate())

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
