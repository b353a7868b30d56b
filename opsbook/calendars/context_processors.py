"""The calendar health banner: administrators and managers see missing-year warnings on every
page. Lazy, so a page that does not draw the banner runs no query; the two queries of the check
run at most once per request (``health.health_for_request``)."""

from django.utils.functional import SimpleLazyObject

from .access import can_see_calendar_health
from .health import health_for_request


def calendar_health_banner(request):
    if not can_see_calendar_health(getattr(request, "user", None)):
        return {}
    return {"calendar_warnings": SimpleLazyObject(lambda: health_for_request(request).messages)}
