"""Background jobs of the tickets app. Each claims its work in the database (a conditional
UPDATE), so any number of workers may run them at once without doing anything twice."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.tasks import task

from opsbook.core import clock
from opsbook.jobs.claims import claim_update
from opsbook.jobs.retry import idempotent
from opsbook.jobs.schedule import every
from opsbook.notify.choices import Audience, Event
from opsbook.notify.services import do_notify

from . import export, followups, notices, notifications, services, sla_store
from .choices import EventKind, ExportState, Status, TicketType
from .models import ExportJob, FollowUp, FollowUpTask, Ticket, TicketEvent
from .sla_policy import PolicyResolver

BATCH = 200
# Closing is one short transaction per ticket; a run closes at most this many.
CLOSE_LIMIT = 5000


def check_sla(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Recompute tickets whose warning or due moment has come; warn and escalate once each.

    Returns the number of tickets handled. A ticket is claimed by clearing its
    ``sla_next_check_at`` only if it still holds the value read, so two workers never warn
    twice; recomputing sets the next moment again.
    """
    now = now or clock.now()
    due = list(
        Ticket.objects.sla_due_for_check(now)
        .order_by("sla_next_check_at")
        .values_list("pk", "sla_next_check_at")[:limit]
    )
    resolver = PolicyResolver()
    return sum(check_one(pk, moment, now, resolver) for pk, moment in due)


def check_one(
    pk: int, moment: datetime, now: datetime, resolver: PolicyResolver | None = None
) -> bool:
    """Handle one ticket read as due at ``moment``; False when another worker claimed it
    first (its ``sla_next_check_at`` no longer holds ``moment``)."""
    with transaction.atomic():
        claimed = claim_update(
            Ticket.objects.filter(pk=pk, sla_next_check_at=moment), sla_next_check_at=None
        )
        if not claimed:
            return False
        ticket = Ticket.objects.select_for_update().get(pk=pk)
        running = sla_store.apply_sla(ticket, sla_store.status_history(ticket), now, resolver)
        _announce(ticket, running, now)
        ticket.sla_next_check_at = sla_store.next_check(ticket, running)
        ticket.save(update_fields=sla_store.SLA_FIELDS)
    return True


def _announce(ticket: Ticket, running: sla_store.Running, now: datetime) -> None:
    """Record and notify, once each, a running clock's warning share used up and its breach.

    A clock that is found breached and was never warned gets the breach notice only (its
    warning is marked as given, so no late warning follows)."""
    for which in ("response", "resolution"):
        if not running.get(which):
            continue
        warn_at = getattr(ticket, f"{which}_warn_at")
        if getattr(ticket, f"{which}_breached"):
            if getattr(ticket, f"{which}_breach_notified_at") is not None:
                continue
            level, field, kind = "breach", f"{which}_breach_notified_at", EventKind.SLA_BREACH
            if getattr(ticket, f"{which}_warned_at") is None:
                setattr(ticket, f"{which}_warned_at", now)
        elif warn_at and warn_at <= now and getattr(ticket, f"{which}_warned_at") is None:
            level, field, kind = "warning", f"{which}_warned_at", EventKind.SLA_WARNING
        else:
            continue
        setattr(ticket, field, now)
        due_at = getattr(ticket, f"{which}_due_at")
        event = TicketEvent.objects.create(
            ticket=ticket,
            kind=kind,
            at=now,
            data={"clock": which, "due_at": due_at.isoformat() if due_at else None},
        )
        notifications.sla(ticket, which, level, event, now)


def closable_tickets(now: datetime) -> QuerySet[Ticket]:
    """Resolved tickets past the reopen window, without complaints that still miss their root
    cause or follow-up visit (those wait, and do not hold up the others)."""
    cutoff = now - timedelta(days=settings.OPSBOOK_TICKET_REOPEN_DAYS)
    has_follow_up = Exists(FollowUp.objects.filter(ticket=OuterRef("pk")))
    blocked = Q(type=TicketType.COMPLAINT) & (Q(root_cause="") | ~Q(has_follow_up))
    return Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff).exclude(blocked)


def close_resolved_tickets(now: datetime | None = None) -> int:
    """Close tickets resolved longer ago than the reopen window (complaints still missing a
    root cause or follow-up visit stay resolved until someone records them)."""
    now = now or clock.now()
    closed = 0
    for pk in (
        closable_tickets(now)
        .order_by("resolved_at", "pk")
        .values_list("pk", flat=True)[:CLOSE_LIMIT]
    ):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.RESOLVED)
                .first()
            )
            if (
                ticket is None
                or ticket.closing_blockers()
                or not ticket.can_transition_to(Status.CLOSED, now)
            ):
                continue  # taken by another worker, reopened, or a root cause of spaces
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
def recompute_open_tickets_task(
    calendar_id: int | None = None, item_id: int | None = None, defaults: bool = False
) -> int:
    return sla_store.recompute_open_tickets(
        calendar_id=calendar_id, item_id=item_id, defaults=defaults
    )


# --- follow-up visits owed: reminders on the due day, escalation when overdue ------------------


def remind_follow_ups(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Tell each open follow-up's owner (the managers when it has none) on its due day, once:
    from the start of that day's business hours on the ticket's calendar. Claimed by setting
    ``reminded_at`` only where it is still empty. Returns how many were sent."""
    now = now or clock.now()
    calendars = followups.CalendarCache()
    sent = 0
    candidates = (
        FollowUpTask.objects.reminder_candidates(now)
        .select_related("ticket__sla_calendar", "ticket__team__lead", "owner")
        .order_by("due_at", "pk")[:limit]
    )
    for owed in candidates:
        if now < followups.day_start(owed, calendars.for_ticket(owed.ticket), calendars.tz):
            continue
        with transaction.atomic():
            if not claim_update(
                FollowUpTask.objects.open().filter(pk=owed.pk, reminded_at__isnull=True),
                reminded_at=now,
            ):
                continue
            owner = owed.owner if owed.owner is not None and owed.owner.is_active else None
            do_notify(
                Event.FOLLOWUP_DUE,
                key=f"followup:{owed.pk}:due",
                message=notices.follow_up_due(owed),
                link=followups.task_link(owed),
                # Nobody's visit waits in the managers' queue: they stand in for its owner.
                audiences={Audience.ASSIGNEE: [owner] if owner else followups.managers()},
                now=now,
            )
            sent += 1
    return sent


def escalate_follow_ups(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Tell the team lead (the managers when there is none, or the lead owns it) once about
    each follow-up past its due time. Claimed through ``escalated_at``. Returns how many."""
    now = now or clock.now()
    sent = 0
    overdue = (
        FollowUpTask.objects.due_for_escalation(now)
        .select_related("ticket__sla_calendar", "ticket__team__lead", "owner")
        .order_by("due_at", "pk")[:limit]
    )
    for owed in overdue:
        with transaction.atomic():
            if not claim_update(
                FollowUpTask.objects.overdue(now).filter(pk=owed.pk, escalated_at__isnull=True),
                escalated_at=now,
            ):
                continue
            do_notify(
                Event.FOLLOWUP_OVERDUE,
                key=f"followup:{owed.pk}:overdue",
                message=notices.follow_up_overdue(owed),
                link=followups.task_link(owed),
                audiences=followups.escalation_audiences(owed.ticket, besides=owed.owner),
                now=now,
            )
            sent += 1
    return sent


# Each reminder and escalation is claimed in the database: safe to run again after a failure.
@every(minutes=5)
@idempotent(max_attempts=3, backoff=60)
@task()
def follow_ups_task() -> int:
    now = clock.now()
    return remind_follow_ups(now) + escalate_follow_ups(now)


# --- ticket exports too large to download at once (export.py) ----------------------------------


def export_tickets(job_id: str, now: datetime | None = None) -> bool:
    """Write one queued export; False when another worker claimed it first (or it is gone).
    A failure is recorded on the export (its page says so) and raised for the task's record."""
    now = now or clock.now()
    if not claim_update(
        ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED),
        state=ExportState.RUNNING,
        started_at=now,
    ):
        return False
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    try:
        export.run_job(job)
    except Exception as exc:
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportState.FAILED, error=str(exc)[:1000], finished_at=clock.now()
        )
        raise
    return True


def delete_expired_exports(now: datetime | None = None, *, limit: int = 500) -> int:
    """Delete the files of exports past their expiry (and give up on any still unfinished
    then); the row stays, marked expired. Claimed by the state change. Returns how many."""
    now = now or clock.now()
    expired = 0
    due = (
        ExportJob.objects.filter(expires_at__lte=now)
        .exclude(state=ExportState.EXPIRED)
        .order_by("expires_at")
        .values_list("pk", "state", "file")[:limit]
    )
    for pk, state, name in due:
        if not claim_update(
            ExportJob.objects.filter(pk=pk, state=state), state=ExportState.EXPIRED, file=""
        ):
            continue
        if name:
            default_storage.delete(name)
        expired += 1
    return expired


@task()
def export_tickets_task(job_id: str) -> bool:
    return export_tickets(job_id)


@every(hours=1)
@task()
def delete_expired_exports_task() -> int:
    return delete_expired_exports()
