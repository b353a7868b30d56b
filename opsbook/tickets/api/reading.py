"""Reading tickets for the API with a fixed number of queries, whatever the page size, and
preparing a page of the timeline for the reader (customers: public events, allowed details)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from opsbook.accounts.models import User

from .. import access
from ..choices import EventKind
from ..models import Attachment, Comment, Ticket, TicketEvent
from ..schemas import ticket_detail_data, viewer_is_customer

# Shown with every ticket. PostgreSQL's planning time grows steeply with the number of joins
# (about 50 ms for seven on a fresh connection, 1 ms for three), so the three usually set are
# joined and the rest come in one small query each, whatever the page size.
JOINED = ("item", "customer", "assignee")
PREFETCHED = ("tags", "content", "contact", "team", "sla_calendar")
# Event details a customer may read (the events themselves are filtered by ``is_public``).
CUSTOMER_EVENT_DATA = frozenset(
    {"note", "comment", "by_customer", "name", "size", "attachment", "rating"}
)


def visible_tickets(request: HttpRequest) -> QuerySet[Ticket]:
    return (
        access.visible_tickets(request.user).select_related(*JOINED).prefetch_related(*PREFETCHED)
    )


def detail(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    """A ticket as the detail shows it. ``ticket`` was fetched through ``access`` or was just
    written by the caller: a write may leave it outside their scope (an agent opening a ticket
    for another team's service, handing one over), and they still get the result back."""
    watchers = User.objects.none() if viewer_is_customer(request) else User.objects.all()
    ticket = (
        Ticket.objects.select_related(*JOINED)
        .prefetch_related(*PREFETCHED, Prefetch("watchers", watchers))
        .get(pk=ticket.pk)
    )
    return ticket_detail_data(ticket, request)


def attachments(request: HttpRequest, ticket: Ticket) -> QuerySet[Attachment]:
    # Files sent together share their upload time: the name, then the id, keep the order stable.
    return (
        access.visible_attachments(request.user, ticket)
        .select_related("uploaded_by")
        .order_by("created_at", "name", "pk")
    )


def _comments(request: HttpRequest, ticket: Ticket) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", attachments(request, ticket), to_attr="attachment_list")
        )
    )


def comment(request: HttpRequest, ticket: Ticket, pk: int) -> Comment:
    return _comments(request, ticket).get(pk=pk)


def page_url(request: HttpRequest, offset: int) -> str:
    query = request.GET.copy()
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@dataclass
class ShownEvent:
    """A timeline event as ``EventOut`` reads it: the details the reader may see, and the reply
    or file it names (None when the reader may not see it)."""

    id: int
    at: datetime
    kind: str
    actor: User | None
    from_status: str
    to_status: str
    is_public: bool
    shown_data: dict[str, Any]
    comment_row: Comment | None
    attachment_row: Attachment | None


def _named(events: list[TicketEvent], kinds: tuple[str, ...], key: str, of: type) -> set[Any]:
    return {e.data.get(key) for e in events if e.kind in kinds and isinstance(e.data.get(key), of)}


def shown_events(
    request: HttpRequest, ticket: Ticket, events: list[TicketEvent]
) -> list[ShownEvent]:
    """Each reply's comment and each upload's file with its event (two queries a page), and
    the details a customer may read cut down to the allow-list."""
    customer = viewer_is_customer(request)
    comment_ids = _named(events, (EventKind.REPLY, EventKind.NOTE), "comment", int)
    file_ids = _named(events, (EventKind.ATTACHMENT,), "attachment", str)
    comments: dict[Any, Comment] = {}
    if comment_ids:
        rows = _comments(request, ticket).filter(pk__in=comment_ids)
        if customer:
            rows = rows.filter(is_public=True)
        comments = {c.pk: c for c in rows}
    files: dict[Any, Attachment] = {}
    if file_ids:
        try:
            files = {str(a.pk): a for a in attachments(request, ticket).filter(pk__in=file_ids)}
        except DjangoValidationError:
            files = {}
    shown = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if customer:
            data = {k: v for k, v in data.items() if k in CUSTOMER_EVENT_DATA}
        shown.append(
            ShownEvent(
                id=event.pk,
                at=event.at,
                kind=event.kind,
                actor=event.actor,
                from_status=event.from_status,
                to_status=event.to_status,
                is_public=event.is_public,
                shown_data=data,
                comment_row=comments.get(data.get("comment")),
                attachment_row=files.get(data.get("attachment")),
            )
        )
    return shown
