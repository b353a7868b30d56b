""" "My work": one list of what needs a person (or a team), most urgent first.

Four kinds of work meet here, each read from its own app with one query for the rows and one
for the counts, whatever the number of rows:

* open tickets assigned to them, due at the nearest running SLA clock (response until the
  first response, then resolution); tickets without a clock come after the dated work;
* routine occurrences due today or overdue (open, assigned to them or among their owners);
* the current step of a procedure (SOP) that is theirs: named on the step, else the person the
  ticket or occurrence holding the procedure is assigned to;
* follow-up visits (回访) they owe.

"Overdue" is past its due time now; "today" is due before the end of today in the site's time
zone. The list is capped at ``LIMIT`` rows per kind (the counts are always complete).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsbook.accounts.models import Team, User
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Occurrence
from opsbook.sops.models import StepRun
from opsbook.tickets.choices import OPEN_STATUSES
from opsbook.tickets.models import FollowUpTask, Ticket

LIMIT = 200


class Kind(StrEnum):
    TICKET = "ticket"
    OCCURRENCE = "occurrence"
    STEP = "step"
    FOLLOW_UP = "follow_up"


KIND_LABELS = {
    Kind.TICKET: gettext_lazy("Tickets"),
    Kind.OCCURRENCE: gettext_lazy("Routine work"),
    Kind.STEP: gettext_lazy("Procedure steps"),
    Kind.FOLLOW_UP: gettext_lazy("Follow-up visits"),
}


class View(StrEnum):
    """The quick views above the list."""

    ALL = "all"
    OVERDUE = "overdue"
    TODAY = "today"
    TICKET = "ticket"
    OCCURRENCE = "occurrence"
    STEP = "step"
    FOLLOW_UP = "follow_up"


VIEW_LABELS = {
    View.ALL: gettext_lazy("Everything"),
    View.OVERDUE: gettext_lazy("Overdue"),
    View.TODAY: gettext_lazy("Due today"),
    **{View(k.value): label for k, label in KIND_LABELS.items()},
}


@dataclass(frozen=True)
class Scope:
    """Whose work: one person (``user``) or the teams listed (``teams``; None = every team)."""

    user: User | None = None
    teams: tuple[int, ...] | None = None

    @classmethod
    def of(cls, user: User) -> "Scope":
        return cls(user=user)

    @classmethod
    def of_teams(cls, teams: Iterable[Team] | None) -> "Scope":
        return cls(teams=None if teams is None else tuple(t.pk for t in teams))


@dataclass(frozen=True)
class Entry:
    kind: Kind
    title: str
    url: str
    due_at: datetime | None
    overdue: bool
    context: str = ""
    who: str = ""
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Counts:
    total: int = 0
    overdue: int = 0
    today: int = 0
    by_kind: dict[Kind, int] = field(default_factory=dict)

    def of(self, view: View) -> int:
        if view == View.ALL:
            return self.total
        if view == View.OVERDUE:
            return self.overdue
        if view == View.TODAY:
            return self.today
        return self.by_kind.get(Kind(view.value), 0)


@dataclass
class Work:
    entries: list[Entry]
    counts: Counts
    truncated: bool


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=local.tzinfo)


# --- the four sources -------------------------------------------------------------------------


def _ticket_due() -> Q:
    """Tickets whose nearest clock is set (response before the first response, resolution)."""
    return Q(first_response_at__isnull=True, response_due_at__isnull=False) | Q(
        resolution_due_at__isnull=False
    )


def tickets(scope: Scope) -> QuerySet[Ticket]:
    rows = Ticket.objects.filter(status__in=OPEN_STATUSES)
    if scope.user is not None:
        return rows.filter(assignee=scope.user)
    if scope.teams is not None:
        return rows.filter(team_id__in=scope.teams)
    return rows


def occurrences(scope: Scope, now: datetime) -> QuerySet[Occurrence]:
    rows = Occurrence.objects.filter(status=OccurrenceStatus.OPEN, due_at__lt=end_of_today(now))
    if scope.user is not None:
        owned = Occurrence.owners.through.objects.filter(
            occurrence_id=OuterRef("pk"), user_id=scope.user.pk
        )
        return rows.filter(Q(assignee=scope.user) | Exists(owned))
    if scope.teams is not None:
        return rows.filter(Q(team_id__in=scope.teams) | Q(assignee__team_id__in=scope.teams))
    return rows


def steps(scope: Scope) -> QuerySet[StepRun]:
    rows = StepRun.objects.filter(started_at__isnull=False, done_at__isnull=True)
    if scope.user is not None:
        user = scope.user
        return rows.filter(
            Q(step__responsible_user=user)
            | Q(step__responsible_user__isnull=True)
            & (Q(run__ticket__assignee=user) | Q(run__occurrence__assignee=user))
        )
    if scope.teams is not None:
        teams = scope.teams
        return rows.filter(
            Q(step__responsible_user__team_id__in=teams)
            | Q(run__ticket__team_id__in=teams)
            | Q(run__occurrence__team_id__in=teams)
        )
    return rows


def follow_ups(scope: Scope) -> QuerySet[FollowUpTask]:
    rows = FollowUpTask.objects.filter(done_at__isnull=True, cancelled_at__isnull=True)
    if scope.user is not None:
        return rows.filter(owner=scope.user)
    if scope.teams is not None:
        return rows.filter(Q(ticket__team_id__in=scope.teams) | Q(owner__team_id__in=scope.teams))
    return rows


# --- counting and listing ---------------------------------------------------------------------


def _count(rows: QuerySet, due: str, now: datetime, today_end: datetime) -> tuple[int, int, int]:
    totals = rows.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(**{f"{due}__lt": now})),
        today=Count("pk", filter=Q(**{f"{due}__gte": now, f"{due}__lt": today_end})),
    )
    return totals["total"], totals["overdue"], totals["today"]


def _ticket_counts(rows: QuerySet[Ticket], now: datetime, today_end: datetime):
    response = Q(first_response_at__isnull=True, response_due_at__isnull=False)
    overdue = (response & Q(response_due_at__lt=now)) | Q(resolution_due_at__lt=now)
    today = (
        (response & Q(response_due_at__lt=today_end)) | Q(resolution_due_at__lt=today_end)
    ) & ~overdue
    totals = rows.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=overdue), today=Count("pk", filter=today)
    )
    return totals["total"], totals["overdue"], totals["today"]


def ticket_due_at(ticket: Ticket) -> datetime | None:
    candidates = [ticket.resolution_due_at]
    if ticket.first_response_at is None:
        candidates.append(ticket.response_due_at)
    dated = [c for c in candidates if c is not None]
    return min(dated) if dated else None


def counts(scope: Scope, now: datetime) -> Counts:
    today_end = end_of_today(now)
    result = Counts()
    parts = {
        Kind.TICKET: _ticket_counts(tickets(scope), now, today_end),
        Kind.OCCURRENCE: _count(occurrences(scope, now), "due_at", now, today_end),
        Kind.STEP: _count(steps(scope), "due_at", now, today_end),
        Kind.FOLLOW_UP: _count(follow_ups(scope), "due_at", now, today_end),
    }
    for kind, (total, overdue, today) in parts.items():
        result.by_kind[kind] = total
        result.total += total
        result.overdue += overdue
        result.today += today
    return result


def _who(user: User | None) -> str:
    return user.label if user is not None else _("Unassigned")


def _ticket_entries(rows: QuerySet[Ticket], now: datetime) -> list[Entry]:
    rows = rows.select_related("customer", "assignee").order_by("resolution_due_at", "pk")
    entries = []
    for t in rows[:LIMIT]:
        due = ticket_due_at(t)
        entries.append(
            Entry(
                kind=Kind.TICKET,
                title=f"#{t.pk} {t.title}",
                url=reverse("tickets:detail", args=[t.pk]),
                due_at=due,
                overdue=due is not None and due < now,
                context=t.customer.name if t.customer is not None else "",
                who=_who(t.assignee),
                detail=t.get_status_display(),
            )
        )
    return entries


def _occurrence_entries(rows: QuerySet[Occurrence], now: datetime) -> list[Entry]:
    rows = rows.select_related("content__item", "assignee").order_by("due_at", "pk")
    return [
        Entry(
            kind=Kind.OCCURRENCE,
            title=o.content.name,
            url=reverse("routines:occurrence", args=[o.pk]),
            due_at=o.due_at,
            overdue=o.due_at < now,
            context=o.content.item.name,
            who=_who(o.assignee),
            detail=o.content.frequency_text,
        )
        for o in rows[:LIMIT]
    ]


def _step_entries(rows: QuerySet[StepRun], now: datetime) -> list[Entry]:
    rows = rows.select_related(
        "step__version__procedure",
        "step__responsible_user",
        "run__ticket__assignee",
        "run__occurrence__content",
        "run__occurrence__assignee",
    ).order_by("due_at", "pk")
    entries = []
    for s in rows[:LIMIT]:
        ticket = getattr(s.run, "ticket", None)
        occurrence = getattr(s.run, "occurrence", None)
        if ticket is not None:
            url, context = (
                reverse("tickets:detail", args=[ticket.pk]),
                f"#{ticket.pk} {ticket.title}",
            )
            holder = ticket.assignee
        elif occurrence is not None:
            url = reverse("routines:occurrence", args=[occurrence.pk])
            context, holder = occurrence.content.name, occurrence.assignee
        else:
            continue  # a run nobody holds any more (its ticket or occurrence was deleted)
        entries.append(
            Entry(
                kind=Kind.STEP,
                title=f"{s.step.position}. {s.step.name}",
                url=url,
                due_at=s.due_at,
                overdue=s.due_at is not None and s.due_at < now,
                context=context,
                who=_who(s.step.responsible_user or holder),
                detail=s.step.version.procedure.name,
            )
        )
    return entries


def _follow_up_entries(rows: QuerySet[FollowUpTask], now: datetime) -> list[Entry]:
    rows = rows.select_related("ticket__customer", "owner").order_by("due_at", "pk")
    return [
        Entry(
            kind=Kind.FOLLOW_UP,
            title=f"#{f.ticket_id} {f.ticket.title}",
            url=reverse("tickets:detail", args=[f.ticket_id]) + "#follow-up",
            due_at=f.due_at,
            overdue=f.due_at < now,
            context=f.ticket.customer.name if f.ticket.customer is not None else "",
            who=_who(f.owner),
            detail=f.get_reason_display() + (f" · {f.rating}★" if f.rating is not None else ""),
        )
        for f in rows[:LIMIT]
    ]


def urgency(entry: Entry) -> tuple:
    """Dated work first, soonest (most overdue) first; undated work last."""
    return (entry.due_at is None, entry.due_at or datetime.max.replace(tzinfo=UTC))


def work(scope: Scope, now: datetime, view: View = View.ALL) -> Work:
    """The list for ``scope`` in the quick view ``view``, and the counts of every view."""
    all_counts = counts(scope, now)
    today_end = end_of_today(now)
    kinds = [k for k in Kind if view in (View.ALL, View.OVERDUE, View.TODAY) or k.value == view]
    entries: list[Entry] = []
    if Kind.TICKET in kinds:
        entries += _ticket_entries(tickets(scope), now)
    if Kind.OCCURRENCE in kinds:
        entries += _occurrence_entries(occurrences(scope, now), now)
    if Kind.STEP in kinds:
        entries += _step_entries(steps(scope), now)
    if Kind.FOLLOW_UP in kinds:
        entries += _follow_up_entries(follow_ups(scope), now)
    if view == View.OVERDUE:
        entries = [e for e in entries if e.overdue]
    elif view == View.TODAY:
        entries = [e for e in entries if not e.overdue and e.due_at and e.due_at < today_end]
    entries.sort(key=urgency)
    truncated = any(all_counts.by_kind.get(k, 0) > LIMIT for k in kinds)
    return Work(entries=entries, counts=all_counts, truncated=truncated)
