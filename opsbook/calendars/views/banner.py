"""Hiding a year's warnings in the calendar health banner (administrators and managers)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from opsbook.core.permissions import requires

from .. import access
from ..banner import banner_for
from ..forms import DismissYearForm
from ..services import do_dismiss_year_warning

health_viewer_required = requires(access.can_see_calendar_health)


def _back(request) -> str:
    """Where the page came from: the form's ``next`` when it is on this site, else home."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@health_viewer_required
@require_POST
def dismiss_year(request) -> HttpResponse:
    """htmx: answers the banner as it now is (empty once nothing is left); otherwise back to the
    page the banner was on."""
    htmx = request.headers.get("HX-Request") == "true"
    form = DismissYearForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            do_dismiss_year_warning(request.user, form.cleaned_data["year"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if htmx:
        if error:
            return HttpResponseBadRequest(error)
        context = {"banner": banner_for(request), "back": _back(request)}
        return render(request, "calendars/banner.html", context)
    if error:
        messages.error(request, error)
    return redirect(_back(request))
