"""What clients send to the tickets API. Unknown fields and NUL characters are refused with the
field named (422); references are ids or codes, resolved by ``api/references.py``."""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from opsbook.catalog.choices import Channel, Priority
from opsbook.core.api import IdOrName, Offset
from opsbook.core.text import MultiLine

from ..choices import FollowUpMethod, Status, TicketType

Ref = IdOrName
# Titles, tags and the requester's details are stored on one line: the services turn each run of
# whitespace (a pasted line break, a tab) into one space. Other control characters are refused.
Title = Annotated[MultiLine, Field(min_length=1, max_length=200)]
Text = Annotated[MultiLine, Field(max_length=20_000)]
Body = Annotated[MultiLine, Field(min_length=1, max_length=20_000)]
Tags = Annotated[list[Annotated[MultiLine, Field(max_length=50)]], Field(max_length=20)]
Version = Annotated[
    int | None,
    Field(description="The version you read; a 409 answers if someone saved since."),
]
ITEM_REF = "A service item id, or its code (SVC-0012)."
CONTENT_REF = "A piece of the item's service content: id or code."
CUSTOMER_REF = "A customer id, or its code."
CONTACT_REF = "A contact of the customer: user id or username."
ASSIGNEE_REF = "A staff member: user id or username."
TEAM_REF = "A team: id or name."


def blank_if_null(value):
    return "" if value is None else value


def refuse_null(value):
    if value is None:
        raise ValueError(_("This field cannot be null."))
    return value


def refuse_nul(value):
    """PostgreSQL cannot store NUL characters: refuse them with the field named, as the forms
    do, rather than failing when the row is written."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        raise ValueError(_("Null characters are not allowed."))
    return value


class Strict(Schema):
    """Unknown fields are refused (a typo or a status sent to PATCH is a 422, not ignored);
    so is text with NUL characters."""

    model_config = ConfigDict(extra="forbid")

    check_nul = field_validator("*")(refuse_nul)


class TicketIn(Strict):
    title: Title
    description: Text = ""
    type: TicketType = TicketType.CONSULTATION
    channel: Channel = Field(
        Channel.API,
        description="How the request came in. Customer contacts' tickets are always `portal`.",
    )
    priority: Priority = Priority.NORMAL
    item: Ref | None = Field(None, description=ITEM_REF + " Required for customer contacts.")
    content: Ref | None = Field(None, description=CONTENT_REF)
    customer: Ref | None = Field(
        None, description=CUSTOMER_REF + " Customer contacts: their own (the default)."
    )
    contact: Ref | None = Field(None, description=CONTACT_REF)
    requester_name: Annotated[MultiLine, Field(max_length=100)] = ""
    requester_email: Annotated[MultiLine, Field(max_length=254)] = ""
    requester_phone: Annotated[MultiLine, Field(max_length=40)] = ""
    assignee: Ref | None = Field(
        None, description=ASSIGNEE_REF + " Left out: the service's primary owner (staff only)."
    )
    team: Ref | None = Field(None, description=TEAM_REF + " (staff only)")
    tags: Tags = []
    watchers: Annotated[list[Ref], Field(max_length=50)] = Field(
        [], description="Staff members to keep informed (staff only)."
    )


class TicketPatch(Strict):
    """Only the fields sent change; ``null`` clears an optional reference or text."""

    version: Version = None
    title: Title | None = None
    description: Text | None = None
    type: TicketType | None = None
    channel: Channel | None = None
    priority: Priority | None = None
    item: Ref | None = Field(None, description=ITEM_REF)
    content: Ref | None = Field(None, description=CONTENT_REF)
    customer: Ref | None = Field(None, description=CUSTOMER_REF)
    contact: Ref | None = Field(None, description=CONTACT_REF)
    requester_name: Annotated[MultiLine, Field(max_length=100)] | None = None
    requester_email: Annotated[MultiLine, Field(max_length=254)] | None = None
    requester_phone: Annotated[MultiLine, Field(max_length=40)] | None = None
    root_cause: Text | None = None
    tags: Tags | None = Field(None, description="Replaces the ticket's tags.")

    check_not_null = field_validator("title", "type", "channel", "priority", "tags")(refuse_null)
    check_blank = field_validator(
        "description",
        "requester_name",
        "requester_email",
        "requester_phone",
        "root_cause",
        mode="before",
    )(blank_if_null)


class ReplyIn(Strict):
    body: Body
    then_status: Status | None = Field(
        None, description="Staff: move the ticket on in the same step (e.g. `waiting`)."
    )
    version: Version = None


class NoteIn(Strict):
    body: Body
    version: Version = None


class AssignIn(Strict):
    assignee: Ref | None = Field(None, description=ASSIGNEE_REF + " Null: nobody.")
    team: Ref | None = Field(
        None,
        description=TEAM_REF + " Left out or null: the assignee's team, else the ticket's own.",
    )
    version: Version = None


class TransitionIn(Strict):
    status: Status
    note: Annotated[MultiLine, Field(max_length=2000)] = ""
    version: Version = None


class FollowUpIn(Strict):
    method: FollowUpMethod
    outcome: Body
    customer_satisfied: bool | None = None
    at: datetime | None = Field(None, description="When it took place (default: now).")


class RatingIn(Strict):
    rating: int = Field(ge=1, le=5)
    comment: Annotated[MultiLine, Field(max_length=2000)] = ""


class TicketFilterQuery(Schema):
    """The ticket list's filters: the same parameters as the web list (tickets/filters.py)."""

    status: list[str] = Field(
        [], description="Repeat it or separate with commas: status=new&status=waiting."
    )
    type: str | None = Field(None, description="consultation, incident, complaint, suggestion.")
    channel: str | None = Field(None, description="phone, email, chat, portal, wecom, api, …")
    priority: str | None = Field(None, description="urgent, high, normal, low.")
    item: str | None = Field(None, description="A service item id.")
    customer: str | None = Field(None, description="A customer id.")
    assignee: str | None = Field(None, description="A user id, `me` or `none` (unassigned).")
    team: str | None = Field(None, description="A team id.")
    sla: str | None = Field(None, description="none, ok, warning, breached, paused, met.")
    tag: str | None = Field(None, description="A tag name.")
    created_from: str | None = Field(None, description="A day, YYYY-MM-DD (site time zone).")
    created_to: str | None = Field(None, description="A day, YYYY-MM-DD, included.")
    q: str | None = Field(None, description="Words in the title, #number or external id.")
    ordering: str | None = Field(
        None,
        description="-created_at (default), created_at, resolution_due_at, response_due_at, "
        "priority, updated_at.",
    )

    def as_filter_values(self) -> dict:
        return self.model_dump(exclude_none=True)


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0
