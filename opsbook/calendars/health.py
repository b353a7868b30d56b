"""Is every calendar's official data there? Warnings for the command line and, later, the UI."""

from datetime import date

from django.utils.translation import gettext as _

from .choices import DataSource
from .models import Calendar

# From this day of year Y on, a missing Y+1 is a warning: the State Council's notice for the
# next year usually appears in November.
NEXT_YEAR_WARNING_FROM = (11, 1)


def years_to_check(today: date) -> list[int]:
    if (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
        return [today.year, today.year + 1]
    return [today.year]


def calendar_health(today: date) -> list[str]:
    """Warnings about missing or incomplete calendar data, empty when all is well (2 queries)."""
    calendars = list(Calendar.objects.prefetch_related("years"))
    if not calendars:
        return [
            _(
                "There is no business calendar, so business time cannot be counted. "
                "Run `opsbook calendar sync-cn` or create a calendar."
            )
        ]
    warnings = []
    if not any(c.is_default for c in calendars):
        warnings.append(_("No calendar is marked as the default calendar."))
    for calendar in calendars:
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
            warnings.append(f"{problem % params} {how}")
    return warnings
