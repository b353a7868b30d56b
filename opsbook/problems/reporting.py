"""What the monthly report reads about problems and improvement actions.

Pure reads, each a fixed number of queries whatever the number of problems or actions. Every
function takes a ``Period`` (``opsbook.metrics.periods``) and a scope in the metrics dimension
codes (see ``scoping``). "Tickets of a problem" are its linked tickets in the scope, counted
by when they were created (in the organisation's zone, as periods are).

* ``problem_lines``: problems with linked tickets created in the period, or open during it,
  most frequent first, with the count of the period before.
* ``action_lines``: actions open at the period's start, or created or closed in it; an action
  created before the period is "carried over"; "overdue" is as of the period's end; its effect
  is the latest monthly verdict measured for a month up to the period's last month.
* ``proposals``: problems with linked tickets in the period and no open action (planned or in
  progress): candidates for new actions.
* ``complaint_causes``: complaints created in the period grouped by the cause category of
  their problem ("unclassified" when none), with the complaints' root-cause notes as examples.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from opsbook.metrics.periods import Period
from opsbook.tickets.choices import TicketType
from opsbook.tickets.models import Ticket

from . import scoping
from .choices import OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES, CauseCategory
from .models import Action, ActionEffect, Problem, ProblemTicket

UNCLASSIFIED = "unclassified"
MAX_EXAMPLES = 3


@dataclass
class ProblemLine:
    problem: Problem
    count: int  # linked tickets created in the period
    previous: int  # ... in the period before
    change: int


@dataclass
class ActionLine:
    action: Action
    carried_over: bool
    overdue: bool
    effect: ActionEffect | None


@dataclass
class Proposal:
    problem: Problem
    count: int


@dataclass
class CauseLine:
    cause_category: str
    label: str
    complaints: int
    examples: list[str] = field(default_factory=list)


def _linked_count(period: Period, scope: Mapping[str, str]) -> Coalesce:
    """The number of the problem's linked tickets in the scope created in the period."""
    tickets = Ticket.objects.filter(
        scoping.tickets_q(scope),
        created_at__gte=period.start_at(),
        created_at__lt=period.end_at(),
    ).values("pk")
    counts = (
        ProblemTicket.objects.filter(problem=OuterRef("pk"), ticket__in=tickets)
        .order_by()
        .values("problem")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _open_during(period: Period) -> Q:
    """Raised before the period ended and not resolved before it started."""
    return Q(raised_at__lt=period.end_at()) & (
        Q(resolved_at__isnull=True, status__in=OPEN_PROBLEM_STATUSES)
        | Q(resolved_at__gte=period.start_at())
    )


def problem_lines(
    period: Period, scope: Mapping[str, str], *, limit: int = 10
) -> list[ProblemLine]:
    problems = (
        Problem.objects.filter(scoping.problems_q(scope))
        .annotate(
            period_count=_linked_count(period, scope),
            previous_count=_linked_count(period.previous(), scope),
        )
        .filter(Q(period_count__gt=0) | _open_during(period))
        .select_related("category", "owner", "team")
        .order_by("-period_count", "-previous_count", "-raised_at", "-pk")[: max(limit, 0)]
    )
    return [
        ProblemLine(
            problem=p,
            count=p.period_count,
            previous=p.previous_count,
            change=p.period_count - p.previous_count,
        )
        for p in problems
    ]


def _last_month_code(period: Period) -> str:
    return f"{period.last_day:%Y-%m}"


def action_lines(period: Period, scope: Mapping[str, str]) -> list[ActionLine]:
    start, end = period.start_at(), period.end_at()
    effects = ActionEffect.objects.filter(period__lte=_last_month_code(period)).order_by("period")
    actions = (
        Action.objects.filter(scoping.actions_q(scope))
        .filter(created_at__lt=end)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=start))
        # A closed action without a closing instant (written by hand) is out of every period.
        .exclude(Q(done_at__isnull=True) & ~Q(status__in=OPEN_ACTION_STATUSES))
        .select_related("problem", "owner")
        .prefetch_related(Prefetch("effects", queryset=effects, to_attr="effects_so_far"))
        .order_by("due", "pk")
    )
    lines = []
    for action in actions:
        open_at_end = action.done_at is None or action.done_at >= end
        lines.append(
            ActionLine(
                action=action,
                carried_over=action.created_at < start,
                overdue=bool(action.due and action.due < period.end and open_at_end),
                effect=action.effects_so_far[-1] if action.effects_so_far else None,
            )
        )
    # Overdue first, then carried over, then by due date (the query's order).
    lines.sort(key=lambda line: (not line.overdue, not line.carried_over))
    return lines


def proposals(period: Period, scope: Mapping[str, str]) -> list[Proposal]:
    open_actions = Action.objects.filter(problem=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES)
    problems = (
        Problem.objects.filter(scoping.problems_q(scope))
        .annotate(period_count=_linked_count(period, scope))
        .filter(period_count__gt=0)
        .exclude(Exists(open_actions))
        .select_related("category", "owner")
        .order_by("-period_count", "-raised_at", "-pk")
    )
    return [Proposal(problem=p, count=p.period_count) for p in problems]


def complaint_causes(period: Period, scope: Mapping[str, str]) -> list[CauseLine]:
    cause = (
        ProblemTicket.objects.filter(ticket=OuterRef("pk"))
        .exclude(problem__cause_category="")
        .order_by("problem_id")
        .values("problem__cause_category")[:1]
    )
    rows = (
        Ticket.objects.filter(
            scoping.tickets_q(scope),
            type=TicketType.COMPLAINT,
            created_at__gte=period.start_at(),
            created_at__lt=period.end_at(),
        )
        .annotate(cause=Subquery(cause))
        .order_by("created_at", "pk")
        .values_list("cause", "root_cause")
    )
    lines: dict[str, CauseLine] = {}
    labels = dict(CauseCategory.choices)
    for cause_code, root_cause in rows:
        code = cause_code or UNCLASSIFIED
        line = lines.get(code)
        if line is None:
            label = labels.get(code, _("Unclassified"))
            line = lines[code] = CauseLine(code, str(label), 0, [])
        line.complaints += 1
        text = " ".join((root_cause or "").split())
        if text and text not in line.examples and len(line.examples) < MAX_EXAMPLES:
            line.examples.append(text)
    # Most complaints first; "unclassified" last among equals.
    return sorted(lines.values(), key=lambda c: (-c.complaints, c.cause_category == UNCLASSIFIED))
