"""Reporting periods in the organisation's time zone (``settings.TIME_ZONE``).

A period runs from its first instant (midnight in that zone on ``start``) up to, not including,
the first instant of ``end`` (midnight on the day after its last day). Pure functions: the zone
is passed in or read from settings, never from the active request.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
    RANGE = "range", _("Date range")


def org_tz() -> ZoneInfo:
    """The organisation's time zone: periods and their boundaries are counted in it."""
    return ZoneInfo(settings.TIME_ZONE)


class PeriodError(ValueError):
    """A period that cannot be read; the message says which forms are accepted."""


@dataclass(frozen=True, order=True)
class Period:
    """``start`` is the first day, ``end`` the day after the last (exclusive)."""

    kind: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise PeriodError("A period ends after it starts.")

    # --- instants --------------------------------------------------------------------------
    def start_at(self, tz: ZoneInfo | None = None) -> datetime:
        return _midnight(self.start, tz or org_tz())

    def end_at(self, tz: ZoneInfo | None = None) -> datetime:
        return _midnight(self.end, tz or org_tz())

    def contains(self, instant: datetime, tz: ZoneInfo | None = None) -> bool:
        return self.start_at(tz) <= instant < self.end_at(tz)

    def is_closed(self, now: datetime, tz: ZoneInfo | None = None) -> bool:
        """The period is over: its last instant is in the past."""
        return now >= self.end_at(tz)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    # --- neighbours ------------------------------------------------------------------------
    def previous(self) -> "Period":
        """The period just before, of the same kind (a range: the same number of days)."""
        return self.shift(-1)

    def next(self) -> "Period":
        return self.shift(1)

    def shift(self, steps: int) -> "Period":
        if self.kind == PeriodKind.DAY:
            return day(self.start + timedelta(days=steps))
        if self.kind == PeriodKind.WEEK:
            return week_of(self.start + timedelta(weeks=steps))
        if self.kind == PeriodKind.MONTH:
            return month(*_add_months(self.start.year, self.start.month, steps))
        if self.kind == PeriodKind.QUARTER:
            y, m = _add_months(self.start.year, self.start.month, 3 * steps)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == PeriodKind.YEAR:
            return year(self.start.year + steps)
        span = timedelta(days=self.days * steps)
        return Period(PeriodKind.RANGE, self.start + span, self.end + span)

    def last_year(self) -> "Period":
        """The same period one year earlier (29 February maps to 28 February)."""
        if self.kind == PeriodKind.WEEK:
            iso = self.start.isocalendar()
            try:
                return week_of(date.fromisocalendar(iso.year - 1, iso.week, 1))
            except ValueError:  # week 53 in a year that has 52
                return week_of(date.fromisocalendar(iso.year - 1, 52, 1))
        if self.kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
            return self.shift({"month": -12, "quarter": -4, "year": -1}[self.kind])
        start, end = _minus_year(self.start), _minus_year(self.end)
        if self.kind == PeriodKind.DAY:
            return day(start)
        return Period(PeriodKind.RANGE, start, max(end, start + timedelta(days=1)))

    def trailing(self, count: int) -> list["Period"]:
        """``count`` periods ending with this one, oldest first (for trends and sparklines)."""
        return [self.shift(-k) for k in range(count - 1, -1, -1)]

    # --- text --------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """The form ``parse`` reads: 2026-11, 2026-W45, 2026-Q4, 2026, 2026-11-05,
        2026-11-01..2026-11-15 (both days included)."""
        if self.kind == PeriodKind.DAY:
            return self.start.isoformat()
        if self.kind == PeriodKind.WEEK:
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    def __str__(self) -> str:
        return self.code

    def as_json(self, tz: ZoneInfo | None = None) -> dict[str, str]:
        """``end`` is the last day included (the CLI's and API's ``period`` object)."""
        return {
            "start": self.start.isoformat(),
            "end": self.last_day.isoformat(),
            "time_zone": (tz or org_tz()).key,
        }


def _midnight(d: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)


def _add_months(y: int, m: int, steps: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + steps
    return index // 12, index % 12 + 1


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def day(d: date) -> Period:
    return Period(PeriodKind.DAY, d, d + timedelta(days=1))


def week_of(d: date) -> Period:
    """The ISO week (Monday to Sunday) that holds ``d``."""
    monday = d - timedelta(days=d.weekday())
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=7))


def month(y: int, m: int) -> Period:
    ny, nm = _add_months(y, m, 1)
    return Period(PeriodKind.MONTH, date(y, m, 1), date(ny, nm, 1))


def quarter(y: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    ny, nm = _add_months(y, first, 3)
    return Period(PeriodKind.QUARTER, date(y, first, 1), date(ny, nm, 1))


def year(y: int) -> Period:
    return Period(PeriodKind.YEAR, date(y, 1, 1), date(y + 1, 1, 1))


def date_range(first: date, last: date) -> Period:
    """A custom range, both days included."""
    return Period(PeriodKind.RANGE, first, last + timedelta(days=1))


def of_kind(kind: str, d: date) -> Period:
    """The period of ``kind`` that holds day ``d``."""
    if kind == PeriodKind.DAY:
        return day(d)
    if kind == PeriodKind.WEEK:
        return week_of(d)
    if kind == PeriodKind.MONTH:
        return month(d.year, d.month)
    if kind == PeriodKind.QUARTER:
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if kind == PeriodKind.YEAR:
        return year(d.year)
    raise PeriodError(f"No period of kind {kind!r} holds a single day.")


def current(kind: str, now: datetime, tz: ZoneInfo | None = None) -> Period:
    """The period of ``kind`` that holds ``now`` in the organisation's time zone."""
    return of_kind(kind, now.astimezone(tz or org_tz()).date())


def _iso_week(y: int, w: int) -> Period:
    return week_of(date.fromisocalendar(y, w, 1))


_FORMS = [
    (re.compile(r"^(\d{4})-(\d{2})$"), lambda g: month(int(g[0]), int(g[1]))),
    (re.compile(r"^(\d{4})-[Ww](\d{2})$"), lambda g: _iso_week(int(g[0]), int(g[1]))),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), lambda g: quarter(int(g[0]), int(g[1]))),
    (re.compile(r"^(\d{4})$"), lambda g: year(int(g[0]))),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})$"), lambda g: day(date.fromisoformat(g[0]))),
    (
        re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"),
        lambda g: date_range(date.fromisoformat(g[0]), date.fromisoformat(g[1])),
    ),
]  # fmt: skip

PERIOD_FORMS = "YYYY-MM, YYYY-Www, YYYY-Qn, YYYY, YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD"


def parse(text: str) -> Period:
    """Read a period code (see ``Period.code``); raises ``PeriodError`` with the accepted forms."""
    text = (text or "").strip()
    for pattern, build in _FORMS:
        found = pattern.match(text)
        if found:
            try:
                period = build(found.groups())
            except ValueError:
                break
            if not 1900 <= period.start.year <= 9998:
                break
            return period
    raise PeriodError(f"Not a period: {text!r}. Use one of {PERIOD_FORMS}.")
