"""Goal pages: the list (filters, stored status, SMART warnings), a goal (its chart, checkpoints
and SMART findings, computed live), creating and editing (managers), adding checkpoints
(managers) and checkpoint notes (the owner or a manager). Staff only; customers get 404."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.accounts.access import is_staff_member
from opsbook.core import clock
from opsbook.core.permissions import requires
from opsbook.metrics import periods, registry

from . import access, forecast, progress, services, smart
from .choices import GoalSource, GoalStatus
from .forms import CheckpointForm, GoalForm, NoteForm
from .models import Goal, GoalCheckpoint
from .spec import GoalSpec


def _hidden(user: Any) -> bool:
    return not is_staff_member(user)


staff_required = requires(access.can_view_goals, hidden=_hidden)
manager_required = requires(access.can_manage_goals, hidden=_hidden)
PAGE_SIZE = 50


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            if name == "scope":
                name = "scope_code"
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _known() -> dict[str, registry.Metric]:
    """Every metric by key, read once per page (manual ones come from the database)."""
    return {m.key: m for m in registry.metrics()}


def _scope_text(scope: dict[str, str]) -> str:
    labels = dict(registry.Dimension.choices)
    return "; ".join(f"{labels.get(d, d)} {c}" for d, c in scope.items()) or _("Whole organisation")


@staff_required
@require_GET
def goal_list(request: HttpRequest) -> HttpResponse:
    goals = (
        access.goals_for_user(request.user)
        .select_related("owner", "kpi__item")
        .prefetch_related(
            Prefetch("checkpoints", queryset=GoalCheckpoint.objects.only("goal", "date"))
        )
        .order_by("deadline", "pk")
    )
    chosen = {
        "owner": request.GET.get("owner", ""),
        "status": request.GET.get("status", ""),
        "metric": request.GET.get("metric", ""),
        "source": request.GET.get("source", ""),
    }
    if chosen["owner"] == "me":
        goals = goals.filter(owner_id=request.user.pk)
    elif chosen["owner"].isdigit():
        goals = goals.filter(owner_id=int(chosen["owner"]))
    if chosen["status"] in GoalStatus.values:
        goals = goals.filter(status=chosen["status"])
    if chosen["metric"]:
        goals = goals.filter(metric=chosen["metric"])
    if chosen["source"] == GoalSource.KPI:
        goals = goals.filter(kpi__isnull=False)
    elif chosen["source"] == GoalSource.GOAL:
        goals = goals.filter(kpi__isnull=True)
    page = Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page"))
    known = _known()
    names = {key: str(m.name) for key, m in known.items()}
    rows = []
    for goal in page:
        findings = smart.check(
            smart.Facts.of(goal, checkpoints=[c.date for c in goal.checkpoints.all()], known=known)
        )
        unit = progress.unit_of(goal.metric, known)
        rows.append(
            {
                "goal": goal,
                "metric_name": names.get(goal.metric, goal.metric),
                "scope": _scope_text(goal.scope),
                "target": progress.shown(goal.target, unit),
                "current": progress.shown(goal.current_value, unit),
                "progress": None if goal.progress is None else round(goal.progress * 100),
                "findings": findings,
                "worst": smart.worst(findings),
            }
        )
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(
        request,
        "goals/list.html",
        {
            "rows": rows,
            "page": page,
            "chosen": chosen,
            "query": query,
            "statuses": GoalStatus.choices,
            "metrics": sorted(names.items(), key=lambda kv: kv[0]),
            "owners": services.owner_choices(),
            "sources": GoalSource.choices,
            "can_manage": access.can_manage_goals(request.user),
        },
    )


@manager_required
@require_POST
def goal_refresh(request: HttpRequest) -> HttpResponse:
    count = services.refresh_goals(clock.now())
    messages.success(request, _("%(count)d goals evaluated from their metrics.") % {"count": count})
    return redirect("goals:list")


def _chart(goal: Goal, evaluation: progress.Evaluation, unit: str) -> dict[str, Any]:
    months = [m.period for m in evaluation.months]
    if goal.deadline is not None:
        last = periods.month(goal.deadline.year, goal.deadline.month)
        while months and months[-1] < last and len(months) < progress.MAX_MONTHS:
            months.append(months[-1].next())
        if not months:
            months = [last]
    values = {m.period: m.value for m in evaluation.months}
    expected = {
        (c.checkpoint.date.year, c.checkpoint.date.month): c.checkpoint.expected
        for c in evaluation.checkpoints
    }
    trend: list[float | None] = []
    for period in months:
        x = forecast.month_number(period.start)
        if evaluation.trend is None or period < (evaluation.current_period or period):
            trend.append(None)
        else:
            intercept, slope = evaluation.trend
            trend.append(progress.to_shown(intercept + slope * x, unit))
    return {
        "months": [p.code for p in months],
        "actual": [progress.to_shown(values.get(p), unit) for p in months],
        "target": [progress.to_shown(goal.target, unit) for _p in months],
        "forecast": trend,
        "checkpoints": [
            progress.to_shown(expected.get((p.start.year, p.start.month)), unit) for p in months
        ],
        "unit": progress.SHOWN_UNIT.get(unit, ""),  # type: ignore[call-overload]
        "labels": {
            "actual": _("Actual (monthly)"),
            "target": _("Target"),
            "forecast": _("Trend to the deadline"),
            "checkpoints": _("Checkpoints (expected)"),
        },
    }


@staff_required
@require_GET
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = clock.now()
    goal = access.get_goal_for_user(request.user, pk)
    checkpoints = list(goal.checkpoints.select_related("noted_by"))
    evaluation = progress.evaluate(goal, checkpoints, now)
    findings = smart.check(
        smart.Facts.of(goal, checkpoints=[c.date for c in checkpoints], history=evaluation.history)
    )
    unit = progress.unit_of(goal.metric)
    metric = registry.get(goal.metric) if goal.metric else None
    can_note = access.can_note_checkpoint(request.user, goal)
    return render(
        request,
        "goals/detail.html",
        {
            "goal": goal,
            "metric": metric,
            "scope": _scope_text(goal.scope),
            "evaluation": evaluation,
            "shown": {
                "baseline": progress.shown(goal.baseline, unit),
                "target": progress.shown(goal.target, unit),
                "current": progress.shown(evaluation.current, unit),
                "forecast": progress.shown(evaluation.forecast, unit),
            },
            "progress": None if evaluation.progress is None else round(evaluation.progress * 100),
            "checkpoint_rows": [
                {
                    "checkpoint": row.checkpoint,
                    "expected": progress.shown(row.checkpoint.expected, unit),
                    "actual": progress.shown(row.actual, unit),
                    "met": row.met,
                    "after_deadline": goal.deadline is not None
                    and row.checkpoint.date > goal.deadline,
                }
                for row in evaluation.checkpoints
            ],
            "findings": findings,
            "status_label": GoalStatus(evaluation.status).label,
            "month_rows": [
                {"period": m.period, "value": progress.shown(m.value, unit), "partial": m.partial}
                for m in evaluation.months
            ],
            "chart": _chart(goal, evaluation, unit),
            "can_edit": access.can_edit_goal(request.user, goal),
            "can_note": can_note,
            "checkpoint_form": CheckpointForm()
            if access.can_edit_goal(request.user, goal)
            else None,
            "kpi_url": reverse("catalog:item", args=[goal.kpi.item_id]) if goal.kpi else "",
            "now": now,
        },
    )


@manager_required
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest) -> HttpResponse:
    form = GoalForm(request.POST or None, initial={"direction": "at_least"})
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.do_create_goal(request.user, form.spec(), now=clock.now())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("goals:detail", goal.pk)
    return render(request, "goals/form.html", {"form": form, "goal": None})


@manager_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.get_goal_for_user(request.user, pk)
    if goal.is_from_checklist:
        messages.info(request, _("This goal is a KPI of the service checklist: change it there."))
        return redirect("catalog:item", goal.kpi.item_id)  # type: ignore[union-attr]
    form = GoalForm(request.POST or None, initial=GoalForm.initial_of(GoalSpec.of(goal)))
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        changes = {
            name: value
            for name, value in vars(spec).items()
            if name != "baseline"
            or form.cleaned_data["baseline"] is not None
            or not spec.baseline_period
        }
        try:
            services.do_update_goal(request.user, goal, changes, now=clock.now())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("goals:detail", goal.pk)
    return render(request, "goals/form.html", {"form": form, "goal": goal})


@manager_required
@require_POST
def checkpoint_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.get_goal_for_user(request.user, pk)
    if not access.can_edit_goal(request.user, goal):
        raise Http404
    form = CheckpointForm(request.POST)
    unit = progress.unit_of(goal.metric)
    if form.is_valid():
        try:
            services.do_add_checkpoint(
                request.user,
                goal,
                day=form.cleaned_data["date"],
                expected=progress.from_shown(form.cleaned_data["expected"], unit),  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
                now=clock.now(),
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Checkpoint added."))
    else:
        for name, problems in form.errors.items():
            for problem in problems:
                label = form.fields[name].label if name in form.fields else ""
                messages.error(request, f"{label}: {problem}" if label else str(problem))
    return redirect("goals:detail", goal.pk)


@staff_required
@require_POST
def checkpoint_note(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        checkpoint = GoalCheckpoint.objects.select_related("goal").get(
            pk=pk, goal__in=access.goals_for_user(request.user)
        )
    except GoalCheckpoint.DoesNotExist:
        raise Http404 from None
    if not access.can_note_checkpoint(request.user, checkpoint.goal):
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.do_note_checkpoint(
                request.user, checkpoint, form.cleaned_data["note"], now=clock.now()
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Note saved."))
    else:
        messages.error(request, _("The note is too long."))
    return redirect("goals:detail", checkpoint.goal_id)
