"""Shapes of the tickets API. Input schemas (``…In``, ``…Patch``) are separate from output
schemas (``…Out``): what a client may send is not what it reads back.

Output schemas read tickets prepared by ``tickets/api.py`` (related rows joined, tags
prefetched), so a page of tickets costs the same number of queries whatever its size. What a
customer contact reads has the same shape as what staff read; staff-only values are left out
(``root_cause`` and staff users' ids and usernames are null, ``watchers`` and
``allowed_transitions`` are empty). Ticket shapes are filled by ``ticket_data`` (one function
for the list, the detail and every action's answer); the smaller shapes read model instances
through ninja's resolvers.
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

from opsbook.catalog.choices import Channel, Priority, TimeBasis
from opsbook.core import clock

from . import access
from .choices import EventKind, FollowUpMethod, SlaState, Source, Status, TicketType
from .filters import sla_state

# --- who is reading, once per request ---------------------------------------------------------


def viewer_is_customer(request) -> bool:
    cached = getattr(request, "_opsbook_ticket_customer", None)
    if cached is None:
        cached = request._opsbook_ticket_customer = access.is_customer(request.user)
    return cached


def request_now(request) -> datetime:
    """One "now" per request, so every row of a page is judged at the same instant."""
    now = getattr(request, "_opsbook_now", None)
    if now is None:
        now = request._opsbook_now = clock.now()
    return now


def _customer(context) -> bool:
    return viewer_is_customer(context["request"])


def user_ref(user, *, for_customer: bool) -> dict | None:
    """A user as the reader may see them: customers read staff members' display names only."""
    if user is None:
        return None
    hidden = for_customer and user.is_staff_member
    return {
        "id": None if hidden else user.pk,
        "username": None if hidden else user.username,
        "display": user.label,
    }


# --- Output -----------------------------------------------------------------------------------


class Out(BaseModel):
    """Ticket shapes are plain pydantic models filled with dicts by ``ticket_data``: a page of
    fifty tickets is validated in pydantic's core, without ninja's per-attribute getter (the
    list's serialisation is most of its cost at a million tickets)."""


class UserRef(Out):
    id: int | None = Field(description="Null when a customer contact reads a staff member.")
    username: str | None
    display: str


class ItemRef(Out):
    id: int
    code: str
    name: str


class CustomerRef(Out):
    id: int
    code: str
    name: str


class TeamRef(Out):
    id: int
    name: str


class SlaTargets(Out):
    response_seconds: int | None = Field(description="Null: no response target.")
    resolution_seconds: int | None = Field(description="Null: no resolution target.")


class SlaOut(Out):
    state: SlaState = Field(
        description="none, ok, warning (at risk), breached, paused (waiting on the customer) "
        "or met, as of the request; the same rule as the list's `sla` filter."
    )
    standard_id: int | None = Field(description="The service standard the targets come from.")
    calendar: str | None = Field(
        description="The business calendar's name; null for calendar time or no target."
    )
    time_basis: TimeBasis | None = Field(
        description="business or calendar: what the seconds below count."
    )
    targets: SlaTargets
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    response_business_seconds: int | None = Field(
        description="Counted time to the first public reply by staff (so far, if none yet)."
    )
    resolution_business_seconds: int | None = Field(
        description="Counted time to resolution (so far, if not resolved), pauses left out."
    )
    paused_business_seconds: int = Field(description="Counted time spent waiting on the customer.")
    response_breached: bool
    resolution_breached: bool
    calendar_incomplete: bool = Field(
        description="The clocks touch a year the calendar has no data for; nothing is guessed."
    )
    computed_at: datetime | None = Field(description="When the stored values were computed.")


class TicketOut(Out):
    id: int
    number: str = Field(description="#<id>, as the web pages show it.")
    title: str
    description: str
    type: TicketType
    channel: Channel
    priority: Priority
    status: Status
    source: Source
    item: ItemRef | None = Field(description="The service item of the checklist.")
    content: ItemRef | None = Field(description="The piece of service content, if one.")
    customer: CustomerRef | None
    contact: UserRef | None
    requester_name: str
    requester_email: str
    requester_phone: str
    assignee: UserRef | None
    team: TeamRef | None
    tags: list[str]
    external_id: str | None = Field(description="The number in the system it was imported from.")
    root_cause: str | None = Field(description="Staff only (null for customer contacts).")
    reopened_count: int
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    sla: SlaOut
    rating: int | None = Field(description="1–5 from the customer; null until they rate.")
    rating_comment: str
    rated_at: datetime | None
    version: int = Field(description="Send it back with a change to detect concurrent edits.")


class TicketDetailOut(TicketOut):
    watchers: list[UserRef] = Field(description="Staff only (empty for customer contacts).")
    allowed_transitions: list[Status] = Field(
        description="Statuses the caller may move the ticket to now (POST …/transition)."
    )
    closing_blockers: list[str] = Field(
        description="Why it may not be closed yet (complaints: root cause, follow-up visit)."
    )


class TicketPage(Out):
    items: list[TicketOut]
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL; null on the last page.")
    previous: str | None = Field(description="The previous page's URL; null on the first.")


def sla_of(ticket, now: datetime) -> dict:
    calendar = ticket.sla_calendar
    basis = ticket.sla_time_basis or None
    return {
        "state": sla_state(ticket, now),
        "standard_id": ticket.sla_standard_id,
        "calendar": calendar.name if calendar is not None and basis != TimeBasis.CALENDAR else None,
        "time_basis": basis,
        "targets": {
            "response_seconds": ticket.response_target_seconds,
            "resolution_seconds": ticket.resolution_target_seconds,
        },
        "response_due_at": ticket.response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "response_business_seconds": ticket.response_business_seconds,
        "resolution_business_seconds": ticket.resolution_business_seconds,
        "paused_business_seconds": ticket.paused_business_seconds,
        "response_breached": ticket.response_breached,
        "resolution_breached": ticket.resolution_breached,
        "calendar_incomplete": ticket.calendar_incomplete,
        "computed_at": ticket.sla_computed_at,
    }


def _code_ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "code": obj.code, "name": obj.name}


TICKET_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "type",
    "channel",
    "priority",
    "status",
    "source",
    "requester_name",
    "requester_email",
    "requester_phone",
    "external_id",
    "reopened_count",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "rating",
    "rating_comment",
    "rated_at",
    "version",
)


def ticket_data(ticket, request) -> dict:
    """One ticket as ``TicketOut`` (its related rows joined and its tags prefetched)."""
    for_customer = viewer_is_customer(request)
    data = {name: getattr(ticket, name) for name in TICKET_COLUMNS}
    team = ticket.team
    data |= {
        "item": _code_ref(ticket.item),
        "content": _code_ref(ticket.content),
        "customer": _code_ref(ticket.customer),
        "contact": user_ref(ticket.contact, for_customer=for_customer),
        "assignee": user_ref(ticket.assignee, for_customer=for_customer),
        "team": None if team is None else {"id": team.pk, "name": team.name},
        "tags": [tag.name for tag in ticket.tags.all()],
        "root_cause": None if for_customer else ticket.root_cause,
        "sla": sla_of(ticket, request_now(request)),
    }
    return data


def ticket_detail_data(ticket, request) -> dict:
    """One ticket as ``TicketDetailOut`` (watchers prefetched too)."""
    data = ticket_data(ticket, request)
    if viewer_is_customer(request):
        return data | {"watchers": [], "allowed_transitions": [], "closing_blockers": []}
    done = ticket.status in (Status.CLOSED, Status.CANCELLED)
    may_edit = access.can_edit_ticket(request.user, ticket)
    return data | {
        "watchers": [user_ref(u, for_customer=False) for u in ticket.watchers.all()],
        "allowed_transitions": ticket.allowed_transitions(request_now(request)) if may_edit else [],
        "closing_blockers": [] if done else ticket.closing_blockers(),
    }


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
        return user_ref(obj.uploaded_by, for_customer=_customer(context))

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
        return user_ref(obj.author, for_customer=_customer(context))

    @staticmethod
    def resolve_author_name(obj, context) -> str:
        if _customer(context) and obj.author is not None and obj.author.is_staff_member:
            return obj.author.label
        return obj.author_name

    @staticmethod
    def resolve_attachments(obj) -> list:
        return obj.attachment_list


class ReplyOut(Schema):
    comment: CommentOut
    ticket: TicketDetailOut


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
        return user_ref(obj.actor, for_customer=_customer(context))

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


# --- Input ------------------------------------------------------------------------------------

Ref = int | str
Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=20_000)]
Body = Annotated[str, Field(min_length=1, max_length=20_000)]
Tags = Annotated[list[Annotated[str, Field(max_length=50)]], Field(max_length=20)]
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
    requester_name: Annotated[str, Field(max_length=100)] = ""
    requester_email: Annotated[str, Field(max_length=254)] = ""
    requester_phone: Annotated[str, Field(max_length=40)] = ""
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
    requester_name: Annotated[str, Field(max_length=100)] | None = None
    requester_email: Annotated[str, Field(max_length=254)] | None = None
    requester_phone: Annotated[str, Field(max_length=40)] | None = None
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
    note: Annotated[str, Field(max_length=2000)] = ""
    version: Version = None


class FollowUpIn(Strict):
    method: FollowUpMethod
    outcome: Body
    customer_satisfied: bool | None = None
    at: datetime | None = Field(None, description="When it took place (default: now).")


class RatingIn(Strict):
    rating: int = Field(ge=1, le=5)
    comment: Annotated[str, Field(max_length=2000)] = ""


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
    offset: int = Field(0, ge=0)
