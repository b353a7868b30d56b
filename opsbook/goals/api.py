"""The goals API, mounted at /api/goals/: list (filters, paged), detail (with the live
evaluation, monthly actuals and SMART findings), create and update (managers), checkpoints
(managers add; the owner or a manager writes notes). Values are in the metric's unit (shares
0–1, business seconds), as in /api/metrics/. Staff only: customers get 403 before any lookup.
Goals mirrored from the checklist are read-only here (422 on a change)."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.accounts.models import User
from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors, invalid
from opsbook.core.permissions import api_guard, require
from opsbook.metrics import registry
from opsbook.metrics.registry import Metric

from . import access, progress, services, smart
from .choices import GoalSource, GoalStatus
from .models import Goal, GoalCheckpoint
from .spec import GoalSpec

router = Router(tags=["goals"])
router.add_decorator(
    api_guard(access.can_view_goals, lambda: _("Goals are for staff only.")), mode="operation"
)
READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 422: ValidationErrors}

Direction = Literal["at_least", "at_most"]


class GoalCheckpointIn(Schema):
    date: date
    expected: float
    note: str = Field("", max_length=2000)


class GoalNoteIn(Schema):
    note: str = Field("", max_length=2000)


class GoalIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    metric: str = Field("", max_length=80, description="A key of /api/metrics/; empty: none yet.")
    scope: dict[str, str] = Field(
        default_factory=dict, description='A dimension filter, e.g. {"item": "A01"}.'
    )
    baseline: float | None = Field(
        None, description="Without it, a baseline_period's value is read from the metric."
    )
    baseline_period: str = Field("", max_length=30, description="2026-09, 2026-Q3, 2026 …")
    target: float | None = None
    direction: Direction = "at_least"
    start: date | None = Field(None, description="Default: today.")
    deadline: date | None = None
    owner_id: Id | None = None
    checkpoints: list[GoalCheckpointIn] = Field(default_factory=list, max_length=60)


class GoalPatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    metric: str | None = Field(None, max_length=80)
    scope: dict[str, str] | None = None
    baseline: float | None = None
    baseline_period: str | None = Field(None, max_length=30)
    target: float | None = None
    direction: Direction | None = None
    start: date | None = None
    deadline: date | None = None
    owner_id: Id | None = None


class GoalFindingOut(Schema):
    code: str
    severity: Literal["error", "warning", "info"]
    message: str


class GoalCheckpointOut(Schema):
    id: int
    date: date
    expected: float
    actual: float | None = Field(None, description="The month's value once the date is past.")
    met: bool | None = None
    note: str
    noted_by_id: int | None
    noted_at: datetime | None


class GoalOut(Schema):
    id: int
    title: str
    description: str
    metric: str
    scope: dict[str, str]
    baseline: float | None
    baseline_period: str
    target: float | None
    direction: Direction
    start: date
    deadline: date | None
    owner_id: int | None
    source: Literal["goal", "kpi"]
    kpi_id: int | None
    status: GoalStatus
    current_value: float | None
    progress: float | None = Field(description="0–1 of the way from baseline to target.")
    forecast: float | None
    evaluated_at: datetime | None
    smart: list[GoalFindingOut]


class GoalMonthOut(Schema):
    period: str
    value: float | None
    partial: bool


class GoalDetailOut(GoalOut):
    checkpoints: list[GoalCheckpointOut]
    months: list[GoalMonthOut]
    current_period: str | None


def _out(
    goal: Goal,
    checkpoints: list[GoalCheckpoint],
    history: Sequence[float] = (),
    known: Mapping[str, Metric] | None = None,
) -> dict:
    findings = smart.check(
        smart.Facts.of(
            goal, checkpoints=[c.date for c in checkpoints], history=history, known=known
        )
    )
    return {
        "id": goal.pk,
        "title": goal.title,
        "description": goal.description,
        "metric": goal.metric,
        "scope": goal.scope,
        "baseline": goal.baseline,
        "baseline_period": goal.baseline_period,
        "target": goal.target,
        "direction": goal.direction,
        "start": goal.start,
        "deadline": goal.deadline,
        "owner_id": goal.owner_id,
        "source": goal.source,
        "kpi_id": goal.kpi_id,
        "status": goal.status,
        "current_value": goal.current_value,
        "progress": goal.progress,
        "forecast": goal.forecast,
        "evaluated_at": goal.evaluated_at,
        "smart": [f.as_json() for f in findings],
    }


def _detail(request: HttpRequest, pk: int) -> dict:
    """The goal evaluated now (nothing is written: the list's stored evaluation is refreshed by
    writes and the hourly job)."""
    goal = access.get_goal_for_user(request.user, pk)
    checkpoints = list(goal.checkpoints.all())
    now = clock.now()
    evaluation = progress.evaluate(goal, checkpoints, now)
    data = _out(goal, checkpoints, evaluation.history)
    data |= {
        "status": evaluation.status,
        "current_value": evaluation.current,
        "progress": evaluation.progress,
        "forecast": evaluation.forecast,
        "evaluated_at": now,
    }
    data["checkpoints"] = [
        {
            "id": row.checkpoint.pk,
            "date": row.checkpoint.date,
            "expected": row.checkpoint.expected,
            "actual": row.actual,
            "met": row.met,
            "note": row.checkpoint.note,
            "noted_by_id": row.checkpoint.noted_by_id,
            "noted_at": row.checkpoint.noted_at,
        }
        for row in evaluation.checkpoints
    ]
    data["months"] = [
        {"period": m.period.code, "value": m.value, "partial": m.partial} for m in evaluation.months
    ]
    data["current_period"] = evaluation.current_period.code if evaluation.current_period else None
    return data


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id).first()
    if owner is None:
        raise invalid(["body", "payload", "owner_id"], _("No such person."))
    return owner


def _manager(request: HttpRequest) -> None:
    require(access.can_manage_goals(request.user), _("Only managers set and change goals."))


class _GoalPage:
    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        known = {m.key: m for m in registry.metrics()}
        return [_out(g, list(g.checkpoints.all()), known=known) for g in self.queryset[window]]

    def count(self) -> int:
        return int(self.queryset.count())


@router.get("/", response={200: list[GoalOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_goals(
    request: HttpRequest,
    owner_id: Id | None = None,
    status: GoalStatus | None = None,
    metric: str | None = None,
    source: GoalSource | None = None,
):
    """Goals by deadline, with their stored evaluation and SMART findings."""
    goals = access.goals_for_user(request.user).prefetch_related("checkpoints")
    if owner_id is not None:
        goals = goals.filter(owner_id=owner_id)
    if status is not None:
        goals = goals.filter(status=status)
    if metric:
        goals = goals.filter(metric=metric)
    if source is not None:
        goals = goals.filter(kpi__isnull=source == GoalSource.GOAL)
    return _GoalPage(goals.order_by("deadline", "pk"))


@router.get("/{goal_id}", response={200: GoalDetailOut, **READ_ERRORS})
def get_goal(request: HttpRequest, goal_id: Id):
    """One goal evaluated now: status, current value, forecast, monthly actuals, checkpoints."""
    return _detail(request, goal_id)


@router.post("/", response={201: GoalDetailOut, **WRITE_ERRORS})
def create_goal(request: HttpRequest, payload: GoalIn):
    """A new goal (managers); it is evaluated at once."""
    _manager(request)
    spec = GoalSpec(
        title=payload.title,
        description=payload.description,
        metric=payload.metric,
        scope=payload.scope,
        baseline=payload.baseline,
        baseline_period=payload.baseline_period,
        target=payload.target,
        direction=payload.direction,
        start=payload.start,
        deadline=payload.deadline,
        owner=_owner(payload.owner_id),
    )
    with as_field_errors():
        goal = services.do_create_goal(
            request.user,
            spec,
            checkpoints=[(c.date, c.expected, c.note) for c in payload.checkpoints],
            now=clock.now(),
            source="api",
        )
    return HttpStatus(201, _detail(request, goal.pk))


@router.patch("/{goal_id}", response={200: GoalDetailOut, **WRITE_ERRORS})
def update_goal(request: HttpRequest, goal_id: Id, payload: GoalPatch):
    """Change the fields sent (managers). A baseline_period sent without a baseline reads the
    baseline from the metric."""
    goal = access.get_goal_for_user(request.user, goal_id)
    _manager(request)
    sent = payload.model_fields_set
    changes: dict[str, Any] = {}
    for name in sent:
        value = getattr(payload, name)
        if name == "owner_id":
            changes["owner"] = _owner(value)
        elif (
            name in ("title", "description", "metric", "baseline_period", "direction")
            and value is None
        ):
            raise invalid(["body", "payload", name], _("This field cannot be null."))
        elif name == "scope" and value is None:
            changes["scope"] = {}
        else:
            changes[name] = value
    with as_field_errors():
        services.do_update_goal(request.user, goal, changes, now=clock.now(), source="api")
    return _detail(request, goal.pk)


@router.post("/{goal_id}/checkpoints", response={201: GoalDetailOut, **WRITE_ERRORS})
def add_checkpoint(request: HttpRequest, goal_id: Id, payload: GoalCheckpointIn):
    """A checkpoint: a date and the value expected by then (managers)."""
    goal = access.get_goal_for_user(request.user, goal_id)
    _manager(request)
    with as_field_errors():
        services.do_add_checkpoint(
            request.user,
            goal,
            day=payload.date,
            expected=payload.expected,
            note=payload.note,
            now=clock.now(),
            source="api",
        )
    return HttpStatus(201, _detail(request, goal.pk))


@router.patch(
    "/{goal_id}/checkpoints/{checkpoint_id}", response={200: GoalDetailOut, **WRITE_ERRORS}
)
def note_checkpoint(request: HttpRequest, goal_id: Id, checkpoint_id: Id, payload: GoalNoteIn):
    """What happened by the checkpoint (the goal's owner or a manager)."""
    goal = access.get_goal_for_user(request.user, goal_id)
    checkpoint = GoalCheckpoint.objects.filter(pk=checkpoint_id, goal=goal).first()
    if checkpoint is None:
        raise Http404
    require(
        access.can_note_checkpoint(request.user, goal),
        _("Only the goal's owner or a manager writes checkpoint notes."),
    )
    with as_field_errors():
        services.do_note_checkpoint(
            request.user, checkpoint, payload.note, now=clock.now(), source="api"
        )
    return _detail(request, goal.pk)
