"""What customers think: follow-up visits by staff (回访, required to close a complaint), the
customer's satisfaction rating, given by a contact or through a one-time link, and managers'
corrections of a closed complaint's record (its root cause and follow-up visits are read-only
once it is closed; a correction keeps the original in its timeline event, with who, when and
why)."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.core import clock

from .. import access, followups, satisfaction
from ..choices import Correctable, EventKind, FollowUpMethod, Status
from ..models import FollowUp, SatisfactionRequest, Ticket
from .common import (
    Actor,
    AnyUser,
    bump,
    final_record_message,
    lock_ticket,
    record_event,
    require_worker,
    save,
)

# A follow-up stamped a little ahead of the server's clock (a phone's clock) is accepted.
CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def do_add_follow_up(
    actor: AnyUser,
    ticket: Ticket,
    *,
    method: str,
    outcome: str,
    customer_satisfied: bool | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """Record a follow-up visit: how, what the customer said, and whether they were satisfied
    (``at``: when it took place, ``now`` by default)."""
    worker = require_worker(actor, ticket)
    if ticket.record_is_final:
        raise ValidationError({"outcome": final_record_message()})
    if method not in FollowUpMethod.values:
        raise ValidationError({"method": _("Unknown follow-up method %r.") % method})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write down what the customer said.")})
    now = clock.or_now(now)
    at = at or now
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": _("A follow-up visit cannot be in the future.")})
    follow_up = FollowUp.objects.create(
        ticket=ticket,
        at=at,
        by=worker,
        method=method,
        outcome=outcome,
        customer_satisfied=customer_satisfied,
    )
    record_event(
        ticket,
        EventKind.FOLLOW_UP,
        actor,
        now,
        method=method,
        satisfied=customer_satisfied,
    )
    # The visit completes the follow-ups owed on the ticket (followups.py).
    followups.after_follow_up(ticket, follow_up, now)
    return follow_up


def satisfaction_request_for_token(
    token: str, now: datetime | None = None
) -> SatisfactionRequest | None:
    return satisfaction.request_for_token(token, now)


def _whole_rating(value: object) -> int | None:
    """A whole number from an int, an integral float or a string of ASCII digits; None for
    anything else (3.5 is not silently taken as 3)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _check_rater(ticket: Ticket, actor: Actor, token: str | None, now: datetime) -> None:
    """PermissionDenied unless a contact of the ticket's organisation rates it, or the caller
    holds a valid link for it (which is used up here)."""
    if token is None:
        if not access.can_reply_as_customer(actor, ticket):
            raise PermissionDenied(_("Only the customer rates a ticket."))
        return
    request = satisfaction_request_for_token(token, now)
    if request is None or request.ticket_id != ticket.pk:
        raise PermissionDenied(_("This rating link is invalid, used or expired."))
    claimed = SatisfactionRequest.objects.filter(pk=request.pk, used_at__isnull=True).update(
        used_at=now
    )
    if not claimed:
        raise PermissionDenied(_("This rating link is invalid, used or expired."))


@transaction.atomic
def do_rate_ticket(
    ticket: Ticket,
    rating: object,
    comment: str = "",
    *,
    actor: Actor = None,
    token: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Record the customer's rating: by a contact of the ticket's organisation, or through a
    one-time link (``token``). A ticket is rated once; unrated tickets stay unrated."""
    now = clock.or_now(now)
    _check_rater(ticket, actor, token, now)
    whole = _whole_rating(rating)
    if whole is None or not 1 <= whole <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"rating": _("Only resolved tickets can be rated.")})
    if ticket.rating is not None:
        raise ValidationError({"rating": _("This ticket has already been rated.")})
    ticket.rating = whole
    ticket.rating_comment = (comment or "").strip()[:2000]
    ticket.rated_at = now
    bump(ticket, now)
    save(ticket, ["rating", "rating_comment", "rated_at"])
    SatisfactionRequest.objects.filter(ticket=ticket, used_at__isnull=True).update(used_at=now)
    record_event(ticket, EventKind.RATED, actor, now, public=True, rating=whole)
    # A rating of 1 or 2 owes the team lead a follow-up visit (followups.py).
    followups.after_rating(ticket, now)
    return ticket


# --- correcting a closed complaint's record ----------------------------------------------------


def _check_correction(actor: AnyUser, ticket: Ticket, reason: str) -> str:
    """The reason, cleaned; PermissionDenied unless a manager corrects a final record."""
    require_worker(actor, ticket)
    if not access.can_manage_tickets(actor):
        raise PermissionDenied(_("Only managers correct the record of a closed complaint."))
    if not ticket.record_is_final:
        raise ValidationError(
            _("Only a closed complaint's record is corrected; edit this ticket instead.")
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the record is corrected.")})
    return reason[:500]


@transaction.atomic
def do_correct_root_cause(
    actor: AnyUser,
    ticket: Ticket,
    *,
    root_cause: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A manager corrects the root cause of a closed complaint. The ticket shows the corrected
    text; the timeline keeps the original with who corrected it, when and why."""
    reason = _check_correction(actor, ticket, reason)
    ticket = lock_ticket(ticket, expected_version)
    root_cause = (root_cause or "").strip()
    if not root_cause:
        raise ValidationError({"root_cause": _("A closed complaint keeps a root cause.")})
    if root_cause == ticket.root_cause:
        raise ValidationError({"root_cause": _("This is the root cause already recorded.")})
    now = clock.or_now(now)
    before = ticket.root_cause
    ticket.root_cause = root_cause
    bump(ticket, now)
    save(ticket, ["root_cause"])
    record_event(
        ticket,
        EventKind.CORRECTED,
        actor,
        now,
        field=Correctable.ROOT_CAUSE,
        before=before,
        after=root_cause,
        reason=reason,
    )
    return ticket


def _follow_up_words(outcome: str, satisfied: bool | None) -> str:
    if satisfied is None:
        return outcome
    word = _("satisfied") if satisfied else _("not satisfied")
    return f"{outcome} ({word})"


@transaction.atomic
def do_correct_follow_up(
    actor: AnyUser,
    follow_up: FollowUp,
    *,
    outcome: str,
    customer_satisfied: bool | None,
    reason: str,
    now: datetime | None = None,
) -> FollowUp:
    """A manager corrects what a follow-up visit of a closed complaint recorded (its outcome
    and whether the customer was satisfied); the original stays in the timeline event."""
    ticket = follow_up.ticket
    reason = _check_correction(actor, ticket, reason)
    ticket = lock_ticket(ticket, None)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write down what the customer said.")})
    if (outcome, customer_satisfied) == (follow_up.outcome, follow_up.customer_satisfied):
        raise ValidationError({"outcome": _("This is what the visit already records.")})
    now = clock.or_now(now)
    before = _follow_up_words(follow_up.outcome, follow_up.customer_satisfied)
    follow_up.outcome, follow_up.customer_satisfied = outcome, customer_satisfied
    follow_up.save(update_fields=["outcome", "customer_satisfied"])
    bump(ticket, now)
    save(ticket, [])
    record_event(
        ticket,
        EventKind.CORRECTED,
        actor,
        now,
        field=Correctable.FOLLOW_UP,
        follow_up=follow_up.pk,
        before=before,
        after=_follow_up_words(outcome, customer_satisfied),
        reason=reason,
    )
    return follow_up
