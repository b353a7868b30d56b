"""What the tickets API answers about tickets: ``ticket_data`` fills ``TicketOut`` (the list,
the detail and every action's answer) from a ticket whose related rows are joined and tags
prefetched, so a page costs the same number of queries whatever its size.

Customer contacts read another shape, ``CustomerTicketOut``: what the portal shows them and
nothing more (no assignee, team, tags, SLA clocks, priority, channel, root cause or watchers).
It forbids extra properties (``additionalProperties: false`` in the OpenAPI document), so an
answer that let a staff-only field through would fail the published schema."""

from datetime import datetime

from ninja import Field
from pydantic import BaseModel, ConfigDict

from opsbook.catalog.choices import Channel, Priority, TimeBasis

from .. import access
from ..choices import SlaState, Source, Status, TicketType
from ..filters import sla_state
from ..models import Ticket
from .reader import request_now, user_ref, viewer_is_customer


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
    """A ticket as staff read it (customer contacts read ``CustomerTicketOut``)."""

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
    root_cause: str | None = Field(description="Complaints: why it happened.")
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
    watchers: list[UserRef] = Field(description="Staff members kept informed.")
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


class ServiceRef(Out):
    id: int
    name: str = Field(description="The service's name as the portal shows it.")


class OrganisationRef(Out):
    id: int
    name: str


class CustomerOut(Out):
    model_config = ConfigDict(extra="forbid")


class CustomerTicketOut(CustomerOut):
    """A ticket as a customer contact reads it: what the portal shows them."""

    id: int
    number: str = Field(description="#<id>, as the portal shows it.")
    title: str
    description: str
    type: TicketType
    status: Status
    item: ServiceRef | None = Field(description="The service the request is about.")
    customer: OrganisationRef | None = Field(description="Your organisation.")
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    rating: int | None = Field(description="Your rating, 1–5; null until you rate.")
    rating_comment: str
    rated_at: datetime | None
    version: int = Field(description="Send it back with a reply to detect concurrent edits.")


class CustomerTicketDetailOut(CustomerTicketOut):
    can_reply: bool = Field(
        description="Whether a reply is accepted now (a resolved request is reopened by it, "
        "within the reopening period)."
    )
    can_rate: bool = Field(description="Whether the request may be rated now (once, when done).")


class CustomerTicketPage(CustomerOut):
    items: list[CustomerTicketOut]
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL; null on the last page.")
    previous: str | None = Field(description="The previous page's URL; null on the first.")


# Each route answers one shape or the other, by who asks: staff, or a customer contact.
AnyTicketDetail = TicketDetailOut | CustomerTicketDetailOut
AnyTicketPage = TicketPage | CustomerTicketPage

CUSTOMER_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "type",
    "status",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "rating",
    "rating_comment",
    "rated_at",
    "version",
)
RATED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def customer_ticket_data(ticket: Ticket) -> dict:
    """One ticket as ``CustomerTicketOut``: the portal's fields only."""
    data = {name: getattr(ticket, name) for name in CUSTOMER_COLUMNS}
    item, customer = ticket.item, ticket.customer
    data["item"] = None if item is None else {"id": item.pk, "name": item.name}
    data["customer"] = None if customer is None else {"id": customer.pk, "name": customer.name}
    return data


def customer_may_reply(ticket: Ticket, now: datetime) -> bool:
    """The portal's rule: not on a cancelled request; on a done one only while it may reopen."""
    if ticket.status == Status.CANCELLED:
        return False
    if ticket.status in RATED_STATUSES:
        return ticket.can_reopen(now)
    return True


def customer_may_rate(ticket: Ticket) -> bool:
    return ticket.status in RATED_STATUSES and ticket.rating is None


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
    """One ticket as ``TicketOut`` (its related rows joined and its tags prefetched), or as
    ``CustomerTicketOut`` for a customer contact."""
    for_customer = viewer_is_customer(request)
    if for_customer:
        return customer_ticket_data(ticket)
    data = {name: getattr(ticket, name) for name in TICKET_COLUMNS}
    team = ticket.team
    data |= {
        "item": _code_ref(ticket.item),
        "content": _code_ref(ticket.content),
        "customer": _code_ref(ticket.customer),
        "contact": user_ref(ticket.contact, for_customer=False),
        "assignee": user_ref(ticket.assignee, for_customer=False),
        "team": None if team is None else {"id": team.pk, "name": team.name},
        "tags": [tag.name for tag in ticket.tags.all()],
        "root_cause": ticket.root_cause,
        "sla": sla_of(ticket, request_now(request)),
    }
    return data


def ticket_detail_data(ticket, request) -> dict:
    """One ticket as ``TicketDetailOut`` (watchers prefetched too)."""
    data = ticket_data(ticket, request)
    if viewer_is_customer(request):
        now = request_now(request)
        return data | {
            "can_reply": customer_may_reply(ticket, now),
            "can_rate": customer_may_rate(ticket),
        }
    done = ticket.status in (Status.CLOSED, Status.CANCELLED)
    may_edit = access.can_edit_ticket(request.user, ticket)
    return data | {
        "watchers": [user_ref(u, for_customer=False) for u in ticket.watchers.all()],
        "allowed_transitions": ticket.allowed_transitions(request_now(request)) if may_edit else [],
        "closing_blockers": [] if done else ticket.closing_blockers(),
    }
