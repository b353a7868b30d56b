"""What the tickets API answers about tickets: ``ticket_data`` fills ``TicketOut`` (the list,
the detail and every action's answer) from a ticket whose related rows are joined and tags
prefetched, so a page costs the same number of queries whatever its size. Customer contacts
read the same shape, with staff-only values left out."""

from datetime import datetime

from ninja import Field
from pydantic import BaseModel

from opsbook.catalog.choices import Channel, Priority, TimeBasis

from .. import access
from ..choices import SlaState, Source, Status, TicketType
from ..filters import sla_state
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
