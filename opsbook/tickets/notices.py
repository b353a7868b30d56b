"""What the tickets app's notifications say. Each function returns a message: a callable that
``do_notify`` (or the customer's mail) calls once per reader, in that reader's language, and
that returns (title, body).

Plain text only: titles are single lines (ticket titles are normalised on save) and bodies are
text that the e-mail and the inbox show escaped, so nothing a user typed becomes markup.
"""

from collections.abc import Callable
from datetime import datetime, tzinfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import Clock, FollowUpReason
from .models import Comment, FollowUpTask, Ticket

Message = Callable[[], tuple[str, str]]


def _title(ticket: Ticket, text: str) -> str:
    return f"[{ticket.number}] {text}: {ticket.title}"[:200]


def _when(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- staff ------------------------------------------------------------------------------------


def ticket_created(ticket: Ticket) -> Message:
    title, description = ticket.title, ticket.description

    def build() -> tuple[str, str]:
        return _title(ticket, _("New ticket")), f"{title}\n\n{description}".strip()

    return build


def complaint_received(ticket: Ticket) -> Message:
    title, description = ticket.title, ticket.description
    customer = str(ticket.customer or ticket.requester_name or "")

    def build() -> tuple[str, str]:
        who = _("From: %(customer)s") % {"customer": customer} if customer else ""
        return _title(ticket, pgettext("notice", "Complaint received")), "\n\n".join(
            part for part in (title, who, description) if part
        )

    return build


def ticket_assigned(ticket: Ticket) -> Message:
    title = ticket.title

    def build() -> tuple[str, str]:
        return _title(ticket, _("Assigned to you")), title

    return build


def ticket_comment(ticket: Ticket, comment: Comment) -> Message:
    author, body = comment.author_name, comment.body
    by_customer, public = comment.by_customer, comment.is_public

    def build() -> tuple[str, str]:
        if by_customer:
            label = _("Customer reply")
        elif public:
            label = _("New comment")
        else:
            label = _("Internal note")
        return _title(ticket, label), f"{author}:\n{body}"

    return build


def ticket_resolved(ticket: Ticket) -> Message:
    title = ticket.title

    def build() -> tuple[str, str]:
        return _title(ticket, _("Resolved")), title

    return build


def sla(ticket: Ticket, clock: str, level: str) -> Message:
    title = ticket.title
    due = getattr(ticket, f"{clock}_due_at")
    tz = ticket.sla_calendar_tz()

    def build() -> tuple[str, str]:
        label = Clock(clock).label
        if level == "breach":
            text = _("%(clock)s target breached") % {"clock": label}
        else:
            text = _("%(clock)s target at risk") % {"clock": label}
        due_text = _("Due at %(due)s") % {"due": _when(due, tz)} if due else ""
        return _title(ticket, text), f"{title}\n{due_text}".strip()

    return build


# --- follow-up visits owed --------------------------------------------------------------------


def _task_body(task: FollowUpTask, tz: tzinfo) -> str:
    ticket = task.ticket
    lines = [
        ticket.title,
        _("Due at %(due)s") % {"due": _when(task.due_at, tz)},
        _("Owner: %(owner)s") % {"owner": task.owner.label if task.owner else _("nobody yet")},
    ]
    if task.reason == FollowUpReason.LOW_RATING and task.rating is not None:
        lines.append(_("Rating: %(rating)s of 5") % {"rating": task.rating})
        if task.rating_comment:
            lines.append(_("The customer wrote: %(comment)s") % {"comment": task.rating_comment})
    return "\n".join(lines)


def follow_up_due(task: FollowUpTask) -> Message:
    tz = task.ticket.sla_calendar_tz()

    def build() -> tuple[str, str]:
        return _title(task.ticket, _("Follow-up visit due today")), _task_body(task, tz)

    return build


def follow_up_overdue(task: FollowUpTask) -> Message:
    tz = task.ticket.sla_calendar_tz()

    def build() -> tuple[str, str]:
        return _title(task.ticket, pgettext("notice", "Follow-up visit overdue")), _task_body(
            task, tz
        )

    return build


def low_rating(task: FollowUpTask) -> Message:
    tz = task.ticket.sla_calendar_tz()

    def build() -> tuple[str, str]:
        text = _("Rated %(rating)s of 5") % {"rating": task.rating}
        return _title(task.ticket, text), _task_body(task, tz)

    return build


# --- the customer -----------------------------------------------------------------------------


def customer_reply(ticket: Ticket, comment: Comment) -> Message:
    """The link under the message is the request in the portal."""
    body = comment.body

    def build() -> tuple[str, str]:
        return (
            _title(ticket, _("Reply to your request")),
            f"{body}\n\n{_('Reply or follow the request here:')}",
        )

    return build


def customer_resolved(ticket: Ticket, rate_url: str) -> Message:
    """The link under the message is the request in the portal."""

    def build() -> tuple[str, str]:
        text = _(
            "Your request has been resolved. If something is still wrong, reply in the "
            "portal within %(days)s days and we will reopen it."
        ) % {"days": settings.OPSBOOK_TICKET_REOPEN_DAYS}
        if rate_url:
            text += (
                "\n\n"
                + _("How satisfied are you? Rate us from 1 to 5 (one click, no sign-in):")
                + f"\n{rate_url}"
            )
        return _title(ticket, _("Your request is resolved")), text

    return build
