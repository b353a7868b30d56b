"""Who hears about what happens to a ticket.

The services call these functions inside their transactions. Staff are told through
``notify.do_notify`` (the inbox, e-mail and chat groups, as the notification rules say), the
customer by an e-mail written to the same outbox: both are rows of the change's transaction,
so nothing is sent for a change that was rolled back and nothing is lost once it committed;
the notify worker sends them. Each message is written in its reader's language
(``notices.py``) and is plain text: nothing a user typed becomes markup.

Who belongs to which audience of a rule (``notify.choices.Audience``), worked out when the
event happens:

* assignee: the ticket's assignee (the lead of its team, who keeps the team's queue, while
  nobody is assigned) and its watchers;
* team lead: the lead of the ticket's team, or the operations managers when it has none (SLA
  breach, complaint received);
* managers: the operations managers (complaint received);
* the person whose action it was is never told about it.

The customer (the contact who raised the ticket, or the address left on the public form) gets
the public replies of staff and, once per resolution, the resolution with a one-time rating
link; never an internal note. These mails do not follow the staff's rules: they are the
customer's conversation, which no rule about staff e-mails may silence.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from opsbook.accounts.models import User
from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import Delivery
from opsbook.notify.services import absolute, do_notify

from . import notices, satisfaction
from .choices import Status, TicketType
from .followups import managers, team_lead
from .models import Comment, Ticket, TicketEvent


def _link(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def _staff(people: Iterable[User | None], besides: Any = None) -> list[User]:
    skip = getattr(besides, "pk", None)
    return [
        p
        for p in dict.fromkeys(people)
        if p is not None and p.is_staff_member and (skip is None or p.pk != skip)
    ]


def staff_audiences(
    ticket: Ticket, *, escalate: bool = False, besides: Any = None
) -> dict[str, list[User]]:
    """The assignee audience: the assignee (the team lead, keeper of the team's queue, when
    nobody is assigned) and the watchers; with ``escalate``, the team lead audience too: the
    team lead or, without one, the managers. ``besides`` (who acted) is left out."""
    lead = team_lead(ticket)
    keeper = ticket.assignee if ticket.assignee_id else lead
    on_it: list[User | None] = [keeper, *ticket.watchers.filter(is_active=True)]
    audiences: dict[str, list[User]] = {Audience.ASSIGNEE: _staff(on_it, besides)}
    if escalate:
        audiences[Audience.TEAM_LEAD] = _staff([lead] if lead else managers(), besides)
    return audiences


# --- what the services call -------------------------------------------------------------------


def ticket_created(ticket: Ticket, actor: Any, now: datetime) -> None:
    """Staff hear of a new ticket, except the person who opened it; a complaint also reaches
    the team lead (else the managers)."""
    do_notify(
        Event.TICKET_CREATED,
        key=f"ticket:{ticket.pk}:created",
        message=notices.ticket_created(ticket),
        link=_link(ticket),
        audiences=staff_audiences(ticket, besides=actor),
        now=now,
    )
    if ticket.type == TicketType.COMPLAINT:
        lead = team_lead(ticket)
        do_notify(
            Event.COMPLAINT_RECEIVED,
            key=f"ticket:{ticket.pk}:complaint",
            message=notices.complaint_received(ticket),
            link=_link(ticket),
            audiences={
                Audience.TEAM_LEAD: _staff([lead] if lead else managers(), actor),
                Audience.MANAGERS: _staff(managers(), actor),
            },
            now=now,
        )


def ticket_assigned(ticket: Ticket, assignee: User, now: datetime) -> None:
    do_notify(
        Event.TICKET_ASSIGNED,
        key=f"ticket:{ticket.pk}:assigned:v{ticket.version}",
        message=notices.ticket_assigned(ticket),
        link=_link(ticket),
        audiences={Audience.ASSIGNEE: _staff([assignee])},
        now=now,
    )


def ticket_comment(ticket: Ticket, comment: Comment, now: datetime) -> None:
    """Staff hear of every reply and note on the ticket, except their own; the customer gets
    the public replies of staff (never a note)."""
    do_notify(
        Event.TICKET_COMMENT,
        key=f"ticket:{ticket.pk}:comment:{comment.pk}",
        message=notices.ticket_comment(ticket, comment),
        link=_link(ticket),
        audiences=staff_audiences(ticket, besides=comment.author),
        now=now,
    )
    if comment.is_public and not comment.by_customer:
        _mail_customer(
            ticket,
            Event.TICKET_COMMENT,
            key=f"ticket:{ticket.pk}:comment:{comment.pk}:customer",
            message=notices.customer_reply(ticket, comment),
            now=now,
        )


def status_changed(ticket: Ticket, status: str, actor: Any, now: datetime) -> None:
    """A resolution reaches the people on the ticket (except who resolved it) and the
    customer, with a one-time rating link unless the ticket was rated already."""
    if status != Status.RESOLVED:
        return
    resolution = f"ticket:{ticket.pk}:resolved:{ticket.reopened_count + 1}"
    do_notify(
        Event.TICKET_RESOLVED,
        key=resolution,
        message=notices.ticket_resolved(ticket),
        link=_link(ticket),
        audiences={Audience.ASSIGNEE: staff_audiences(ticket, besides=actor)[Audience.ASSIGNEE]},
        now=now,
    )
    _, address, _language = customer_address(ticket)
    if not address or _queued(f"{resolution}:customer"):
        return
    rate_url = ""
    if ticket.rating is None:
        token = satisfaction.create_request(ticket, sent_to=address, now=now)
        rate_url = absolute(reverse("portal:rate", args=[token]))
    _mail_customer(
        ticket,
        Event.TICKET_RESOLVED,
        key=f"{resolution}:customer",
        message=notices.customer_resolved(ticket, rate_url),
        now=now,
    )


def sla(ticket: Ticket, clock: str, level: str, event: TicketEvent, now: datetime) -> None:
    """A running clock's warning share used up (the people on the ticket), or its breach (also
    the team lead, else the managers)."""
    breach = level == "breach"
    do_notify(
        Event.SLA_BREACH if breach else Event.SLA_WARNING,
        key=f"ticket:{ticket.pk}:sla:{event.pk}",
        message=notices.sla(ticket, clock, level),
        link=_link(ticket),
        audiences=staff_audiences(ticket, escalate=breach),
        now=now,
    )


# --- the customer -----------------------------------------------------------------------------


def customer_address(ticket: Ticket) -> tuple[User | None, str, str]:
    """(account, e-mail, language) of the person who raised the ticket, if known."""
    contact = ticket.contact
    if contact is not None and contact.is_active and contact.email:
        return contact, contact.email, contact.language or settings.LANGUAGE_CODE
    return None, ticket.requester_email, settings.LANGUAGE_CODE


def _queued(key: str) -> bool:
    return Delivery.objects.filter(key=f"{key}:email").exists()


def _mail_customer(
    ticket: Ticket, event: str, *, key: str, message: notices.Message, now: datetime
) -> Delivery | None:
    """One e-mail to the customer in the outbox (none without an address, none twice)."""
    account, address, language = customer_address(ticket)
    if not address:
        return None
    with translation.override(language):
        subject, body = message()
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                key=f"{key}:email"[:250],
                event=event,
                kind=ChannelKind.EMAIL,
                recipient=account,
                address=address,
                subject=str(subject)[:200],
                body=str(body),
                link=absolute(reverse("portal:ticket", args=[ticket.pk])),
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        return None
