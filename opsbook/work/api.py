"""The work API, mounted at /api/work/: "my work" (or a team's) and the workload plan, the
same lists and numbers as the pages, through the same scope rules (``access.py``). Staff only;
customers get 403."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from opsbook.core import clock
from opsbook.core.api import Message, ValidationErrors
from opsbook.core.permissions import api_guard

from . import access, mywork
from .mywork import Scope, View
from .workload import Month, workload

router = Router(tags=["work"])
router.add_decorator(
    api_guard(access.has_work, lambda: _("Work lists are for staff only.")), mode="operation"
)
ERRORS = {401: Message, 403: Message, 404: Message}


class WorkEntryOut(Schema):
    kind: Literal["ticket", "occurrence", "step", "follow_up"]
    title: str
    url: str = Field(description="The page of the work, a path on this site.")
    due_at: datetime | None
    overdue: bool
    context: str
    who: str
    detail: str


class WorkCountsOut(Schema):
    total: int
    overdue: int
    today: int
    ticket: int
    occurrence: int
    step: int
    follow_up: int


class WorkOut(Schema):
    counts: WorkCountsOut
    entries: list[WorkEntryOut]
    truncated: bool = Field(description="True when a kind had more entries than the list shows.")


class LoadOut(Schema):
    person_id: int
    person: str
    occurrences: int
    unestimated: int = Field(description="Occurrences whose content has no effort estimate.")
    routine_hours: Decimal
    tickets: int
    ticket_hours: Decimal
    planned_hours: Decimal
    capacity_hours: int | None
    percent: int | None
    overloaded: bool


class WorkloadOut(Schema):
    month: str
    people: list[LoadOut]


@router.get("/mine", response={200: WorkOut, **ERRORS}, summary="My work, or a team's")
def my_work(
    request,
    view: View = View.ALL,
    scope: Literal["mine", "team"] = "mine",
    team: int | None = None,
):
    """What needs the caller (``scope=mine``) or the teams they lead or manage (``scope=team``,
    one team with ``team``), most urgent first."""
    user = request.user
    chosen = Scope.of(user)
    if scope == "team":
        teams = list(access.teams_for(user))
        if team is not None:
            picked = [t for t in teams if t.pk == team]
            if not picked:
                raise Http404
            chosen = Scope.of_teams(picked)
        elif access.sees_every_team(user):
            chosen = Scope.of_teams(None)
        elif teams:
            chosen = Scope.of_teams(teams)
    result = mywork.work(chosen, clock.now(), view)
    counts = result.counts
    return {
        "counts": {
            "total": counts.total,
            "overdue": counts.overdue,
            "today": counts.today,
            **{kind.value: counts.by_kind.get(kind, 0) for kind in mywork.Kind},
        },
        "entries": [
            {
                "kind": e.kind.value,
                "title": e.title,
                "url": e.url,
                "due_at": e.due_at,
                "overdue": e.overdue,
                "context": e.context,
                "who": e.who,
                "detail": e.detail,
            }
            for e in result.entries
        ],
        "truncated": result.truncated,
    }


@router.get(
    "/workload",
    response={200: WorkloadOut, **ERRORS, 422: ValidationErrors},
    summary="Workload plan",
)
def workload_plan(request, month: str | None = None, team: int | None = None):
    """Planned hours against capacity per person for ``month`` (YYYY-MM, default this month):
    everyone for managers, a team lead's teams, else only the caller."""
    now = clock.now()
    if month:
        try:
            chosen = Month.parse(month)
        except ValueError:
            raise NinjaValidationError(
                [
                    {
                        "loc": ["query", "month"],
                        "msg": _("Write the month as YYYY-MM, e.g. 2026-10."),
                        "type": "value_error",
                    }
                ]
            ) from None
    else:
        chosen = Month.of(now)
    people = access.people_for(request.user)
    if team is not None:
        if not access.teams_for(request.user).filter(pk=team).exists():
            raise Http404
        people = people.filter(team_id=team)
    loads = workload(people, chosen, now)
    return {
        "month": str(chosen),
        "people": [
            {
                "person_id": load.person.pk,
                "person": load.person.label,
                "occurrences": load.occurrences,
                "unestimated": load.unestimated,
                "routine_hours": load.routine_hours,
                "tickets": load.tickets,
                "ticket_hours": load.ticket_hours,
                "planned_hours": load.planned_hours,
                "capacity_hours": load.capacity,
                "percent": load.percent,
                "overloaded": load.overloaded,
            }
            for load in loads
        ],
    }
