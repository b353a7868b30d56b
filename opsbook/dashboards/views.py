"""Dashboard pages: the manager's overview, a service owner's services, the executive's trends
and the drill-down list behind any figure. Thin: builders compute, templates show."""

from typing import Any

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsbook.core import clock
from opsbook.core.permissions import requires
from opsbook.metrics import engine
from opsbook.work.access import people_for
from opsbook.work.workload import Month, workload

from . import access, builders, drill, picker

organisation_required = requires(access.sees_organisation, hidden=access.not_staff)
staff_required = requires(lambda user: not access.not_staff(user), hidden=access.not_staff)

SERVICE_DIMENSIONS = ("item", "category")


def _period_context(request, now) -> dict[str, Any]:
    picked = picker.pick(request.GET, now)
    return {"picked": picked, "period": picked.period}


@staff_required
@require_GET
def overview(request):
    """The manager's overview; staff who do not see the organisation's figures land on their
    own services instead (the navigation has one link for everyone)."""
    if not access.sees_organisation(request.user):
        return redirect("dashboards:mine")
    now = clock.now()
    context = _period_context(request, now)
    service = request.GET.get("service")
    if service not in SERVICE_DIMENSIONS:
        service = "item"
    board = builders.overview(context["period"], now, service_dimension=service)
    loads = workload(people_for(request.user), Month.of(now), now)
    context |= {
        "board": board,
        "service": service,
        "charts": board.charts,
        "as_of": board.as_of,
        "workload": {
            "people": len(loads),
            "overloaded": sum(1 for load in loads if load.overloaded),
            "near": sum(1 for load in loads if load.near_capacity),
            "planned": sum(load.planned_hours for load in loads),
            "month": Month.of(now),
        },
        "keep": [("service", service)] if service != "item" else [],
        "tab": "overview",
        "sees_organisation": True,
    }
    return render(request, "dashboards/overview.html", context)


@staff_required
@require_GET
def mine(request):
    now = clock.now()
    context = _period_context(request, now)
    items = list(access.owned_items(request.user).select_related("category"))
    context |= {
        "services": builders.my_services(items, context["period"], now),
        "tab": "mine",
        "sees_organisation": access.sees_organisation(request.user),
    }
    return render(request, "dashboards/mine.html", context)


@organisation_required
@require_GET
def trends(request):
    now = clock.now()
    context = _period_context(request, now)
    charts = builders.trends(context["period"], now)
    context |= {
        "trend_charts": charts,
        "charts": {"trends": {c.key: c.chart for c in charts}},
        "tab": "trends",
        "sees_organisation": True,
        "months": builders.spark_months(context["period"]),
    }
    return render(request, "dashboards/trends.html", context)


@staff_required
@require_GET
def drill_page(request):
    now = clock.now()
    try:
        query = drill.read(request.GET)
    except drill.DrillError as exc:
        return render(request, "dashboards/drill.html", {"error": str(exc)}, status=400)
    rows = engine.rows(
        query.metric.key, query.period, scope=query.scope or None, part=query.part, now=now
    )
    rows, restricted = access.restrict_rows(request.user, rows)
    context = drill.context(
        request.GET, query, rows, restricted=restricted, link=drill.staff_link, now=now
    )
    context["title"] = _("Rows behind a figure")
    return render(request, "dashboards/drill.html", context)
