"""Is every calendar's official data there? Warnings for the command line, the calendar pages
and the banner administrators and managers see on every page."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from opsbook.core import clock

from .choices import DataSource
from .models import Calendar

# From this day of year Y on, a missing Y+1 is a warning: the State Council's notice for the
# next year usually appears in November.
NEXT_YEAR_WARNING_FROM = (11, 1)


def years_to_check(today: date) -> list[int]:
    if (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
        return [today.year, today.year + 1]
    return [today.year]


@dataclass(frozen=True)
class YearWarning:
    """One calendar's missing or incomplete data for one year."""

    calendar_id: int
    year: int
    text: str


@dataclass
class Health:
    general: list[str] = field(default_factory=list)  # about the set of calendars
    by_calendar: dict[int, list[str]] = field(default_factory=dict)  # calendar id → warnings
    by_year: dict[int, list[YearWarning]] = field(default_factory=dict)  # year → warnings

    @property
    def messages(self) -> list[str]:
        return [*self.general, *(w for ws in self.by_calendar.values() for w in ws)]

    def __bool__(self) -> bool:
        return bool(self.general or any(self.by_calendar.values()))


def _calendar_warnings(calendar: Calendar, today: date) -> list[YearWarning]:
    rows = {row.year: row for row in calendar.years.all()}
    from_library = any(row.source == DataSource.CHINESECALENDAR for row in rows.values())
    how = (
        _(
            "Upgrade chinesecalendar and run `opsbook calendar sync-cn`, or enter the "
            "State Council's notice by hand."
        )
        if from_library
        else _("Enter the year's holidays and make-up workdays, then mark the year covered.")
    )
    warnings = []
    for year in years_to_check(today):
        row = rows.get(year)
        if row is None:
            problem = _(
                "%(calendar)s has no holidays or make-up workdays for %(year)s; business "
                "time in %(year)s follows the weekly hours only."
            )
        elif not row.complete:
            problem = _("%(calendar)s: the holidays for %(year)s are marked incomplete.")
        else:
            continue
        params = {"calendar": calendar.name, "year": year}
        warnings.append(YearWarning(calendar.pk, year, f"{problem % params} {how}"))
    return warnings


def check_health(today: date) -> Health:
    """Warnings about missing or incomplete calendar data, by calendar (2 queries)."""
    calendars = list(Calendar.objects.prefetch_related("years"))
    health = Health()
    if not calendars:
        health.general.append(
            _(
                "There is no business calendar, so business time cannot be counted. "
                "Run `opsbook calendar sync-cn` or create a calendar."
            )
        )
        return health
    if not any(c.is_default for c in calendars):
        health.general.append(_("No calendar is marked as the default calendar."))
    for calendar in calendars:
        warnings = _calendar_warnings(calendar, today)
        health.by_calendar[calendar.pk] = [w.text for w in warnings]
        for warning in warnings:
            health.by_year.setdefault(warning.year, []).append(warning)
    return health


def calendar_health(today: date) -> list[str]:
    """Every warning, empty when all is well (2 queries)."""
    return check_health(today).messages


def health_for_request(request) -> Health:
    """The health as of the user's today, computed once per request and kept on it."""
    health = getattr(request, "_opsbook_calendar_health", None)
    if health is None:
        health = request._opsbook_calendar_health = check_health(clock.localdate())
    return health
