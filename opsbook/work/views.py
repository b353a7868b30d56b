"""Pages: "my work" (where staff land), its count on the navigation, and the workload plan."""

import json

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from opsbook.accounts.models import Team
from opsbook.core import clock
from opsbook.core.permissions import requires

from . import access, mywork
from .mywork import VIEW_LABELS, Scope, View
from .workload import Month, workload

staff_required = requires(access.has_work, hidden=lambda user: not access.has_work(user))


def scope_from(request) -> tuple[Scope, str, Team | None, list[Team]]:
    """The scope the query string asks for, limited to what the user may see: ``scope=team``
    (with ``team=<id>`` for one team) for team leads and managers, else their own work."""
    user = request.user
    teams = list(access.teams_for(user).order_by("name"))
    if request.GET.get("scope") != "team" or not access.sees_team_work(user):
        return Scope.of(user), "mine", None, teams
    team_id = request.GET.get("team", "")
    if team_id:
        team = next((t for t in teams if str(t.pk) == team_id), None)
        if team is None:
            raise Http404
        return Scope.of_teams([team]), "team", team, teams
    if access.sees_every_team(user):
        return Scope.of_teams(None), "team", None, teams
    return Scope.of_teams(teams), "team", None, teams


def _view(request) -> View:
    try:
        return View(request.GET.get("view", View.ALL))
    except ValueError:
        return View.ALL


@staff_required
def mine(request):
    now = clock.now()
    scope, scope_name, team, teams = scope_from(request)
    view = _view(request)
    result = mywork.work(scope, now, view)
    base = {"scope": scope_name} | ({"team": team.pk} if team else {})
    views = [
        {
            "value": v.value,
            "label": VIEW_LABELS[v],
            "count": result.counts.of(v),
            "query": "?" + "&".join(f"{k}={val}" for k, val in (base | {"view": v.value}).items()),
            "active": v == view,
        }
        for v in View
    ]
    return render(
        request,
        "work/mine.html",
        {
            "work": result,
            "views": views,
            "view": view,
            "scope": scope_name,
            "team": team,
            "teams": teams,
            "sees_team": access.sees_team_work(request.user),
            "every_team": access.sees_every_team(request.user),
            "now": now,
        },
    )


@staff_required
def count(request):
    """The navigation badge (loaded by htmx, so pages pay nothing for it)."""
    counts = mywork.counts(Scope.of(request.user), clock.now())
    return render(request, "work/_count.html", {"counts": counts})


@staff_required
def load(request):
    now = clock.now()
    try:
        month = Month.parse(request.GET["month"]) if request.GET.get("month") else Month.of(now)
    except ValueError:
        month = Month.of(now)
    people = access.people_for(request.user)
    teams = list(access.teams_for(request.user).order_by("name"))
    team = None
    if request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404
        people = people.filter(team=team)
    loads = workload(people.select_related("team"), month, now)
    chart = {
        "names": [load.person.label for load in loads],
        "routine": [float(load.routine_hours) for load in loads],
        "tickets": [float(load.ticket_hours) for load in loads],
        "capacity": [load.capacity for load in loads],
        "labels": {
            "routine": _("Routine work (hours)"),
            "tickets": _("Open tickets (hours)"),
            "capacity": _("Capacity (hours)"),
        },
    }
    return render(
        request,
        "work/workload.html",
        {
            "loads": loads,
            "month": month,
            "current": month == Month.of(now),
            "team": team,
            "teams": teams,
            "chart": json.loads(json.dumps(chart)),
            "overloaded": sum(1 for load in loads if load.overloaded),
        },
    )
