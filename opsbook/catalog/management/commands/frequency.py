import json

from django.core.management.base import BaseCommand, CommandError

from opsbook.catalog.frequency import Frequency, FrequencyError, parse_frequency


class Command(BaseCommand):
    help = (
        'Show how Opsbook reads a frequency phrase: `frequency "每周两次"` prints a summary, '
        "--json the parsed object. Exits with status 1 if the phrase cannot be read."
    )
    requires_system_checks = []  # a pure parser: no models, no database

    def add_arguments(self, parser):
        parser.add_argument(
            "phrase", nargs="+", help="the phrase, e.g. 每周两次 or twice a week (quotes optional)"
        )
        parser.add_argument("--json", action="store_true", help="print the parsed JSON object")

    def handle(self, *args, phrase, **options):
        try:
            frequency = parse_frequency(" ".join(phrase))
        except FrequencyError as exc:
            raise CommandError(str(exc), returncode=1) from None
        if options["json"]:
            self.stdout.write(json.dumps(frequency.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(summary(frequency))


def summary(f: Frequency) -> str:
    """One line: both labels, then the fields that say something."""
    bits = [f.kind]
    if f.period:
        bits.append(f"every {f.interval} {f.period}" if f.interval > 1 else f"each {f.period}")
    if f.times_per_period is not None:
        bits.append(f"{f.times_per_period}× per period")
    if f.weekdays:
        bits.append(f"weekdays {','.join(str(d) for d in f.weekdays)}")
    if f.month_days:
        bits.append(f"month days {','.join(str(d) for d in f.month_days)}")
    if f.business_days_only:
        bits.append("working days only")
    if f.due_within_days is not None:
        bits.append(f"due within {f.due_within_days} days")
    bits.append(f"RRULE {f.rrule}" if f.rrule else "no RRULE")
    return f"{f.label_zh} | {f.label_en} | {'; '.join(bits)}"
