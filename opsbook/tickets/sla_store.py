"""The SLA clocks stored on tickets: a ticket's status history, measured by ``sla.compute``
against the policy ``sla_policy`` chooses, written to the ticket's SLA columns (due and warning
times, counted seconds, breaches, the next moment the SLA job must look at it).

``apply_sla`` sets the columns on one ticket without saving; ``recompute_sla`` and
``recompute_many`` store them for one ticket or a batch; ``recompute_open_tickets`` is the
batch job run after a calendar or a service standard changed. The writes of ``services`` call
``recompute_sla`` inside their transaction; the SLA job (``jobs.check_one``) and the ticket
import call ``apply_sla``.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from opsbook.calendars.models import Calendar
from opsbook.core import clock

from .choices import EventKind
from .models import Ticket, TicketEvent
from .sla import ONE_SECOND, compute
from .sla_policy import PolicyResolver

History = list[tuple[datetime, str]]
# (id, at, kind, from_status, to_status) of a creation or status event.
HistoryRow = tuple[int, datetime, str, str, str]
# Which clocks run now: {"response": bool, "resolution": bool}.
Running = dict[str, bool]

CLOCKS = ("response", "resolution")
HISTORY_KINDS = (EventKind.CREATED, EventKind.STATUS)
SLA_FIELDS = [
    "sla_standard",
    "sla_default",
    "sla_calendar",
    "sla_calendar_version",
    "sla_time_basis",
    "sla_computed_at",
    "response_target_seconds",
    "resolution_target_seconds",
    "response_due_at",
    "resolution_due_at",
    "response_warn_at",
    "resolution_warn_at",
    "response_business_seconds",
    "resolution_business_seconds",
    "paused_business_seconds",
    "response_breached",
    "resolution_breached",
    "calendar_incomplete",
    "sla_next_check_at",
    "response_warned_at",
    "resolution_warned_at",
    "response_breach_notified_at",
    "resolution_breach_notified_at",
]
NO_CLOCKS: dict[str, Any] = {
    "response_target_seconds": None,
    "resolution_target_seconds": None,
    "response_due_at": None,
    "resolution_due_at": None,
    "response_warn_at": None,
    "resolution_warn_at": None,
    "response_business_seconds": None,
    "resolution_business_seconds": None,
    "paused_business_seconds": 0,
    "response_breached": False,
    "resolution_breached": False,
    "calendar_incomplete": False,
}


# --- the status history the clocks are computed from -------------------------------------------


def history_from_events(created_at: datetime, rows: Iterable[HistoryRow]) -> History:
    """The ``(at, status)`` history ``sla.compute`` reads, from ``(id, at, kind, from_status,
    to_status)`` rows of one ticket's creation and status events.

    Ordered by time (the creation first when a change carries the same instant, then by id);
    a history without its creation event (an import that only had the changes) starts with the
    status the first change left, held from creation.
    """
    ordered = sorted(rows, key=lambda r: (r[1], r[2] != EventKind.CREATED, r[0]))
    changes = [(at, to_status) for _id, at, _kind, _from, to_status in ordered if to_status]
    if ordered and ordered[0][2] != EventKind.CREATED and ordered[0][3]:
        changes.insert(0, (created_at, ordered[0][3]))
    return changes


def _history_events(events: QuerySet[TicketEvent]) -> QuerySet[TicketEvent]:
    return events.filter(kind__in=HISTORY_KINDS).exclude(to_status="")


def status_history(ticket: Ticket) -> History:
    rows = _history_events(ticket.events.all()).values_list(
        "id", "at", "kind", "from_status", "to_status"
    )
    return history_from_events(ticket.created_at, rows)


def status_histories(tickets: Iterable[Ticket]) -> dict[int, History]:
    """``status_history`` of many tickets in one query (by ticket id)."""
    tickets = list(tickets)
    rows: dict[int, list[HistoryRow]] = {t.pk: [] for t in tickets}
    events = _history_events(TicketEvent.objects.filter(ticket_id__in=list(rows)))
    for ticket_id, pk, at, kind, from_status, to_status in events.values_list(
        "ticket_id", "id", "at", "kind", "from_status", "to_status"
    ):
        rows[ticket_id].append((pk, at, kind, from_status, to_status))
    return {t.pk: history_from_events(t.created_at, rows[t.pk]) for t in tickets}


# --- the clocks as columns ---------------------------------------------------------------------


def sla_values(
    ticket: Ticket,
    changes: Sequence[tuple[datetime, str]],
    now: datetime,
    resolver: PolicyResolver | None = None,
) -> tuple[dict[str, Any], Running]:
    """The stored SLA columns for ``ticket`` as of ``now`` (to assign, not saved), and which
    clocks are running."""
    resolver = resolver or PolicyResolver()
    choice = resolver.choose(
        ticket.item_id, ticket.content_id, ticket.channel, ticket.priority, ticket.type
    )
    values = {
        "sla_standard": choice.standard,
        "sla_default": choice.default,
        "sla_calendar": choice.calendar,
        "sla_calendar_version": choice.calendar.version if choice.calendar else None,
        "sla_time_basis": choice.time_basis,
        "sla_computed_at": now,
    }
    if choice.policy is None:
        return values | NO_CLOCKS, {}
    result = compute(
        choice.policy,
        created_at=ticket.created_at,
        changes=changes,
        first_response_at=ticket.first_response_at,
        now=now,
    )
    r, s = result.response, result.resolution
    values |= {
        "response_target_seconds": choice.policy.response_seconds,
        "resolution_target_seconds": choice.policy.resolution_seconds,
        "response_due_at": r.due_at,
        "resolution_due_at": s.due_at,
        "response_warn_at": r.warn_at,
        "resolution_warn_at": s.warn_at,
        "response_business_seconds": r.elapsed,
        "resolution_business_seconds": s.elapsed,
        "paused_business_seconds": result.paused_seconds,
        "response_breached": r.breached,
        "resolution_breached": s.breached,
        "calendar_incomplete": result.calendar_incomplete,
    }
    return values, {"response": r.running, "resolution": s.running}


def next_check(ticket: Ticket, running: Running) -> datetime | None:
    """The earliest warning or breach moment not yet acted on, for the SLA job: a running
    clock's warning instant, and the first second after its due time (on time until then)."""
    moments = []
    for which in CLOCKS:
        if not running.get(which):
            continue
        warn_at = getattr(ticket, f"{which}_warn_at")
        due_at = getattr(ticket, f"{which}_due_at")
        if warn_at and getattr(ticket, f"{which}_warned_at") is None:
            moments.append(warn_at)
        if due_at and getattr(ticket, f"{which}_breach_notified_at") is None:
            moments.append(due_at + ONE_SECOND)
    return min(moments) if moments else None


def apply_sla(
    ticket: Ticket,
    changes: Sequence[tuple[datetime, str]],
    now: datetime,
    resolver: PolicyResolver | None = None,
) -> Running:
    """Set the SLA columns on ``ticket`` (not saved), including the next check moment, and
    return which clocks are running (``{"response": bool, "resolution": bool}``).

    Warning and breach markers are cleared when a recomputation moves the moment they
    marked into the future again (e.g. a holiday added to the calendar), so the warning is
    given again at the right time.
    """
    values, running = sla_values(ticket, changes, now, resolver)
    for name, value in values.items():
        setattr(ticket, name, value)
    for which in CLOCKS:
        warn_at = getattr(ticket, f"{which}_warn_at")
        if warn_at is None or warn_at > now:
            setattr(ticket, f"{which}_warned_at", None)
        if not getattr(ticket, f"{which}_breached"):
            setattr(ticket, f"{which}_breach_notified_at", None)
    ticket.sla_next_check_at = next_check(ticket, running)
    return running


# --- storing them ------------------------------------------------------------------------------


def recompute_sla(
    ticket: Ticket, now: datetime | None = None, resolver: PolicyResolver | None = None
) -> Ticket:
    """Rebuild the clocks of one ticket from its history and store them."""
    apply_sla(ticket, status_history(ticket), clock.or_now(now), resolver)
    ticket.save(update_fields=SLA_FIELDS)
    return ticket


def recompute_many(
    tickets: Sequence[Ticket], now: datetime, resolver: PolicyResolver | None = None
) -> None:
    """``recompute_sla`` for a batch: one query for the histories, one bulk update."""
    resolver = resolver or PolicyResolver()
    histories = status_histories(tickets)
    for ticket in tickets:
        apply_sla(ticket, histories[ticket.pk], now, resolver)
    Ticket.objects.bulk_update(tickets, SLA_FIELDS)


def recompute_open_tickets(
    *,
    calendar_id: int | None = None,
    item_id: int | None = None,
    defaults: bool = False,
    batch: int = 500,
    now: datetime | None = None,
) -> int:
    """Recompute the stored clocks of open tickets (after a calendar, a standard or the
    default targets changed).

    With ``calendar_id``, the tickets measured on that calendar, plus, when it is the default
    calendar, those whose standard names no calendar and those measured by a default target
    (they may have been measured on the previous default, or on none); with ``item_id``, the
    tickets of that service item; with ``defaults``, the tickets no standard measures.
    Each batch is its own transaction with a fixed number of queries (the histories in one,
    the results in one bulk update); returns the number of tickets recomputed.
    """
    tickets = Ticket.objects.open()
    if calendar_id is not None:
        scope = Q(sla_calendar_id=calendar_id)
        if Calendar.objects.filter(pk=calendar_id, is_default=True).exists():
            scope |= Q(sla_standard__isnull=False, sla_standard__calendar__isnull=True)
            scope |= Q(sla_default__isnull=False)
        tickets = tickets.filter(scope)
    if defaults:
        tickets = tickets.filter(sla_standard__isnull=True)
    if item_id is not None:
        tickets = tickets.filter(item_id=item_id)
    ids = list(tickets.order_by("pk").values_list("pk", flat=True))
    resolver = PolicyResolver()
    now = clock.or_now(now)
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            locked = list(
                Ticket.objects.select_for_update()
                .filter(pk__in=ids[start : start + batch])
                .order_by("pk")
            )
            recompute_many(locked, now, resolver)
    return len(ids)
