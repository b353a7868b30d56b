"""What the calendar health banner shows a person: the warnings about the set of calendars
(none, or no default), and each year's missing or incomplete data with a link to where it is
fixed (administrators: the calendar's notice import, for that year; managers, who cannot import:
the calendar's page) and a button that hides that year's warnings for this person."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode

from .access import can_edit_calendars
from .health import health_for_request
from .models import YearWarningDismissal


@dataclass(frozen=True)
class BannerWarning:
    text: str
    url: str


@dataclass(frozen=True)
class BannerYear:
    year: int
    warnings: list[BannerWarning]


@dataclass
class Banner:
    general: list[str] = field(default_factory=list)
    years: list[BannerYear] = field(default_factory=list)
    can_import: bool = False

    def __bool__(self) -> bool:
        return bool(self.general or self.years)


def _fix_url(calendar_id: int, year: int, can_import: bool) -> str:
    if can_import:
        query = urlencode({"year": year})
        return f"{reverse('calendars:import', args=[calendar_id])}?{query}"
    return reverse("calendars:detail", args=[calendar_id])


def banner_for(request) -> Banner:
    """The banner for the signed-in user (who may see calendar health): the health check's two
    queries, once per request, and one more for the user's hidden years when a year is warned
    about; kept on the request."""
    banner = getattr(request, "_opsbook_calendar_banner", None)
    if banner is None:
        banner = request._opsbook_calendar_banner = _build(request)
    return banner


def _build(request) -> Banner:
    health = health_for_request(request)
    hidden: set[int] = set()
    if health.by_year:
        hidden = set(
            YearWarningDismissal.objects.filter(
                user=request.user, year__in=list(health.by_year)
            ).values_list("year", flat=True)
        )
    can_import = can_edit_calendars(request.user)
    years = [
        BannerYear(
            year,
            [BannerWarning(w.text, _fix_url(w.calendar_id, year, can_import)) for w in warnings],
        )
        for year, warnings in sorted(health.by_year.items())
        if year not in hidden
    ]
    return Banner(general=list(health.general), years=years, can_import=can_import)
