"""The period picker: which period a dashboard shows, read from the query string, and the
choices the picker offers (this month and earlier months, quarters, years, a custom range).

``?period=2026-11`` (any code ``periods.parse`` reads) or ``?from=2026-11-01&to=2026-11-15``
for a custom range; nothing, or anything unreadable, is the current month in the
organisation's zone (an unreadable period also gives an error message to show).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from opsbook.metrics import periods
from opsbook.metrics.periods import Period, PeriodError, PeriodKind

MONTHS_OFFERED = 24
QUARTERS_OFFERED = 8
YEARS_OFFERED = 3
LONGEST_RANGE_DAYS = 366 * 3


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Picked:
    period: Period
    error: str
    months: list[Choice]
    quarters: list[Choice]
    years: list[Choice]
    range_from: str
    range_to: str
    is_range: bool

    @property
    def label(self) -> str:
        return label(self.period)


def label(period: Period) -> str:
    """How the period reads in a heading: 2026-11, 2026 Q4, 2026, 2026-11-01 – 2026-11-15."""
    if period.kind == PeriodKind.QUARTER:
        return _("%(year)s Q%(q)s") % {
            "year": period.start.year,
            "q": (period.start.month - 1) // 3 + 1,
        }
    if period.kind == PeriodKind.RANGE:
        return f"{period.start.isoformat()} – {period.last_day.isoformat()}"
    return period.code


def read(params, now: datetime) -> tuple[Period, str]:
    """(the period asked for, an error message or "")."""
    current = periods.current(PeriodKind.MONTH, now)
    first, last = params.get("from", "").strip(), params.get("to", "").strip()
    if first or last:
        try:
            period = periods.date_range(date.fromisoformat(first), date.fromisoformat(last))
        except (ValueError, PeriodError):
            return current, _(
                "A custom range needs a first and a last day, the last not before the first."
            )
        if period.days > LONGEST_RANGE_DAYS:
            return current, _("A custom range covers at most three years.")
        return period, ""
    code = params.get("period", "").strip()
    if not code:
        return current, ""
    try:
        return periods.parse(code), ""
    except PeriodError:
        return current, _("Not a period: %(code)s. Pick one from the list.") % {"code": code[:40]}


def pick(params, now: datetime) -> Picked:
    period, error = read(params, now)
    this_month = periods.current(PeriodKind.MONTH, now)
    this_quarter = periods.current(PeriodKind.QUARTER, now)
    this_year = periods.current(PeriodKind.YEAR, now)

    def choices(latest: Period, count: int) -> list[Choice]:
        return [
            Choice(p.code, label(p), p == period) for p in (latest.shift(-k) for k in range(count))
        ]

    is_range = period.kind == PeriodKind.RANGE
    return Picked(
        period=period,
        error=error,
        months=choices(this_month, MONTHS_OFFERED),
        quarters=choices(this_quarter, QUARTERS_OFFERED),
        years=choices(this_year, YEARS_OFFERED),
        range_from=period.start.isoformat() if is_range else "",
        range_to=period.last_day.isoformat() if is_range else "",
        is_range=is_range,
    )
