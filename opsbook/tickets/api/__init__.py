"""The tickets' HTTP API, mounted at /api/tickets/.

Routes fetch through ``access.py`` (a ticket outside the caller's scope is a 404, whoever the
caller is) and write through ``services`` (permission, validation, status machine, SLA clocks,
optimistic locking, timeline, notifications), exactly as the ticket pages and the portal do.
Customer contacts see their organisation's tickets without internal notes, internal files or
staff-only timeline events. The list is filtered by ``filters.py``, the allow-list parser the
web list uses, and is paged without counting the matches (docs/developers/api.md).

The routes are here (their OpenAPI operation ids name this module); ``reading`` fetches with a
fixed number of queries, ``references`` resolves what a client names, ``uploads`` checks files.
A service's ConflictError is the API's 409 (opsbook/api.py), its ValidationError a 422 with the
field named (``as_field_errors``) and its PermissionDenied a 403.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import ValidationError
from ninja.responses import Status as HttpStatus

from opsbook.accounts.access import is_staff_member
from opsbook.core.api import Id, Message, ValidationErrors, as_field_errors, invalid
from opsbook.core.permissions import api_guard, require

from .. import access, export, services
from .. import filters as ticket_filters
from ..choices import Source
from ..filters import TicketFilters
from ..models import ExportJob, FollowUp
from ..presenters import PUBLIC_EVENTS
from ..schemas import (
    AnyTicketDetail,
    AnyTicketPage,
    AssignIn,
    AttachmentOut,
    EventPage,
    FollowUpIn,
    FollowUpOut,
    NoteIn,
    PageIn,
    RatingIn,
    ReplyIn,
    ReplyOut,
    TicketFilterQuery,
    TicketIn,
    TicketPatch,
    TransitionIn,
    request_now,
    ticket_data,
    viewer_is_customer,
)
from ..schemas.exports import ExportJobOut, TicketExportJobQuery, TicketExportQuery
from ..schemas.follow_ups import FollowUpTaskPage, FollowUpTaskQuery
from ..services.exports import do_request_ticket_export, may_export
from .reading import attachments, comment, detail, page_url, shown_events, visible_tickets
from .references import References
from .uploads import DOWNLOAD_RESPONSE, UPLOAD_BODY, checked_uploads, wants_public

router = Router(tags=["tickets"])

READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Message, 422: ValidationErrors}


# What a customer contact may filter and order the list by: the fields the portal shows them.
CUSTOMER_FILTERS = {
    *("status", "type", "item", "customer", "created_from", "created_to", "q", "ordering")
}
CUSTOMER_ORDERINGS = ("-created_at", "created_at", "updated_at")
# What only staff set on a new ticket (a customer sending one gets a 422 naming it).
STAFF_ONLY_INPUT = ("assignee", "team", "tags", "watchers")


def refuse_staff_only(values: dict, allowed: set[str], prefix: tuple[str, ...], message) -> None:
    refused = [name for name, value in values.items() if name not in allowed and value]
    if refused:
        raise ValidationError(
            [
                {"loc": [*prefix, name], "msg": str(message), "type": "value_error"}
                for name in refused
            ]
        )


def _may_open_tickets(user: Any) -> bool:
    return access.can_work_tickets(user) or access.is_customer(user)


def _role_refused() -> str:
    return _("Your role does not allow this.")


def _staff_only() -> str:
    return _("Only staff see follow-up visits.")


EXPORT_JOB_FIELDS = (
    *("id", "format", "state", "rows_done", "rows_total", "created_at", "finished_at"),
    "expires_at",
)


# --- Tickets ----------------------------------------------------------------------------------


@router.get("/", response={200: AnyTicketPage, **READ_ERRORS, 422: ValidationErrors})
def list_tickets(request: HttpRequest, filters: Query[TicketFilterQuery], page: Query[PageIn]):
    """Tickets the caller sees, newest first unless ``ordering`` says otherwise.

    Pages follow ``next`` (null on the last page); there is no total, so a page costs the same
    at a thousand tickets as at a million.
    """
    return _list_page(request, filters, page)


def _chosen_filters(request: HttpRequest, filters: TicketFilterQuery) -> TicketFilters:
    """The filters as the list understands them; a customer contact may use only those the
    portal shows (a 422 names any other)."""
    values = filters.as_filter_values()
    if viewer_is_customer(request):
        refuse_staff_only(
            values,
            CUSTOMER_FILTERS,
            ("query",),
            _("Customer contacts cannot filter by this field."),
        )
        if values.get("ordering") not in (None, *CUSTOMER_ORDERINGS):
            raise invalid(
                ["query", "ordering"],
                _("Customer contacts can order by creation or last update only."),
            )
    with as_field_errors(prefix=("query",)):
        return ticket_filters.filters_from_dict(values, user=request.user)


def _list_page(request: HttpRequest, filters: TicketFilterQuery, page: PageIn) -> dict:
    chosen = _chosen_filters(request, filters)
    qs = ticket_filters.apply(visible_tickets(request), chosen, request_now(request))
    rows = list(qs[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    return {
        "items": [ticket_data(ticket, request) for ticket in rows[: page.limit]],
        "limit": page.limit,
        "offset": page.offset,
        "next": page_url(request, page.offset + page.limit) if more else None,
        "previous": page_url(request, max(page.offset - page.limit, 0)) if page.offset else None,
    }


@router.post("/", response={201: AnyTicketDetail, **WRITE_ERRORS})
@api_guard(_may_open_tickets, _role_refused)
def create_ticket(request: HttpRequest, payload: TicketIn):
    """Open a ticket. Staff name any service, customer, contact and assignee (by id or by
    code / username / name); customer contacts open tickets for their own organisation on the
    services it receives, through the portal channel."""
    user = request.user
    if viewer_is_customer(request):
        sent = {name: True for name in payload.model_fields_set if name in STAFF_ONLY_INPUT}
        refuse_staff_only(sent, set(), ("body", "payload"), _("Only staff can set this field."))
    refs = References(user)
    item = refs.item(payload.item)
    values = payload.model_dump(
        exclude={"item", "content", "customer", "contact", "assignee", "team", "watchers"}
    )
    with as_field_errors():
        ticket = services.do_create_ticket(
            user,
            item=item,
            content=refs.content(payload.content, item),
            customer=refs.customer(payload.customer),
            contact=refs.contact(payload.contact),
            assignee=refs.assignee(payload.assignee),
            team=refs.team(payload.team),
            watchers=refs.watchers(payload.watchers),
            source=Source.API,
            **values,
        )
    return HttpStatus(201, detail(request, ticket))


# --- Exports of the list (declared before "/{ticket_id}", which would take the path) ----------


def _job_data(request: HttpRequest, job: ExportJob) -> dict:
    data = {name: getattr(job, name) for name in EXPORT_JOB_FIELDS}
    done = job.is_downloadable(request_now(request))
    url = reverse("api:download_ticket_export", kwargs={"export_id": job.pk}) if done else None
    data["download"] = request.build_absolute_uri(url) if url else None
    return data


@router.get(
    "/export",
    response={**READ_ERRORS, 409: Message, 422: ValidationErrors},
    url_name="export_tickets",
    openapi_extra={"responses": DOWNLOAD_RESPONSE},
)
@api_guard(may_export, _role_refused)
def export_tickets(
    request: HttpRequest, filters: Query[TicketFilterQuery], fmt: Query[TicketExportQuery]
):
    """The tickets the list shows the caller with these filters, as an .xlsx or a CSV download
    (formula-safe, times in the caller's time zone; customer contacts get the portal's
    columns). More than ``OPSBOOK_TICKET_EXPORT_DIRECT_ROWS`` (5,000) rows is a 409: POST the
    same query to run the export in the background."""
    chosen = _chosen_filters(request, filters)
    now = request_now(request)
    limit = settings.OPSBOOK_TICKET_EXPORT_DIRECT_ROWS
    if export.capped_count(export.scoped_tickets(request.user, chosen, now), limit) > limit:
        return HttpStatus(
            409,
            {
                "detail": _(
                    "More than %(limit)d tickets match: POST the same query to "
                    "/api/tickets/export to export them in the background."
                )
                % {"limit": limit}
            },
        )
    return export.download_response(request.user, chosen, fmt.format, now)


@router.post(
    "/export",
    response={202: ExportJobOut, **READ_ERRORS, 422: ValidationErrors},
    url_name="start_ticket_export",
)
@api_guard(may_export, _role_refused)
def start_ticket_export(
    request: HttpRequest, filters: Query[TicketFilterQuery], fmt: Query[TicketExportJobQuery]
):
    """Export the list in the background, whatever its size; follow the answer's ``id`` at
    ``/api/tickets/exports/{id}`` until ``state`` is done, then fetch ``download``."""
    chosen = _chosen_filters(request, filters)
    with as_field_errors(prefix=("query",)):
        job = do_request_ticket_export(request.user, chosen, fmt.format, request_now(request))
    return HttpStatus(202, _job_data(request, job))


@router.get(
    "/exports/{export_id}",
    response={200: ExportJobOut, **READ_ERRORS, 422: ValidationErrors},
    url_name="ticket_export",
)
def get_ticket_export(request: HttpRequest, export_id: UUID):
    """One of the caller's exports (anyone else's is a 404)."""
    return _job_data(request, access.get_export_for_user(request.user, export_id))


@router.get(
    "/exports/{export_id}/file",
    response={**READ_ERRORS, 422: ValidationErrors},
    url_name="download_ticket_export",
    openapi_extra={"responses": DOWNLOAD_RESPONSE},
)
def download_ticket_export(request: HttpRequest, export_id: UUID):
    """A finished export's file, as an attachment, for the person who asked for it only."""
    job = access.get_export_for_user(request.user, export_id)
    if not job.is_downloadable(request_now(request)):
        raise Http404
    return export.file_response(job)


# --- Follow-up visits owed (declared before "/{ticket_id}", which would take the path) -------


@router.get(
    "/follow-up-tasks",
    response={200: FollowUpTaskPage, **READ_ERRORS, 422: ValidationErrors},
    url_name="follow_up_tasks",
)
@api_guard(is_staff_member, _staff_only)
def list_follow_up_tasks(
    request: HttpRequest, filters: Query[FollowUpTaskQuery], page: Query[PageIn]
):
    """Follow-up visits (回访) owed on the tickets the caller sees, and their own, soonest due
    first. Staff only: customers never see them."""
    now = request_now(request)
    tasks = access.visible_follow_up_tasks(request.user)
    if filters.state == "open":
        tasks = tasks.open()
    elif filters.state == "overdue":
        tasks = tasks.overdue(now)
    elif filters.state == "done":
        tasks = tasks.filter(done_at__isnull=False)
    elif filters.state == "cancelled":
        tasks = tasks.filter(cancelled_at__isnull=False)
    if filters.reason:
        tasks = tasks.filter(reason=filters.reason)
    if filters.owner == "me":
        tasks = tasks.filter(owner=request.user)
    elif filters.owner == "none":
        tasks = tasks.filter(owner__isnull=True)
    tasks = tasks.select_related("ticket", "owner").order_by("due_at", "pk")
    rows = list(tasks[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    return {
        "items": rows[: page.limit],
        "limit": page.limit,
        "offset": page.offset,
        "next": page_url(request, page.offset + page.limit) if more else None,
        "previous": page_url(request, max(page.offset - page.limit, 0)) if page.offset else None,
    }


@router.get("/{ticket_id}", response={200: AnyTicketDetail, **READ_ERRORS})
def get_ticket(request: HttpRequest, ticket_id: Id):
    return detail(request, access.get_ticket_for_user(request.user, ticket_id))


@router.patch("/{ticket_id}", response={200: AnyTicketDetail, **WRITE_ERRORS})
def update_ticket(request: HttpRequest, ticket_id: Id, payload: TicketPatch):
    """Change the fields sent. Status, assignment, replies and notes have routes of their own.
    Send the ``version`` you read to get a 409 instead of overwriting someone's change."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    require(access.can_edit_ticket(request.user, ticket))
    sent = payload.model_fields_set
    values = payload.model_dump(exclude_unset=True, exclude={"version", "tags"})
    refs = References(request.user, ticket)
    if "item" in sent:
        values["item"] = refs.item(payload.item)
    if "content" in sent:
        item = values["item"] if "item" in sent else ticket.item
        values["content"] = refs.content(payload.content, item)
    if "customer" in sent:
        values["customer"] = refs.customer(payload.customer)
    if "contact" in sent:
        values["contact"] = refs.contact(payload.contact)
    with as_field_errors():
        services.do_update_ticket(
            request.user,
            ticket,
            expected_version=payload.version,
            tags=payload.tags if "tags" in sent else None,
            **values,
        )
    return detail(request, ticket)


# --- Actions ----------------------------------------------------------------------------------


@router.post("/{ticket_id}/reply", response={201: ReplyOut, **WRITE_ERRORS})
def reply(request: HttpRequest, ticket_id: Id, payload: ReplyIn):
    """A public reply: the customer sees it, and the first one by staff stops the response
    clock. A customer's reply resumes a ticket waiting on them."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        written = services.do_reply(
            request.user,
            ticket,
            payload.body,
            then_status=payload.then_status,
            expected_version=payload.version,
        )
    return HttpStatus(
        201,
        {"comment": comment(request, ticket, written.pk), "ticket": detail(request, ticket)},
    )


@router.post("/{ticket_id}/note", response={201: ReplyOut, **WRITE_ERRORS})
def add_note(request: HttpRequest, ticket_id: Id, payload: NoteIn):
    """An internal note: staff only, never shown to customers."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        written = services.do_add_note(
            request.user, ticket, payload.body, expected_version=payload.version
        )
    return HttpStatus(
        201,
        {"comment": comment(request, ticket, written.pk), "ticket": detail(request, ticket)},
    )


@router.post("/{ticket_id}/assign", response={200: AnyTicketDetail, **WRITE_ERRORS})
def assign(request: HttpRequest, ticket_id: Id, payload: AssignIn):
    """Hand the ticket to a staff member and/or a team. Agents hand over inside their team;
    managers and administrators move tickets between teams."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    require(access.can_edit_ticket(request.user, ticket))
    refs = References(request.user)
    assignee = refs.assignee(payload.assignee)
    team = refs.team(payload.team)
    with as_field_errors():
        services.do_assign_ticket(
            request.user, ticket, assignee=assignee, team=team, expected_version=payload.version
        )
    return detail(request, ticket)


@router.post("/{ticket_id}/transition", response={200: AnyTicketDetail, **WRITE_ERRORS})
def transition(request: HttpRequest, ticket_id: Id, payload: TransitionIn):
    """Move the ticket through its status machine; the detail's ``allowed_transitions`` says
    where it may go now. Closing a complaint needs a root cause and a follow-up visit."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        services.do_change_status(
            request.user,
            ticket,
            payload.status,
            expected_version=payload.version,
            note=payload.note.strip(),
        )
    return detail(request, ticket)


@router.get("/{ticket_id}/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS})
def list_follow_ups(request: HttpRequest, ticket_id: Id):
    """Follow-up visits (回访): staff only."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    require(not access.is_customer(request.user))
    return list(FollowUp.objects.filter(ticket=ticket).select_related("by"))


@router.post("/{ticket_id}/follow-ups", response={201: FollowUpOut, **WRITE_ERRORS})
def add_follow_up(request: HttpRequest, ticket_id: Id, payload: FollowUpIn):
    """Record a follow-up visit (回访): how, the outcome, and whether the customer was
    satisfied."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        follow_up = services.do_add_follow_up(request.user, ticket, **payload.model_dump())
    return HttpStatus(201, FollowUp.objects.select_related("by").get(pk=follow_up.pk))


@router.post("/{ticket_id}/rating", response={200: AnyTicketDetail, **WRITE_ERRORS})
def rate(request: HttpRequest, ticket_id: Id, payload: RatingIn):
    """The customer's satisfaction, 1–5 with an optional comment, once, after resolution.
    Customer contacts of the ticket's organisation only."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        services.do_rate_ticket(ticket, payload.rating, payload.comment, actor=request.user)
    return detail(request, ticket)


# --- Attachments ------------------------------------------------------------------------------


@router.get("/{ticket_id}/attachments", response={200: list[AttachmentOut], **READ_ERRORS})
def list_attachments(request: HttpRequest, ticket_id: Id):
    """The ticket's files (customers: those shared with them)."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    return list(attachments(request, ticket))


@router.post(
    "/{ticket_id}/attachments",
    response={201: list[AttachmentOut], 413: Message, **WRITE_ERRORS},
    openapi_extra=UPLOAD_BODY,
)
def upload_attachments(request: HttpRequest, ticket_id: Id):
    """Attach files (multipart field ``file``, repeatable). Each file's size, extension and
    first bytes are checked; active content (HTML, SVG, scripts) is refused."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    require(
        access.can_edit_ticket(request.user, ticket)
        or access.can_reply_as_customer(request.user, ticket)
    )
    uploads = checked_uploads(request)
    with as_field_errors(prefix=("body", "file")):
        stored = services.do_add_attachments(
            request.user, ticket, uploads, public=wants_public(request)
        )
    rows = {a.pk: a for a in attachments(request, ticket).filter(pk__in=[a.pk for a in stored])}
    return HttpStatus(201, [rows[a.pk] for a in stored])  # in the order they were sent


@router.get(
    "/{ticket_id}/attachments/{attachment_id}",
    response=READ_ERRORS,
    url_name="download_ticket_attachment",
    openapi_extra={"responses": DOWNLOAD_RESPONSE},
)
def download_attachment(request: HttpRequest, ticket_id: Id, attachment_id: str):
    """The file, always as a download (never shown inline), after the permission check."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    attachment = access.get_attachment_for_user(request.user, attachment_id)
    if attachment.ticket_id != ticket.pk:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Timeline ---------------------------------------------------------------------------------


@router.get("/{ticket_id}/events", response={200: EventPage, **READ_ERRORS, 422: ValidationErrors})
def list_events(request: HttpRequest, ticket_id: Id, page: Query[PageIn]):
    """The ticket's timeline, oldest first: creation, status changes, assignments, replies and
    notes (with their text and files), uploads, SLA warnings, follow-ups, the rating.
    Customer contacts read public events only; internal notes never reach them."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    events = ticket.events.select_related("actor")
    if viewer_is_customer(request):
        # What the portal's timeline shows (tickets/presenters.public_timeline).
        events = events.filter(is_public=True, kind__in=PUBLIC_EVENTS)
    rows = list(events[page.offset : page.offset + page.limit])
    return {"items": shown_events(request, ticket, rows), "count": events.count()}
