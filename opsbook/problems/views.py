"""Problem and action pages: the problem list (filters, counts), a problem (linked tickets,
frequency over twelve months, its 5 whys and root cause, its actions), raising one (from
tickets: ``?tickets=1,2,3``), the action list (overdue first) and an action (its measured
effect month by month). Staff only; customers get 404. Views are thin: the services check
permissions again and validate."""

import math
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.accounts.access import is_staff_member
from opsbook.catalog.models import Category
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import requires
from opsbook.metrics import registry
from opsbook.metrics.periods import org_tz

from . import access, effects, frequency, services
from .choices import OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES, ActionStatus, ProblemStatus
from .forms import (
    ActionForm,
    LinkForm,
    ProblemEditForm,
    ProblemForm,
    shown_text,
    unit_of,
)
from .models import Action, Problem

PAGE_SIZE = 50
MAX_PREFILL = 200  # tickets pre-linked from a ticket-list selection


def _hidden(user: Any) -> bool:
    return not is_staff_member(user)


staff_required = requires(access.can_view_problems, hidden=_hidden)
raiser_required = requires(access.can_raise_problems, hidden=_hidden)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            if name == "scope":
                name = "scope_code"
            if name == "whys":
                name = "why_1"
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _today() -> date:
    return clock.now().astimezone(org_tz()).date()


def _chosen(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.GET.get(name, "")[:50] for name in names}


def _query(chosen: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in chosen.items() if v)


@staff_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    everything = access.problems_for_user(request.user)
    chosen = _chosen(request, ("status", "category", "owner"))
    problems = everything
    if chosen["status"] == "open":
        problems = problems.filter(status__in=OPEN_PROBLEM_STATUSES)
    elif chosen["status"] in ProblemStatus.values:
        problems = problems.filter(status=chosen["status"])
    if chosen["category"].isdigit():
        problems = problems.filter(category_id=int(chosen["category"]))
    if chosen["owner"] == "me":
        problems = problems.filter(owner_id=request.user.pk)
    elif chosen["owner"].isdigit():
        problems = problems.filter(owner_id=int(chosen["owner"]))
    problems = (
        problems.select_related("category", "owner")
        .annotate(
            ticket_count=Count("links", distinct=True),
            open_actions=Count(
                "actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES), distinct=True
            ),
        )
        .order_by("-raised_at", "-pk")
    )
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    by_status = dict(
        everything.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = [(value, label, by_status.get(value, 0)) for value, label in ProblemStatus.choices]
    return render(
        request,
        "problems/list.html",
        {
            "page": page,
            "chosen": chosen,
            "query": _query(chosen),
            "counts": counts,
            "open_count": sum(by_status.get(s, 0) for s in OPEN_PROBLEM_STATUSES),
            "statuses": ProblemStatus.choices,
            "categories": Category.objects.filter(problems__isnull=False)
            .distinct()
            .order_by("name"),
            "owners": services.owner_choices(),
            "can_raise": access.can_raise_problems(request.user),
        },
    )


def _ids(text: str) -> list[int]:
    ids = []
    for part in text.replace("，", ",").split(","):
        part = part.strip().lstrip("#")
        if part.isdigit():
            ids.append(int(part))
    return list(dict.fromkeys(ids))[:MAX_PREFILL]


def _prefilled(request: HttpRequest, visible: Any, given: list[str]) -> tuple[ProblemForm, list]:
    """The new-problem form with ``given`` tickets (``1,2,3`` or repeated) pre-linked: only the
    tickets the user can see; others are silently left out."""
    tickets = list(visible.filter(pk__in=_ids(",".join(given))).order_by("pk"))
    initial: dict[str, Any] = {
        "tickets": ", ".join(str(t.pk) for t in tickets),
        "owner": request.user.pk,
    }
    if tickets:
        initial["title"] = tickets[0].title
    return ProblemForm(initial=initial), tickets


@raiser_required
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest) -> HttpResponse:
    visible = access.tickets_for_user(request.user)
    if request.method == "POST" and request.POST.get("prefill"):
        # The ticket list's "Raise a problem from selected" (its bulk form, so CSRF-checked):
        # show the form with the selected tickets, as ``?tickets=`` does.
        form, tickets = _prefilled(request, visible, request.POST.getlist("tickets"))
    elif request.method == "POST":
        form = ProblemForm(request.POST)
        if form.is_valid():
            try:
                problem = services.do_create_problem(
                    request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    category=form.cleaned_data["category"],
                    team=form.cleaned_data["team"],
                    owner=form.cleaned_data["owner"],
                    tickets=form.ticket_ids(),
                    now=clock.now(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Problem raised."))
                return redirect("problems:detail", problem.pk)
        tickets = list(visible.filter(pk__in=_ids(request.POST.get("tickets", ""))))
    else:
        form, tickets = _prefilled(request, visible, request.GET.getlist("tickets"))
    return render(request, "problems/new.html", {"form": form, "tickets": tickets})


def _bars(series: list[tuple[Any, int]]) -> list[dict[str, Any]]:
    """Bars of an SVG 120 wide and 40 high, one per month (attributes, not inline styles: the
    CSP allows none); a month with tickets is at least one unit high."""
    peak = max((n for _p, n in series), default=0)
    bars = []
    for i, (period, n) in enumerate(series):
        height = max(round(36 * n / peak), 1) if n else 0
        bars.append(
            {"period": period, "count": n, "x": i * 10 + 1, "y": 38 - height, "height": height}
        )
    return bars


def _problem_context(request: HttpRequest, problem: Problem, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    can_edit = access.can_edit_problem(request.user, problem)
    series = frequency.monthly(problem, now)
    today = now.astimezone(org_tz()).date()
    actions = list(problem.actions.select_related("owner").order_by("due", "pk"))
    return {
        "problem": problem,
        "tickets": access.linked_tickets_for_user(request.user, problem)
        .select_related("item", "customer")
        .order_by("-created_at"),
        "ticket_total": problem.links.count(),
        "series": _bars(series),
        "actions": [
            {
                "action": a,
                "overdue": a.status in OPEN_ACTION_STATUSES and a.due is not None and a.due < today,
            }
            for a in actions
        ],
        "items": problem.items.order_by("code"),
        "customers": problem.customers.order_by("name"),
        "can_edit": can_edit,
        "can_add_action": access.can_add_action(request.user, problem),
        "edit_form": extra.pop("edit_form", None)
        or (ProblemEditForm(initial=ProblemEditForm.initial_of(problem)) if can_edit else None),
        "link_form": extra.pop("link_form", None) or (LinkForm() if can_edit else None),
        "action_form": extra.pop("action_form", None)
        or (
            ActionForm(initial={"status": ActionStatus.PLANNED, "owner": problem.owner_id})
            if access.can_add_action(request.user, problem)
            else None
        ),
        **extra,
    }


@staff_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.get_problem_for_user(request.user, pk)
    return render(request, "problems/detail.html", _problem_context(request, problem))


def _edit_problem_or_404(request: HttpRequest, pk: int) -> Problem:
    problem = access.get_problem_for_user(request.user, pk)
    if not access.can_edit_problem(request.user, problem):
        raise PermissionDenied
    return problem


@staff_required
@require_POST
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _edit_problem_or_404(request, pk)
    form = ProblemEditForm(request.POST)
    if form.is_valid():
        try:
            services.do_update_problem(
                request.user,
                problem,
                form.changes(problem),
                version=form.cleaned_data["version"],
                now=clock.now(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Problem saved."))
            return redirect("problems:detail", problem.pk)
    context = _problem_context(request, problem, edit_form=form)
    return render(request, "problems/detail.html", context, status=400)


@staff_required
@require_POST
def problem_link(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _edit_problem_or_404(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            count = services.do_link_tickets(
                request.user, problem, form.ticket_ids(), now=clock.now()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(count)d tickets linked.") % {"count": count})
            return redirect("problems:detail", problem.pk)
    context = _problem_context(request, problem, link_form=form)
    return render(request, "problems/detail.html", context, status=400)


@staff_required
@require_POST
def problem_unlink(request: HttpRequest, pk: int, ticket: int) -> HttpResponse:
    problem = _edit_problem_or_404(request, pk)
    try:
        services.do_unlink_ticket(request.user, problem, ticket, now=clock.now())
    except ValidationError:
        raise Http404 from None
    messages.success(request, _("Ticket unlinked."))
    return redirect("problems:detail", problem.pk)


def _action_changes(form: ActionForm, action: Action | None) -> dict[str, Any]:
    values = form.values()
    if action is not None:
        # Numbers shown rounded and sent back unchanged are not changes.
        for name in ("expected_change", "baseline"):
            old, new = getattr(action, name), values[name]
            if old is not None and new is not None and math.isclose(old, new, rel_tol=1e-6):
                values.pop(name)
        if "baseline" in values and values["baseline"] is None and action.baseline is None:
            values.pop("baseline")
    return values


@staff_required
@require_POST
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.get_problem_for_user(request.user, pk)
    if not access.can_add_action(request.user, problem):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            action = services.do_create_action(
                request.user, problem=problem, **_action_changes(form, None), now=clock.now()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Action added."))
            return redirect("problems:action_detail", action.pk)
    context = _problem_context(request, problem, action_form=form)
    return render(request, "problems/detail.html", context, status=400)


@staff_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    chosen = _chosen(request, ("status", "owner", "mine"))
    actions = access.actions_for_user(request.user)
    if chosen["status"] == "open":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    elif chosen["status"] == "overdue":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES, due__lt=today)
    elif chosen["status"] in ActionStatus.values:
        actions = actions.filter(status=chosen["status"])
    if chosen["mine"] or chosen["owner"] == "me":
        actions = actions.filter(owner_id=request.user.pk)
    elif chosen["owner"].isdigit():
        actions = actions.filter(owner_id=int(chosen["owner"]))
    overdue_q = Q(status__in=OPEN_ACTION_STATUSES, due__lt=today)
    actions = (
        actions.select_related("owner", "problem")
        .annotate(is_overdue=Count("pk", filter=overdue_q))
        .order_by("-is_overdue", "due", "pk")
    )
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "problems/actions.html",
        {
            "page": page,
            "chosen": chosen,
            "query": _query(chosen),
            "statuses": ActionStatus.choices,
            "owners": services.owner_choices(),
            "overdue_count": access.actions_for_user(request.user).filter(overdue_q).count(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for_user(request.user, pk)
    can_edit = access.can_edit_action(request.user, action)
    form = None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ActionForm(request.POST)
        if form.is_valid():
            try:
                services.do_update_action(
                    request.user,
                    action,
                    _action_changes(form, action),
                    version=form.cleaned_data["version"],
                    now=clock.now(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Action saved."))
                return redirect("problems:action_detail", action.pk)
        status = 400
    elif can_edit:
        form = ActionForm(initial=ActionForm.initial_of(action))
    unit = unit_of(action.metric)
    metric = registry.get(action.metric) if action.metric else None
    today = _today()
    return render(
        request,
        "problems/action_detail.html",
        {
            "action": action,
            "metric": metric,
            "scope": "; ".join(
                f"{dict(registry.Dimension.choices).get(d, d)} {c}" for d, c in action.scope.items()
            )
            or _("Whole organisation"),
            "baseline": shown_text(action.baseline, unit),
            "expected": shown_text(action.expected_change, unit),
            "overdue": action.status in OPEN_ACTION_STATUSES
            and action.due is not None
            and action.due < today,
            "effects": [
                {
                    "effect": e,
                    "value": shown_text(e.value, unit),
                    "change": shown_text(e.change, unit),
                }
                for e in action.effects.order_by("-period")
            ],
            "measured_from": effects.start_month(action).next().code,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )
