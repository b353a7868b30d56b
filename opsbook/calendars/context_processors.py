"""The calendar health banner: administrators and managers see missing-year warnings on every
page but the calendar pages, which show them in place. Lazy, so a page that does not draw the
banner runs no query; the check's two queries run at most once per request
(``health.health_for_request``), plus one for the years the user hid when a year is warned
about (``banner.banner_for``)."""

from django.utils.functional import SimpleLazyObject

from .access import can_see_calendar_health
from .banner import banner_for


def calendar_health_banner(request):
    if not can_see_calendar_health(getattr(request, "user", None)):
        return {}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "calendars":
        return {}  # the calendar pages show the warnings in their own place
    return {"calendar_banner": SimpleLazyObject(lambda: banner_for(request))}
