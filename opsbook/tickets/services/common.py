"""What every ticket write is built from: the caller's permission (``access.py``), the
optimistic lock on the ticket, the version bump and save, the timeline event, and storing an
uploaded file. Only the ``do_*`` modules of this package use them."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils.translation import gettext as _

from opsbook.accounts.models import User
from opsbook.core import clock
from opsbook.core.locking import lock_version
from opsbook.core.permissions import require

from .. import access
from ..attachments import check_upload
from ..choices import EventKind
from ..models import Attachment, Comment, Ticket, TicketEvent

# Whoever calls a service (``request.user`` as it comes): the service checks what they may do.
AnyUser = User | AnonymousUser
# Who did something, for the timeline: a user, or nobody (the public form, the scheduler).
Actor = AnyUser | None


def signed_in(actor: Actor) -> User:
    """``actor`` as a user account; PermissionDenied for anybody else. The permission checks of
    ``access.py`` already refuse anonymous callers: this tells the type checker so."""
    if not isinstance(actor, User):
        raise PermissionDenied(_("You may not work on tickets."))
    return actor


def account(actor: Actor) -> User | None:
    """The user account behind ``actor`` (None for nobody and for anonymous callers)."""
    return actor if isinstance(actor, User) and actor.pk else None


def require_worker(actor: Actor, ticket: Ticket | None = None) -> User:
    """``actor``, who may work on tickets (on ``ticket``, when given); PermissionDenied if not."""
    if ticket is None:
        require(access.can_work_tickets(actor), _("You may not work on tickets."))
    else:
        require(access.can_edit_ticket(actor, ticket), _("You may not change this ticket."))
    return signed_in(actor)


def final_record_message() -> str:
    return _(
        "The complaint is closed: its root cause and follow-up visits are part of its record "
        "and can no longer be edited. A manager can record a correction, with the reason."
    )


def lock_ticket(ticket: Ticket, expected_version: int | None) -> Ticket:
    """The ticket locked for this transaction; ConflictError when someone saved it since the
    caller read ``expected_version``."""
    return lock_version(
        ticket,
        expected_version,
        _(
            "Ticket %(number)s was changed by someone else since you opened it "
            "(version %(theirs)s, yours %(yours)s). Reload it to see their change; "
            "your input has not been saved."
        ),
        number=ticket.number,
    )


def bump(ticket: Ticket, now: datetime) -> None:
    ticket.version = F("version") + 1
    ticket.updated_at = now


def save(ticket: Ticket, fields: Iterable[str]) -> None:
    """Save ``fields`` with the bumped version, then read the new version back."""
    ticket.save(update_fields=sorted({*fields, "version", "updated_at"}))
    ticket.refresh_from_db(fields=["version"])


def record_event(
    ticket: Ticket,
    kind: str,
    actor: Actor = None,
    at: datetime | None = None,
    *,
    public: bool = False,
    from_status: str = "",
    to_status: str = "",
    rule: str = "",
    **data: Any,
) -> TicketEvent:
    """One entry of the ticket's timeline (``public``: customers see it too).

    ``rule`` (an ``AutoRule``) marks something the system did by itself, such as assigning a
    new ticket to the service's owner: the event then has no actor, whoever's action set it
    off, and the timeline shows the system and the rule."""
    if rule:
        actor, data = None, {**data, "rule": rule}
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=account(actor),
        at=clock.or_now(at),
        from_status=from_status,
        to_status=to_status,
        is_public=public,
        data=data,
    )


def store_attachment(
    ticket: Ticket,
    upload: UploadedFile,
    actor: Actor,
    *,
    comment: Comment | None,
    public: bool,
    now: datetime,
) -> Attachment:
    """Check and store one uploaded file on ``ticket`` (with its timeline event)."""
    checked = check_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_public=public,
        uploaded_by=account(actor),
        created_at=now,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    record_event(
        ticket,
        EventKind.ATTACHMENT,
        actor,
        now,
        public=public,
        name=checked.name,
        size=checked.size,
        attachment=str(attachment.pk),
    )
    return attachment
