"""Moving tickets through their status machine (``models.TRANSITIONS``): by staff
(``do_change_status`` and its verbs), and closing by the scheduler (``system_close``)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.core import clock

from .. import followups, notifications
from ..choices import AutoRule, EventKind, Status
from ..models import REOPEN_FROM, Ticket
from ..sla_store import recompute_sla
from .common import Actor, AnyUser, bump, lock_ticket, record_event, require_worker, save

STATUS_FIELDS = [
    "status",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "reopened_count",
]


def check_transition(ticket: Ticket, to_status: str, now: datetime) -> None:
    """ValidationError unless ``ticket`` may move to ``to_status`` now."""
    if to_status not in Status.values:
        raise ValidationError({"status": _("Unknown status %r.") % to_status})
    if not ticket.can_transition_to(to_status, now):
        if ticket.status in REOPEN_FROM and to_status == Status.IN_PROGRESS:
            raise ValidationError(
                {
                    "status": _(
                        "This ticket can no longer be reopened: the %(days)s-day window after "
                        "resolution has passed. Open a new ticket instead."
                    )
                    % {"days": settings.OPSBOOK_TICKET_REOPEN_DAYS}
                }
            )
        raise ValidationError(
            {
                "status": _("A ticket that is %(current)s cannot become %(new)s.")
                % {
                    "current": Status(ticket.status).label,
                    "new": Status(to_status).label,
                }
            }
        )
    if to_status == Status.CLOSED:
        blockers = ticket.closing_blockers()
        if blockers:
            raise ValidationError({"status": blockers})


def set_status(
    ticket: Ticket, to_status: str, actor: Actor, now: datetime, note: str = "", rule: str = ""
) -> None:
    """Move a locked ticket to ``to_status`` (no save); raises ValidationError when not allowed.
    ``rule``: the system moved it by itself (see ``record_event``)."""
    check_transition(ticket, to_status, now)
    previous = ticket.status
    if previous in REOPEN_FROM and to_status == Status.IN_PROGRESS:
        ticket.reopened_count += 1
        ticket.resolved_at = ticket.closed_at = None
    if to_status == Status.ACKNOWLEDGED and ticket.acknowledged_at is None:
        ticket.acknowledged_at = now
    if to_status == Status.RESOLVED:
        ticket.resolved_at = now
    if to_status == Status.CLOSED:
        ticket.closed_at = now
    if to_status == Status.CANCELLED:
        ticket.cancelled_at = now
    ticket.status = to_status
    # Follow-up visits owed: resolving owes one, reopening cancels it (followups.py).
    followups.after_status_change(ticket, previous, to_status, now)
    data = {"note": note} if note else {}
    record_event(
        ticket,
        EventKind.STATUS,
        actor,
        now,
        public=True,
        from_status=previous,
        to_status=to_status,
        rule=rule,
        **data,
    )


@transaction.atomic
def do_change_status(
    actor: AnyUser,
    ticket: Ticket,
    to_status: str,
    *,
    expected_version: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket through its status machine (see models.TRANSITIONS)."""
    require_worker(actor, ticket)
    ticket = lock_ticket(ticket, expected_version)
    now = clock.or_now(now)
    if ticket.status == to_status:
        return ticket
    set_status(ticket, to_status, actor, now, note)
    bump(ticket, now)
    save(ticket, STATUS_FIELDS)
    recompute_sla(ticket, now)
    notifications.status_changed(ticket, to_status, actor, now)
    return ticket


def acknowledge(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.ACKNOWLEDGED, **kw)


def start(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.IN_PROGRESS, **kw)


def wait_on_customer(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.WAITING, **kw)


def resume(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.IN_PROGRESS, **kw)


def resolve(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.RESOLVED, **kw)


def close(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.CLOSED, **kw)


def reopen(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.IN_PROGRESS, **kw)


def cancel(actor: AnyUser, ticket: Ticket, **kw: Any) -> Ticket:
    return do_change_status(actor, ticket, Status.CANCELLED, **kw)


def system_close(ticket: Ticket, now: datetime) -> None:
    """Close a resolved ticket whose reopen window has passed (by the scheduler, no actor).

    Called by ``jobs.close_resolved_tickets`` inside its transaction, with the ticket locked.
    The rating link stays valid for its own SATISFACTION_LINK_DAYS: closed tickets are rated
    too, and closing after the reopen window must not take the customer's say away."""
    set_status(ticket, Status.CLOSED, None, now, note="auto", rule=AutoRule.AUTO_CLOSE)
    bump(ticket, now)
    save(ticket, STATUS_FIELDS)
