"""Background jobs of the tickets app. Each claims its work in the database (a conditional
UPDATE), so any number of workers may run them at once without doing anything twice."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from opsbook.jobs.schedule import every

from . import notifications, services
from .choices import EventKind, Status, TicketType
from .models import Ticket, TicketEvent

BATCH = 200


def check_sla(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Recompute tickets whose warning or due moment has come; warn and escalate once each.

    Returns the number of tickets handled. A ticket is claimed by clearing its
    ``sla_next_check_at`` only if it still holds the value read, so two workers never warn
    twice; recomputing sets the next moment again.
    """
    now = now or timezone.now()
    due = list(
        Ticket.objects.sla_due_for_check(now)
        .order_by("sla_next_check_at")
        .values_list("pk", "sla_next_check_at")[:limit]
    )
    handled = 0
    resolver = services.PolicyResolver()
    for pk, moment in due:
        with transaction.atomic():
            if not Ticket.objects.filter(pk=pk, sla_next_check_at=moment).update(
                sla_next_check_at=None
            ):
                continue  # another worker has it
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            services.recompute_sla(ticket, now, resolver)
            _announce(ticket, now)
            handled += 1
    return handled


def _announce(ticket: Ticket, now: datetime) -> None:
    """Record and notify crossed warning shares and breaches not yet announced."""
    marks = []
    for clock in ("response", "resolution"):
        if ticket.status not in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS):
            continue
        if clock == "response" and ticket.first_response_at is not None:
            continue
        due_at = getattr(ticket, f"{clock}_due_at")
        warn_at = getattr(ticket, f"{clock}_warn_at")
        if due_at and due_at <= now and getattr(ticket, f"{clock}_breach_notified_at") is None:
            marks.append((clock, "breach", f"{clock}_breach_notified_at", EventKind.SLA_BREACH))
            if getattr(ticket, f"{clock}_warned_at") is None:
                setattr(ticket, f"{clock}_warned_at", now)  # no late warning after the breach
        elif warn_at and warn_at <= now and getattr(ticket, f"{clock}_warned_at") is None:
            marks.append((clock, "warning", f"{clock}_warned_at", EventKind.SLA_WARNING))
    if not marks:
        return
    for clock, level, field, kind in marks:
        setattr(ticket, field, now)
        TicketEvent.objects.create(
            ticket=ticket,
            kind=kind,
            at=now,
            data={"clock": clock, "due_at": getattr(ticket, f"{clock}_due_at").isoformat()},
        )
        notifications.on_commit_sla(ticket, clock, level)
    services.apply_sla(ticket, services.status_history(ticket), now)
    ticket.save(update_fields=services.SLA_FIELDS)


def close_resolved_tickets(now: datetime | None = None) -> int:
    """Close tickets resolved longer ago than the reopen window (complaints still missing a
    root cause or follow-up visit stay resolved until someone records them)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OPSBOOK_TICKET_REOPEN_DAYS)
    closed = 0
    candidates = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
    for pk in candidates.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.RESOLVED)
                .first()
            )
            if ticket is None or (
                ticket.type == TicketType.COMPLAINT and ticket.closing_blockers()
            ):
                continue
            services.system_close(ticket, now)
            closed += 1
    return closed


@every(minutes=1)
@task()
def check_sla_task() -> int:
    return check_sla()


@every(hours=1)
@task()
def close_resolved_tickets_task() -> int:
    return close_resolved_tickets()


@task()
def recompute_open_tickets_task(calendar_id: int | None = None, item_id: int | None = None) -> int:
    return services.recompute_open_tickets(calendar_id=calendar_id, item_id=item_id)
