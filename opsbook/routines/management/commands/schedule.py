import json
from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opsbook.calendars.choices import Weekday
from opsbook.calendars.models import FIRST_YEAR, LAST_YEAR, Calendar
from opsbook.catalog.frequency import FrequencyError, parse_frequency
from opsbook.routines.dates import NotSchedulable, Shift, describe_shift, due_dates, working_days

MAX_YEARS = 10  # --to must come before the same day ten years after --from


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _years_after(day: date, years: int) -> date:
    if day.year + years > 9999:
        return date.max
    if (day.month, day.day) == (2, 29):
        return date(day.year + years, 3, 1)
    return day.replace(year=day.year + years)


def _weekday(day: date) -> str:
    return str(Weekday(day.isoweekday()).label)


class Command(BaseCommand):
    help = (
        'Print the due dates recurring work with a frequency would get: `schedule "每周两次" '
        "--from 2026-09-28 --to 2026-10-31`, on the default (China) calendar unless --calendar "
        "names another. The same rules as the routines generator (docs/users/scheduling.md). "
        "Exits with status 1 if the phrase cannot be read or scheduled."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "phrase",
            nargs="+",
            help="the frequency, e.g. 每周两次 or twice a week (quotes optional)",
        )
        parser.add_argument(
            "--from",
            dest="first",
            type=_date,
            required=True,
            metavar="YYYY-MM-DD",
            help="first day (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--to",
            dest="last",
            type=_date,
            required=True,
            metavar="YYYY-MM-DD",
            help="last day, included (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--calendar", help="the business calendar's name or id (default: the default one)"
        )
        parser.add_argument(
            "--shift",
            choices=[s.value for s in Shift],
            default=Shift.PREVIOUS.value,
            help="a due date on a non-working day moves to the previous (default) or next "
            "working day of its period, or is kept",
        )
        parser.add_argument(
            "--anchor",
            type=_date,
            help="where intervals (每两周, 每3个月) count from: the content's start date",
        )
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args, phrase, first, last, **options):
        if last < first:
            raise CommandError(
                _("--to (%(last)s) is before --from (%(first)s).") % {"last": last, "first": first}
            )
        if first.year < FIRST_YEAR or last.year > LAST_YEAR:
            raise CommandError(
                _("Dates must lie between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if last >= _years_after(first, MAX_YEARS):
            raise CommandError(
                _("Ask for at most %(years)d years at a time.") % {"years": MAX_YEARS}
            )
        calendar = self._calendar(options["calendar"])
        try:
            frequency = parse_frequency(" ".join(phrase))
            days = working_days(calendar, first, last)
            found = due_dates(
                frequency,
                days,
                first,
                last,
                shift=Shift(options["shift"]),
                anchor=options["anchor"],
            )
        except (FrequencyError, NotSchedulable) as exc:
            raise CommandError(str(exc), returncode=1) from None
        uncovered = days.uncovered_years(first, last)
        if uncovered:
            self.stderr.write(
                _(
                    "warning: %(calendar)s has no holiday data for %(years)s: those dates follow "
                    "the weekly hours only."
                )
                % {"calendar": days.label, "years": ", ".join(str(y) for y in uncovered)}
            )
        if options["json"]:
            rows = [
                {
                    "due": o.due.isoformat(),
                    "planned": o.planned.isoformat(),
                    "period_start": o.period_start.isoformat(),
                    "period_end": o.period_end.isoformat(),
                    "index": o.index,
                }
                for o in found
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for o in found:
            line = f"{o.due.isoformat()}  {_weekday(o.due)}  #{o.index}  " + _(
                "period %(first)s – %(last)s"
            ) % {"first": o.period_start.isoformat(), "last": o.period_end.isoformat()}
            if o.shifted:
                line += "  " + _("moved from %(day)s %(weekday)s: %(reason)s") % {
                    "day": o.planned.isoformat(),
                    "weekday": _weekday(o.planned),
                    "reason": describe_shift(o, days),
                }
            self.stdout.write(line)
        self.stdout.write(
            _("%(label)s on %(calendar)s: %(count)d due from %(first)s to %(last)s.")
            % {
                "label": frequency.label_zh
                if (get_language() or "").startswith("zh")
                else frequency.label_en,
                "calendar": days.label,
                "count": len(found),
                "first": first.isoformat(),
                "last": last.isoformat(),
            }
        )

    def _calendar(self, value: str | None) -> Calendar | None:
        if value is None:
            return None
        found = Calendar.objects.filter(name=value).first()
        if found is None and value.isdigit():
            found = Calendar.objects.filter(pk=int(value)).first()
        if found is None:
            names = ", ".join(Calendar.objects.values_list("name", flat=True)) or "-"
            raise CommandError(
                _("There is no calendar named %(name)s. Calendars: %(names)s.")
                % {"name": value, "names": names}
            )
        return found
