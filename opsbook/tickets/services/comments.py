"""Replies, internal notes and files on tickets, by staff and by the customer's contacts."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.accounts.models import User
from opsbook.core import clock

from .. import access, notifications
from ..attachments import check_upload
from ..choices import AutoRule, EventKind, Status
from ..models import REOPEN_FROM, Attachment, Comment, Ticket
from ..sla_store import recompute_sla
from .common import (
    AnyUser,
    bump,
    lock_ticket,
    record_event,
    require_worker,
    save,
    signed_in,
    store_attachment,
)
from .status import STATUS_FIELDS, check_transition, set_status


def _check_replier(
    actor: AnyUser, ticket: Ticket, *, public: bool, then_status: str | None
) -> tuple[User, bool]:
    """PermissionDenied unless ``actor`` may write this reply; the author, and whether they
    write as the customer."""
    if not access.is_customer(actor):
        return require_worker(actor, ticket), False
    if not access.can_reply_as_customer(actor, ticket):
        raise PermissionDenied(_("You may not reply to this ticket."))
    if not public or then_status:
        raise PermissionDenied(_("Customers write public replies only."))
    return signed_in(actor), True


def _check_open_to_replies(
    ticket: Ticket, *, customer: bool, then_status: str | None, now: datetime
) -> None:
    if ticket.status == Status.CANCELLED:
        raise ValidationError({"body": _("This ticket was cancelled; open a new one.")})
    if customer and ticket.status in REOPEN_FROM and not ticket.can_reopen(now):
        raise ValidationError(
            {"body": _("This ticket is closed and can no longer be reopened; open a new one.")}
        )
    if then_status and then_status != ticket.status:
        check_transition(ticket, then_status, now)  # before anything (files) is written


def _after_reply(
    ticket: Ticket,
    actor: AnyUser,
    *,
    customer: bool,
    public: bool,
    then_status: str | None,
    now: datetime,
) -> set[str]:
    """What a reply changes on the ticket (not saved): a customer's reply resumes or reopens
    it; the first public reply by staff stops the response clock. Returns the fields set."""
    fields: set[str] = set()
    if customer:
        if ticket.status == Status.WAITING or ticket.status in REOPEN_FROM:
            # The customer wrote; the system resumed (or reopened) the ticket.
            set_status(ticket, Status.IN_PROGRESS, None, now, rule=AutoRule.CUSTOMER_REPLY)
            fields |= set(STATUS_FIELDS)
        return fields
    if public and ticket.first_response_at is None:
        ticket.first_response_at = now
        fields.add("first_response_at")
    if then_status and then_status != ticket.status:
        set_status(ticket, then_status, actor, now)
        fields |= set(STATUS_FIELDS)
    return fields


@transaction.atomic
def do_reply(
    actor: AnyUser,
    ticket: Ticket,
    body: str,
    *,
    public: bool = True,
    files: Sequence[UploadedFile] = (),
    then_status: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Comment:
    """A public reply (customers see it; the first one by staff stops the response clock) or,
    with ``public=False``, an internal note. A customer's reply resumes a ticket that waits on
    them and reopens a resolved one inside the reopen window."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    author, customer = _check_replier(actor, ticket, public=public, then_status=then_status)
    for upload in files:
        check_upload(upload)
    ticket = lock_ticket(ticket, expected_version)
    now = clock.or_now(now)
    _check_open_to_replies(ticket, customer=customer, then_status=then_status, now=now)
    comment = Comment.objects.create(
        ticket=ticket,
        author=author,
        author_name=str(author),
        body=body,
        is_public=public,
        by_customer=customer,
        created_at=now,
    )
    for upload in files:
        store_attachment(ticket, upload, actor, comment=comment, public=public, now=now)
    status_before = ticket.status
    record_event(
        ticket,
        EventKind.REPLY if public else EventKind.NOTE,
        actor,
        now,
        public=public,
        comment=comment.pk,
        by_customer=customer,
    )
    fields = _after_reply(
        ticket, actor, customer=customer, public=public, then_status=then_status, now=now
    )
    bump(ticket, now)
    save(ticket, fields)
    if fields:
        recompute_sla(ticket, now)
    notifications.ticket_comment(ticket, comment, now)
    if ticket.status != status_before:
        notifications.status_changed(ticket, ticket.status, actor, now)
    return comment


def do_add_note(actor: AnyUser, ticket: Ticket, body: str, **kw: Any) -> Comment:
    """An internal note: staff only, never shown to customers."""
    return do_reply(actor, ticket, body, public=False, **kw)


@transaction.atomic
def do_add_attachments(
    actor: AnyUser,
    ticket: Ticket,
    files: Sequence[UploadedFile],
    *,
    public: bool = True,
    now: datetime | None = None,
) -> list[Attachment]:
    """Files on the ticket itself (not on a reply); a customer's files are always public."""
    if access.is_customer(actor):
        if not access.can_reply_as_customer(actor, ticket):
            raise PermissionDenied(_("You may not add files to this ticket."))
        public = True
    else:
        require_worker(actor, ticket)
    now = clock.or_now(now)
    return [store_attachment(ticket, f, actor, comment=None, public=public, now=now) for f in files]
