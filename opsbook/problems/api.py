"""The problems API, mounted at /api/problems/: problems (list with filters, paged; create from
tickets; get; update with the version read; link and unlink tickets), improvement actions
(list, create, get, update with the version read) and their monthly effects. Staff read; writes
follow ``access.py`` (403); tickets the caller cannot see are "not found" (422 naming
``ticket_ids``). Customers get 403 before any lookup. 409 when the version sent is stale. Metric
values are in the metric's unit (shares 0–1, business seconds), as in /api/metrics/."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.models import Category, ServiceItem
from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors, invalid
from opsbook.core.permissions import api_guard, require
from opsbook.metrics.periods import org_tz

from . import access, services
from .choices import (
    OPEN_ACTION_STATUSES,
    OPEN_PROBLEM_STATUSES,
    ActionStatus,
    CauseCategory,
    Effect,
    ProblemSource,
    ProblemStatus,
)
from .models import Action, ActionEffect, Problem

router = Router(tags=["problems"])
router.add_decorator(
    api_guard(access.can_view_problems, lambda: _("Problems are for staff only.")),
    mode="operation",
)
READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Message, 422: ValidationErrors}
RENAME = {
    "tickets": "ticket_ids",
    "owner": "owner_id",
    "category": "category_id",
    "team": "team_id",
    "items": "item_ids",
    "customers": "customer_ids",
    "problem": "problem_id",
}


# --- schemas ---------------------------------------------------------------------------------


class ProblemIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    ticket_ids: list[Id] = Field(default_factory=list, max_length=500)
    category_id: Id | None = None
    team_id: Id | None = None
    owner_id: Id | None = Field(None, description="Default: the caller (when not a manager: must).")
    item_ids: list[Id] = Field(default_factory=list, max_length=200)
    customer_ids: list[Id] = Field(default_factory=list, max_length=200)
    whys: list[str] = Field(default_factory=list, max_length=10)
    root_cause: str = Field("", max_length=5000)
    cause_category: CauseCategory | None = None


class ProblemPatch(Schema):
    version: int = Field(description="The version read; 409 when someone saved since.")
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    status: ProblemStatus | None = None
    category_id: Id | None = None
    team_id: Id | None = None
    owner_id: Id | None = None
    item_ids: list[Id] | None = Field(None, max_length=200)
    customer_ids: list[Id] | None = Field(None, max_length=200)
    whys: list[str] | None = Field(None, max_length=10)
    root_cause: str | None = Field(None, max_length=5000)
    cause_category: CauseCategory | None = Field(None, description='Send "" to clear.')


class TicketLinksIn(Schema):
    ticket_ids: list[Id] = Field(min_length=1, max_length=500)


class ProblemOut(Schema):
    id: int
    title: str
    description: str
    status: ProblemStatus
    source: ProblemSource
    category_id: int | None
    team_id: int | None
    owner_id: int | None
    item_ids: list[int]
    customer_ids: list[int]
    ticket_ids: list[int] = Field(description="The linked tickets the caller may see.")
    ticket_count: int = Field(description="Every linked ticket, seen or not.")
    whys: list[str]
    root_cause: str
    cause_category: str
    raised_at: datetime
    raised_by_id: int | None
    resolved_at: datetime | None
    updated_at: datetime
    version: int


class ActionIn(Schema):
    title: str = Field(max_length=200)
    problem_id: Id | None = None
    description: str = Field("", max_length=5000)
    owner_id: Id | None = None
    due: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    metric: str = Field("", max_length=80, description="A key of /api/metrics/.")
    scope: dict[str, str] = Field(default_factory=dict, description='e.g. {"item": "A01"}')
    expected_change: float | None = Field(
        None, description="Signed, in the metric's unit: -0.05 for five points fewer."
    )
    baseline: float | None = Field(
        None, description="Without it, the metric's value in the month before the action."
    )
    proposed_in: str = Field("", max_length=20, description="The report period, e.g. 2026-11.")


class ActionPatch(Schema):
    version: int = Field(description="The version read; 409 when someone saved since.")
    title: str | None = Field(None, max_length=200)
    problem_id: Id | None = None
    description: str | None = Field(None, max_length=5000)
    owner_id: Id | None = None
    due: date | None = None
    status: ActionStatus | None = None
    metric: str | None = Field(None, max_length=80)
    scope: dict[str, str] | None = None
    expected_change: float | None = None
    baseline: float | None = Field(None, description="null: read it from the metric again.")
    proposed_in: str | None = Field(None, max_length=20)


class ActionEffectOut(Schema):
    period: str
    value: float | None
    baseline: float | None
    change: float | None
    verdict: Effect
    measured_at: datetime


class ActionOut(Schema):
    id: int
    problem_id: int | None
    title: str
    description: str
    owner_id: int | None
    due: date | None
    status: ActionStatus
    overdue: bool
    metric: str
    scope: dict[str, str]
    expected_change: float | None
    baseline: float | None
    baseline_period: str
    effect: str = Field(description="The latest monthly verdict; empty before any.")
    proposed_in: str
    created_at: datetime
    done_at: datetime | None
    updated_at: datetime
    version: int


class ActionDetailOut(ActionOut):
    effects: list[ActionEffectOut]


# --- helpers ---------------------------------------------------------------------------------


def _problem_out(problem: Problem, visible_ids: set[int] | None = None) -> dict[str, Any]:
    linked = [link.ticket_id for link in problem.links.all()]
    return {
        "id": problem.pk,
        "title": problem.title,
        "description": problem.description,
        "status": problem.status,
        "source": problem.source,
        "category_id": problem.category_id,
        "team_id": problem.team_id,
        "owner_id": problem.owner_id,
        "item_ids": sorted(i.pk for i in problem.items.all()),
        "customer_ids": sorted(c.pk for c in problem.customers.all()),
        "ticket_ids": sorted(t for t in linked if visible_ids is None or t in visible_ids),
        "ticket_count": len(linked),
        "whys": problem.whys,
        "root_cause": problem.root_cause,
        "cause_category": problem.cause_category,
        "raised_at": problem.raised_at,
        "raised_by_id": problem.raised_by_id,
        "resolved_at": problem.resolved_at,
        "updated_at": problem.updated_at,
        "version": problem.version,
    }


def _with_relations(queryset: Any) -> Any:
    return queryset.prefetch_related("links", "items", "customers")


def _visible_ids(request: HttpRequest, problems: list[Problem]) -> set[int]:
    ids = {link.ticket_id for p in problems for link in p.links.all()}
    return set(
        access.tickets_for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def _problem_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    problem = _with_relations(access.problems_for_user(request.user)).get(pk=pk)
    return _problem_out(problem, _visible_ids(request, [problem]))


def _today() -> date:
    return clock.now().astimezone(org_tz()).date()


def _action_out(action: Action, today: date) -> dict[str, Any]:
    return {
        "id": action.pk,
        "problem_id": action.problem_id,
        "title": action.title,
        "description": action.description,
        "owner_id": action.owner_id,
        "due": action.due,
        "status": action.status,
        "overdue": action.status in OPEN_ACTION_STATUSES
        and action.due is not None
        and action.due < today,
        "metric": action.metric,
        "scope": action.scope,
        "expected_change": action.expected_change,
        "baseline": action.baseline,
        "baseline_period": action.baseline_period,
        "effect": action.effect,
        "proposed_in": action.proposed_in,
        "created_at": action.created_at,
        "done_at": action.done_at,
        "updated_at": action.updated_at,
        "version": action.version,
    }


def _action_detail(action: Action) -> dict[str, Any]:
    data = _action_out(action, _today())
    data["effects"] = [
        {
            "period": e.period,
            "value": e.value,
            "baseline": e.baseline,
            "change": e.change,
            "verdict": e.verdict,
            "measured_at": e.measured_at,
        }
        for e in ActionEffect.objects.filter(action=action).order_by("period")
    ]
    return data


def _one(model: Any, pk: int | None, name: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise invalid(["body", "payload", name], _("Not found."))
    return found


def _many(model: Any, pks: list[int], name: str) -> list:
    found = list(model._default_manager.filter(pk__in=pks))
    if len(found) != len(set(pks)):
        raise invalid(["body", "payload", name], _("Not found."))
    return found


def _problem_for_action(request: HttpRequest, pk: int | None) -> Problem | None:
    if pk is None:
        return None
    problem = access.problems_for_user(request.user).filter(pk=pk).first()
    if problem is None:
        raise invalid(["body", "payload", "problem_id"], _("Not found."))
    return problem


class _Page:
    """A page of rows turned into output dicts with a fixed number of queries."""

    def __init__(self, queryset: Any, render: Any) -> None:
        self.queryset = queryset
        self.render = render

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return self.render(list(self.queryset[window]))

    def count(self) -> int:
        return int(self.queryset.count())


# --- problems --------------------------------------------------------------------------------


@router.get("/", response={200: list[ProblemOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_problems(
    request: HttpRequest,
    status: ProblemStatus | None = None,
    open: bool | None = None,
    category_id: Id | None = None,
    owner_id: Id | None = None,
    ticket_id: Id | None = None,
):
    """Problems, newest first. ``open=true``: not resolved or closed."""
    problems = access.problems_for_user(request.user)
    if status is not None:
        problems = problems.filter(status=status)
    if open is not None:
        problems = (problems.filter if open else problems.exclude)(status__in=OPEN_PROBLEM_STATUSES)
    if category_id is not None:
        problems = problems.filter(category_id=category_id)
    if owner_id is not None:
        problems = problems.filter(owner_id=owner_id)
    if ticket_id is not None:
        problems = problems.filter(links__ticket_id=ticket_id)

    def render(rows: list[Problem]) -> list[dict[str, Any]]:
        visible = _visible_ids(request, rows)
        return [_problem_out(p, visible) for p in rows]

    return _Page(_with_relations(problems.order_by("-raised_at", "-pk")), render)


@router.get("/actions", response={200: list[ActionOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_actions(
    request: HttpRequest,
    status: ActionStatus | None = None,
    owner_id: Id | None = None,
    problem_id: Id | None = None,
    overdue: bool | None = None,
):
    """Improvement actions by due date."""
    actions = access.actions_for_user(request.user)
    if status is not None:
        actions = actions.filter(status=status)
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    if problem_id is not None:
        actions = actions.filter(problem_id=problem_id)
    today = _today()
    if overdue is not None:
        late = {"status__in": OPEN_ACTION_STATUSES, "due__lt": today}
        actions = actions.filter(**late) if overdue else actions.exclude(**late)
    return _Page(actions.order_by("due", "pk"), lambda rows: [_action_out(a, today) for a in rows])


@router.get("/actions/{action_id}", response={200: ActionDetailOut, **READ_ERRORS})
def get_action(request: HttpRequest, action_id: Id):
    """One action with its monthly effects."""
    return _action_detail(access.get_action_for_user(request.user, action_id))


@router.get("/actions/{action_id}/effects", response={200: list[ActionEffectOut], **READ_ERRORS})
def list_effects(request: HttpRequest, action_id: Id):
    """The action's metric measured month by month against its baseline, with the verdict."""
    return _action_detail(access.get_action_for_user(request.user, action_id))["effects"]


@router.post("/actions", response={201: ActionDetailOut, **WRITE_ERRORS})
def create_action(request: HttpRequest, payload: ActionIn):
    """A new action (managers; agents for a problem they own)."""
    problem = _problem_for_action(request, payload.problem_id)
    require(
        access.can_add_action(request.user, problem),
        _("Only managers, or the problem's owner, add actions."),
    )
    with as_field_errors(rename=RENAME):
        action = services.do_create_action(
            request.user,
            title=payload.title,
            problem=problem,
            description=payload.description,
            owner=_one(User, payload.owner_id, "owner_id"),
            due=payload.due,
            status=payload.status,
            metric=payload.metric,
            scope=payload.scope,
            expected_change=payload.expected_change,
            baseline=payload.baseline,
            proposed_in=payload.proposed_in,
            now=clock.now(),
            origin="api",
        )
    return HttpStatus(201, _action_detail(action))


@router.patch("/actions/{action_id}", response={200: ActionDetailOut, **WRITE_ERRORS})
def update_action(request: HttpRequest, action_id: Id, payload: ActionPatch):
    """Change the fields sent (the action's owner, its problem's owner or a manager)."""
    action = access.get_action_for_user(request.user, action_id)
    require(access.can_edit_action(request.user, action), _("You cannot change this action."))
    changes: dict[str, Any] = {}
    for name in payload.model_fields_set - {"version"}:
        value = getattr(payload, name)
        if name == "owner_id":
            changes["owner"] = _one(User, value, name)
        elif name == "problem_id":
            changes["problem"] = _problem_for_action(request, value)
        elif name in ("title", "description", "metric", "status", "proposed_in") and value is None:
            raise invalid(["body", "payload", name], _("This field cannot be null."))
        else:
            changes[name] = value
    with as_field_errors(rename=RENAME):
        action = services.do_update_action(
            request.user, action, changes, version=payload.version, now=clock.now(), origin="api"
        )
    return _action_detail(action)


@router.get("/{problem_id}", response={200: ProblemOut, **READ_ERRORS})
def get_problem(request: HttpRequest, problem_id: Id):
    """One problem; its linked tickets as far as the caller may see them."""
    access.get_problem_for_user(request.user, problem_id)
    return _problem_detail(request, problem_id)


@router.post("/", response={201: ProblemOut, **WRITE_ERRORS})
def create_problem(request: HttpRequest, payload: ProblemIn):
    """Raise a problem (staff other than viewers), from tickets the caller can see or by hand.
    A complaint among the tickets makes its source "complaint"."""
    require(access.can_raise_problems(request.user), _("Your role does not allow this."))
    with as_field_errors(rename=RENAME):
        problem = services.do_create_problem(
            request.user,
            title=payload.title,
            description=payload.description,
            tickets=payload.ticket_ids,
            category=_one(Category, payload.category_id, "category_id"),
            team=_one(Team, payload.team_id, "team_id"),
            owner=_one(User, payload.owner_id, "owner_id"),
            items=_many(ServiceItem, payload.item_ids, "item_ids"),
            customers=_many(Customer, payload.customer_ids, "customer_ids"),
            whys=payload.whys,
            root_cause=payload.root_cause,
            cause_category=payload.cause_category or "",
            now=clock.now(),
            origin="api",
        )
    return HttpStatus(201, _problem_detail(request, problem.pk))


@router.patch("/{problem_id}", response={200: ProblemOut, **WRITE_ERRORS})
def update_problem(request: HttpRequest, problem_id: Id, payload: ProblemPatch):
    """Change the fields sent: the analysis (whys, root cause, cause category), status (resolving
    stamps resolved_at), owner and the rest. The problem's owner or a manager."""
    problem = access.get_problem_for_user(request.user, problem_id)
    require(access.can_edit_problem(request.user, problem), _("You cannot change this problem."))
    changes: dict[str, Any] = {}
    lookups = {
        "category_id": ("category", Category),
        "team_id": ("team", Team),
        "owner_id": ("owner", User),
    }
    for name in payload.model_fields_set - {"version"}:
        value = getattr(payload, name)
        if name in lookups:
            field, model = lookups[name]
            changes[field] = _one(model, value, name)
        elif name == "item_ids":
            changes["items"] = _many(ServiceItem, value or [], name)
        elif name == "customer_ids":
            changes["customers"] = _many(Customer, value or [], name)
        elif name == "cause_category":
            changes[name] = value or ""
        elif value is None and name in ("title", "description", "status", "root_cause", "whys"):
            raise invalid(["body", "payload", name], _("This field cannot be null."))
        else:
            changes[name] = value
    with as_field_errors(rename=RENAME):
        services.do_update_problem(
            request.user, problem, changes, version=payload.version, now=clock.now(), origin="api"
        )
    return _problem_detail(request, problem.pk)


@router.post("/{problem_id}/tickets", response={200: ProblemOut, **WRITE_ERRORS})
def link_tickets(request: HttpRequest, problem_id: Id, payload: TicketLinksIn):
    """Link tickets the caller can see (already linked ones are skipped)."""
    problem = access.get_problem_for_user(request.user, problem_id)
    require(access.can_edit_problem(request.user, problem), _("You cannot change this problem."))
    with as_field_errors(rename=RENAME):
        services.do_link_tickets(
            request.user, problem, payload.ticket_ids, now=clock.now(), origin="api"
        )
    return _problem_detail(request, problem.pk)


@router.delete("/{problem_id}/tickets/{ticket_id}", response={200: ProblemOut, **WRITE_ERRORS})
def unlink_ticket(request: HttpRequest, problem_id: Id, ticket_id: Id):
    """Unlink one ticket (one the caller can see)."""
    problem = access.get_problem_for_user(request.user, problem_id)
    require(access.can_edit_problem(request.user, problem), _("You cannot change this problem."))
    with as_field_errors(prefix=("path",), rename={"tickets": "ticket_id"}):
        services.do_unlink_ticket(request.user, problem, ticket_id, now=clock.now(), origin="api")
    return _problem_detail(request, problem.pk)
