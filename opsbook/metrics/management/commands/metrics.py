"""``opsbook metrics --period 2026-11 [--metric KEY ...] [--by DIMENSION] [--scope dim=code ...]
[--json]``: the figures of a period with the previous period and the same period last year, as
the API's ``/api/metrics/`` returns them."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsbook.core import clock
from opsbook.metrics import engine
from opsbook.metrics.periods import PERIOD_FORMS, PeriodError, parse
from opsbook.metrics.registry import Dimension


def _scope(pairs: list[str]) -> dict[str, str]:
    scope = {}
    for pair in pairs:
        dimension, sep, code = pair.partition("=")
        if not sep or dimension not in Dimension.values:
            raise CommandError(
                f"{pair!r}: write --scope DIMENSION=CODE, DIMENSION one of "
                f"{', '.join(Dimension.values)}"
            )
        scope[dimension] = code
    return scope


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "seconds":
        return f"{value / 60:.1f} min"
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


class Command(BaseCommand):
    help = (
        "Print the metrics of a period with the previous period and the same period last year "
        f"(periods: {PERIOD_FORMS})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="e.g. 2026-11, 2026-Q4, 2026-W45")
        parser.add_argument(
            "--metric", action="append", dest="metrics", help="a metric key (repeatable)"
        )
        parser.add_argument("--by", choices=Dimension.values, help="also each code of this")
        parser.add_argument(
            "--scope", action="append", default=[], help="only DIMENSION=CODE (repeatable)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        try:
            period = parse(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        try:
            overview = engine.evaluate(
                options["metrics"],
                period,
                by=options["by"],
                scope=_scope(options["scope"]),
                now=clock.now(),
            )
        except engine.MetricError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(overview.as_json(), ensure_ascii=False, indent=2))
            return
        info = period.as_json()
        self.stdout.write(f"{period.code}  {info['start']} – {info['end']}  ({info['time_zone']})")
        for key, f in overview.figures.items():
            line = (
                f"{key:40} {_number(f.value, f.unit):>12}  "
                f"prev {_number(f.previous, f.unit):>10}  "
                f"last year {_number(f.last_year, f.unit):>10}"
            )
            if f.target is not None:
                line += f"  target {_number(f.target, f.unit)} {f.status or ''}"
            if f.live:
                line += "  (computed live)"
            self.stdout.write(line)
            for code, sub in sorted((f.by or {}).items()):
                self.stdout.write(f"  {code or '(none)':38} {_number(sub.value, sub.unit):>12}")
