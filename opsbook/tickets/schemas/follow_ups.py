"""What the API answers about follow-up visits owed (``FollowUpTask``): staff only."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from ..choices import FollowUpReason
from .output import UserRef
from .reader import request_now, user_ref


class FollowUpTaskQuery(Schema):
    state: Literal["open", "overdue", "done", "cancelled", "all"] = "open"
    reason: FollowUpReason | None = None
    owner: Literal["me", "none"] | None = Field(
        None, description="me: the caller's own; none: nobody's (the managers' queue)."
    )


class FollowUpTaskOut(Schema):
    id: int
    ticket_id: int
    ticket_title: str
    reason: FollowUpReason
    round: int
    owner: UserRef | None
    due_at: datetime
    overdue: bool = Field(description="Open and past its due time.")
    rating: int | None
    rating_comment: str
    created_at: datetime
    done_at: datetime | None
    cancelled_at: datetime | None
    follow_up_id: int | None = Field(description="The recorded visit that completed it.")

    @staticmethod
    def resolve_ticket_title(obj) -> str:
        return obj.ticket.title

    @staticmethod
    def resolve_owner(obj):
        return user_ref(obj.owner, for_customer=False) if obj.owner else None

    @staticmethod
    def resolve_overdue(obj, context) -> bool:
        return obj.is_overdue(request_now(context["request"]))


class FollowUpTaskPage(Schema):
    items: list[FollowUpTaskOut]
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL; null on the last page.")
    previous: str | None = Field(description="The previous page's URL; null on the first.")
