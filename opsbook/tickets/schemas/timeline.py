"""What the tickets API answers about a ticket's files, replies, timeline and follow-up visits:
ninja schemas that read model instances through resolvers (staff members shown to a customer
by display name only)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.urls import reverse
from ninja import Field, Schema

from ..choices import EventKind, FollowUpMethod, Status
from .output import AnyTicketDetail, UserRef
from .reader import customer_reads, user_ref


class AttachmentOut(Schema):
    id: UUID
    name: str = Field(description="The file name as uploaded (cleaned); data, never markup.")
    content_type: str
    size: int
    sha256: str
    public: bool = Field(description="Visible to the customer.")
    comment_id: int | None
    uploaded_by: UserRef | None
    created_at: datetime
    url: str = Field(description="Where to download it (with the same token).")

    @staticmethod
    def resolve_public(obj) -> bool:
        return obj.is_public

    @staticmethod
    def resolve_uploaded_by(obj, context):
        return user_ref(obj.uploaded_by, for_customer=customer_reads(context))

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse(
            "api:download_ticket_attachment",
            kwargs={"ticket_id": obj.ticket_id, "attachment_id": obj.pk},
        )


class CommentOut(Schema):
    id: int
    body: str
    public: bool = Field(description="false: an internal note (never shown to customers).")
    by_customer: bool
    author: UserRef | None
    author_name: str
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_public(obj) -> bool:
        return obj.is_public

    @staticmethod
    def resolve_author(obj, context):
        return user_ref(obj.author, for_customer=customer_reads(context))

    @staticmethod
    def resolve_author_name(obj, context) -> str:
        if customer_reads(context) and obj.author is not None and obj.author.is_staff_member:
            return obj.author.label
        return obj.author_name

    @staticmethod
    def resolve_attachments(obj) -> list:
        return obj.attachment_list


class ReplyOut(Schema):
    comment: CommentOut
    ticket: AnyTicketDetail


class EventOut(Schema):
    id: int
    at: datetime
    kind: EventKind
    actor: UserRef | None
    from_status: Status | None
    to_status: Status | None
    public: bool = Field(description="Shown to the customer. Customers read public events only.")
    data: dict[str, Any] = Field(description="Details of the event, by kind.")
    comment: CommentOut | None = Field(description="The reply or note, for reply/note events.")
    attachment: AttachmentOut | None = Field(description="The file, for attachment events.")

    @staticmethod
    def resolve_actor(obj, context):
        return user_ref(obj.actor, for_customer=customer_reads(context))

    @staticmethod
    def resolve_from_status(obj) -> str | None:
        return obj.from_status or None

    @staticmethod
    def resolve_to_status(obj) -> str | None:
        return obj.to_status or None

    @staticmethod
    def resolve_public(obj) -> bool:
        return obj.is_public

    @staticmethod
    def resolve_data(obj) -> dict:
        return obj.shown_data

    @staticmethod
    def resolve_comment(obj):
        return obj.comment_row

    @staticmethod
    def resolve_attachment(obj):
        return obj.attachment_row


class EventPage(Schema):
    items: list[EventOut]
    count: int


class FollowUpOut(Schema):
    id: int
    at: datetime
    by: UserRef | None
    method: FollowUpMethod
    outcome: str
    customer_satisfied: bool | None

    @staticmethod
    def resolve_by(obj):
        return user_ref(obj.by, for_customer=False)
