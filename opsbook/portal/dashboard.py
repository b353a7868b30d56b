"""The customer's dashboard in the portal: their own organisation's volume, service levels and
satisfaction, and the tickets behind each figure.

The scope is forced to ``{"customer": <their organisation's code>}``: nothing in the query
string can widen or change it, only the metrics of ``builders.CUSTOMER_KEYS`` are offered, and
the rows are the organisation's tickets (``tickets.access.visible_tickets``) whatever the
engine returns.
"""

from urllib.parse import urlencode

from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsbook.core import clock
from opsbook.dashboards import builders, drill, picker
from opsbook.metrics import engine
from opsbook.metrics.periods import Period
from opsbook.metrics.registry import Scope
from opsbook.tickets.access import visible_tickets
from opsbook.tickets.models import Ticket

from .views import customer_required


def _scope(user) -> dict[str, str]:
    return {"customer": user.customer.code}


def _drill_url(key: str, period: Period, scope: Scope | None, part: str) -> str:
    # The scope is never in the link: the page forces it.
    return (
        reverse("portal:dashboard:drill")
        + "?"
        + urlencode({"metric": key, "period": period.code, "part": part})
    )


def _link(kind: str, pk) -> str:
    return reverse("portal:ticket", args=[pk]) if kind == "ticket" else ""


@customer_required
@require_GET
def dashboard(request):
    now = clock.now()
    picked = picker.pick(request.GET, now)
    cards, charts = builders.customer(
        request.user.customer.code, picked.period, now, drill=_drill_url
    )
    context = {
        "picked": picked,
        "period": picked.period,
        "cards": cards,
        "charts": charts,
        "organisation": request.user.customer,
    }
    return render(request, "portal/dashboard.html", context)


@customer_required
@require_GET
def dashboard_drill(request):
    now = clock.now()
    key = request.GET.get("metric", "")
    if key not in builders.known(builders.CUSTOMER_KEYS):
        raise Http404
    # Only the metric, period, part and page are read; any scope in the query string is
    # dropped and the customer's own forced below.
    params = QueryDict(mutable=True)
    for name in ("metric", "period", "part", "page"):
        if name in request.GET:
            params[name] = request.GET[name]
    try:
        query = drill.read(params)
    except drill.DrillError as exc:
        return render(request, "portal/dashboard_drill.html", {"error": str(exc)}, status=400)
    query = drill.Query(query.metric, query.period, _scope(request.user), query.part)
    rows = engine.rows(key, query.period, scope=query.scope, part=query.part, now=now)
    if rows.model is Ticket:
        rows = rows.filter(pk__in=visible_tickets(request.user).values("pk"))
    else:
        rows = rows.filter(ticket__in=visible_tickets(request.user).values("pk"))
    context = drill.context(
        request.GET, query, rows, restricted=False, link=_link, now=now, customer_view=True
    )
    context["organisation"] = request.user.customer
    context["scope_text"] = request.user.customer.name
    context["title"] = _("Requests behind a figure")
    return render(request, "portal/dashboard_drill.html", context)
