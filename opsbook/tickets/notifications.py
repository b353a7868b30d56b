"""Who hears about what happens to a ticket, by e-mail.

The services call the ``on_commit_*`` functions inside their transactions; each only enqueues
``send_ticket_notification`` (a Django task run by the worker) after the transaction commits,
so nothing is sent for a change that was rolled back and a slow mail server never holds a
request. The task reads the ticket as it is when it runs and writes each message in its
recipient's language. Messages are plain text: nothing a user typed can become markup.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User

from . import satisfaction
from .choices import Clock, Status
from .models import Comment, Ticket

logger = logging.getLogger(__name__)

# A message written when it is sent, in the recipient's language: () -> (subject, body).
Message = Callable[[], tuple[str, str]]


def _enqueue(kind: str, ticket: Ticket, **params: Any) -> None:
    ticket_id = ticket.pk
    transaction.on_commit(lambda: send_ticket_notification.enqueue(kind, ticket_id, params))


def on_commit_created(ticket: Ticket, actor: User | Any = None) -> None:
    """Staff hear of a new ticket, except the person who opened it."""
    _enqueue("created", ticket, actor_id=getattr(actor, "pk", None))


def on_commit_assigned(ticket: Ticket, assignee: User) -> None:
    _enqueue("assigned", ticket, user_id=assignee.pk)


def on_commit_comment(ticket: Ticket, comment: Comment) -> None:
    _enqueue("comment", ticket, comment_id=comment.pk)


def on_commit_status(ticket: Ticket, status: str) -> None:
    if status == Status.RESOLVED:
        _enqueue("resolved", ticket)


def on_commit_sla(ticket: Ticket, clock: str, level: str) -> None:
    _enqueue("sla", ticket, clock=clock, level=level)


# --- recipients -----------------------------------------------------------------------------


def _staff_recipients(ticket: Ticket, *, escalate: bool = False) -> list[User]:
    """The assignee (or the team lead when nobody is assigned), plus watchers; with
    ``escalate``, also the team lead or, without one, the managers."""
    people: list[User] = []
    if ticket.assignee is not None:
        people.append(ticket.assignee)
    team = ticket.team
    lead = team.lead if team is not None and team.lead_id else None
    if lead is not None and (escalate or not ticket.assignee_id):
        people.append(lead)
    if escalate and lead is None:
        people += list(User.objects.filter(role=Role.MANAGER, is_active=True))
    people += list(ticket.watchers.filter(is_active=True))
    return [p for p in dict.fromkeys(people) if p.is_active and p.email]


def _customer_address(ticket: Ticket) -> tuple[str, str]:
    """(e-mail, language) of the person who raised the ticket, if known."""
    contact = ticket.contact
    if contact is not None and contact.is_active and contact.email:
        return contact.email, contact.language or settings.LANGUAGE_CODE
    return ticket.requester_email, settings.LANGUAGE_CODE


def _link(name: str, *args: Any) -> str:
    return settings.OPSBOOK_BASE_URL + reverse(name, args=args)


def _send(to: str, language: str, subject_and_body: Message) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = subject_and_body()
    EmailMessage(subject, body, to=[to]).send()


def _subject(ticket: Ticket, text: str) -> str:
    # Titles are single-line (normalised on save), so no header can be injected.
    return f"[{ticket.number}] {text}: {ticket.title}"[:250]


def _staff_message(ticket: Ticket, kind: str, params: dict[str, Any]) -> Message:
    def build() -> tuple[str, str]:
        url = _link("tickets:detail", ticket.pk)
        if kind == "created":
            return _subject(
                ticket, _("New ticket")
            ), f"{ticket.title}\n\n{ticket.description}\n\n{url}"
        if kind == "assigned":
            return _subject(ticket, _("Assigned to you")), f"{ticket.title}\n\n{url}"
        if kind == "comment":
            comment = Comment.objects.get(pk=params["comment_id"])
            label = _("Customer reply") if comment.by_customer else _("New comment")
            return _subject(ticket, label), f"{comment.author_name}:\n{comment.body}\n\n{url}"
        clock = Clock(params["clock"]).label
        if params["level"] == "breach":
            text = _("%(clock)s target breached") % {"clock": clock}
        else:
            text = _("%(clock)s target at risk") % {"clock": clock}
        due = getattr(ticket, f"{params['clock']}_due_at")
        due_text = (
            _("Due at %(due)s")
            % {"due": due.astimezone(ticket.sla_calendar_tz()).strftime("%Y-%m-%d %H:%M")}
            if due
            else ""
        )
        return _subject(ticket, text), f"{ticket.title}\n{due_text}\n\n{url}"

    return build


def _customer_message(
    ticket: Ticket, kind: str, params: dict[str, Any], token: str = ""
) -> Message:
    def build() -> tuple[str, str]:
        url = _link("portal:ticket", ticket.pk)
        if kind == "comment":
            comment = Comment.objects.get(pk=params["comment_id"])
            return (
                _subject(ticket, _("Reply to your request")),
                f"{comment.body}\n\n{_('Reply or follow the request here:')} {url}",
            )
        rate = _link("portal:rate", token) if token else url
        return (
            _subject(ticket, _("Your request is resolved")),
            _(
                "Your request has been resolved. If something is still wrong, reply in the "
                "portal within %(days)s days and we will reopen it."
            )
            % {"days": settings.OPSBOOK_TICKET_REOPEN_DAYS}
            + f"\n{url}\n\n"
            + _("How satisfied are you? Rate us from 1 to 5 (one click, no sign-in):")
            + f"\n{rate}",
        )

    return build


@task()
def send_ticket_notification(kind: str, ticket_id: int, params: dict[str, Any]) -> int:
    """Send the e-mails for one ticket event; returns how many were sent."""
    ticket = (
        Ticket.objects.select_related("assignee", "team__lead", "contact", "sla_calendar")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        return 0
    sent = 0
    if kind in {"created", "sla"}:
        escalate = kind == "sla" and params.get("level") == "breach"
        for user in _staff_recipients(ticket, escalate=escalate):
            if user.pk == params.get("actor_id"):
                continue
            _send(user.email, user.language, _staff_message(ticket, kind, params))
            sent += 1
    elif kind == "assigned":
        assignee = User.objects.filter(pk=params["user_id"], is_active=True).first()
        if assignee and assignee.email:
            _send(assignee.email, assignee.language, _staff_message(ticket, kind, params))
            sent += 1
    elif kind == "comment":
        comment = Comment.objects.filter(pk=params["comment_id"]).first()
        if comment is None:
            return 0
        if comment.is_public and not comment.by_customer:
            to, language = _customer_address(ticket)
            if to:
                _send(to, language, _customer_message(ticket, kind, params))
                sent += 1
        # Staff hear of every reply and note on the ticket, except their own.
        for user in _staff_recipients(ticket):
            if user.pk != comment.author_id:
                _send(user.email, user.language, _staff_message(ticket, kind, params))
                sent += 1
    elif kind == "resolved":
        sent += _send_satisfaction_link(ticket)
    return sent


def _send_satisfaction_link(ticket: Ticket) -> int:
    """Once per resolution: a one-time rating link, unless already rated or not resolved."""
    if ticket.status != Status.RESOLVED or ticket.rating is not None:
        return 0
    to, language = _customer_address(ticket)
    if not to:
        return 0
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.satisfaction_requests.filter(created_at__gte=locked.resolved_at).exists():
            return 0  # a retried job: the link for this resolution was already made
        token = satisfaction.create_request(locked, sent_to=to)
    _send(to, language, _customer_message(ticket, "resolved", {}, token))
    return 1
