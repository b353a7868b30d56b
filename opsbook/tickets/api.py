"""The tickets' HTTP API, mounted at /api/tickets/.

Routes fetch through ``access.py`` (a ticket outside the caller's scope is a 404, whoever the
caller is) and write through ``services.py`` (validation, status machine, SLA clocks,
optimistic locking, timeline, notifications), exactly as the ticket pages and the portal do.
Customer contacts see their organisation's tickets without internal notes, internal files or
staff-only timeline events. The list is filtered by ``filters.py``, the allow-list parser the
web list uses, and is paged without counting the matches (docs/developers/api.md).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status as HttpStatus

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.models import ServiceContent, ServiceItem
from opsbook.core.api import Message, ValidationErrors, as_field_errors, invalid

from . import access, services
from . import filters as ticket_filters
from .attachments import check_upload
from .choices import EventKind, Source
from .models import Attachment, Comment, FollowUp, Ticket, TicketEvent
from .schemas import (
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
    TicketDetailOut,
    TicketFilterQuery,
    TicketIn,
    TicketPage,
    TicketPatch,
    TransitionIn,
    request_now,
    ticket_data,
    ticket_detail_data,
    viewer_is_customer,
)

router = Router(tags=["tickets"])

READ_ERRORS = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS = {**READ_ERRORS, 409: Message, 422: ValidationErrors}
PAYLOAD = ("body", "payload")
# Shown with every ticket. PostgreSQL's planning time grows steeply with the number of joins
# (about 50 ms for seven on a fresh connection, 1 ms for three), so the three usually set are
# joined and the rest come in one small query each, whatever the page size.
JOINED = ("item", "customer", "assignee")
PREFETCHED = ("tags", "content", "contact", "team", "sla_calendar")
# Event details a customer may read (the events themselves are filtered by ``is_public``).
CUSTOMER_EVENT_DATA = frozenset(
    {"note", "comment", "by_customer", "name", "size", "attachment", "rating"}
)
MAX_FILES = 10
# Room for the multipart envelope around the files when comparing Content-Length.
MULTIPART_SLACK = 64 * 1024
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))


def _may_open_tickets(user) -> bool:
    return access.can_work_tickets(user) or access.is_customer(user)


# --- Reading with a fixed number of queries ----------------------------------------------------


def _tickets(request: HttpRequest) -> QuerySet[Ticket]:
    return (
        access.visible_tickets(request.user).select_related(*JOINED).prefetch_related(*PREFETCHED)
    )


def _detail(request: HttpRequest, ticket: Ticket) -> dict:
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


def _attachments(request: HttpRequest, ticket: Ticket) -> QuerySet[Attachment]:
    # Files sent together share their upload time: the name, then the id, keep the order stable.
    return (
        access.visible_attachments(request.user, ticket)
        .select_related("uploaded_by")
        .order_by("created_at", "name", "pk")
    )


def _comment(request: HttpRequest, ticket: Ticket, pk: int) -> Comment:
    return (
        Comment.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", _attachments(request, ticket), to_attr="attachment_list")
        )
        .get(pk=pk)
    )


def _page_url(request: HttpRequest, offset: int) -> str:
    query = request.GET.copy()
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


# --- Turning references into objects the caller may see --------------------------------------


def _find(qs: QuerySet, ref, text_field: str):
    """A row of ``qs`` by id (a number) or by ``text_field`` (a string)."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return qs.filter(pk=ref).first() if 0 < ref < 2**63 else None
    text = ref.strip()
    return qs.filter(**{text_field: text}).first() if text else None


def _matches(obj, ref, text_field: str) -> bool:
    if obj is None or isinstance(ref, bool):
        return False
    if isinstance(ref, int):
        return obj.pk == ref
    return getattr(obj, text_field) == ref.strip()


def _unknown(loc: list, ref) -> HttpError:
    return invalid(
        [*PAYLOAD, *loc],
        _("There is no %(what)s %(ref)s that you may choose here.")
        % {"what": loc[0], "ref": repr(str(ref)[:60])},
    )


def _customers(user) -> QuerySet[Customer]:
    if access.is_customer(user):
        return Customer.objects.filter(pk=user.customer_id)
    return Customer.objects.all() if access.can_work_tickets(user) else Customer.objects.none()


def _contacts(user) -> QuerySet[User]:
    if access.is_customer(user):
        return User.objects.filter(pk=user.pk)
    if access.can_work_tickets(user):
        return User.objects.filter(role=Role.CUSTOMER, is_active=True)
    return User.objects.none()


def _staff(user) -> QuerySet[User]:
    return User.objects.staff() if access.can_work_tickets(user) else User.objects.none()


def _teams(user) -> QuerySet[Team]:
    return Team.objects.all() if access.can_work_tickets(user) else Team.objects.none()


class References:
    """Resolves the references of one request; a reference to something the caller may not
    see is refused exactly like one to something that does not exist (422, field named)."""

    def __init__(self, user, ticket: Ticket | None = None):
        self.user = user
        self.ticket = ticket

    def _one(self, loc, ref, qs, text_field, current=None):
        if ref is None:
            return None
        # A value the ticket already has is kept even when it is no longer offered (a retired
        # service, an inactive customer): sending back what you read is not a change.
        if _matches(current, ref, text_field):
            return current
        found = _find(qs, ref, text_field)
        if found is None:
            raise _unknown(loc, ref)
        return found

    def _current(self, name):
        return getattr(self.ticket, name) if self.ticket is not None else None

    def item(self, ref) -> ServiceItem | None:
        qs = access.items_for_new_ticket(self.user)
        return self._one(["item"], ref, qs, "code", self._current("item"))

    def content(self, ref, item: ServiceItem | None) -> ServiceContent | None:
        if ref is None:
            return None
        if item is None:
            raise invalid([*PAYLOAD, "content"], _("Choose the service item before its content."))
        qs = ServiceContent.objects.filter(item=item)
        return self._one(["content"], ref, qs, "code", self._current("content"))

    def customer(self, ref) -> Customer | None:
        return self._one(
            ["customer"], ref, _customers(self.user), "code", self._current("customer")
        )

    def contact(self, ref) -> User | None:
        return self._one(
            ["contact"], ref, _contacts(self.user), "username", self._current("contact")
        )

    def assignee(self, ref) -> User | None:
        return self._one(["assignee"], ref, _staff(self.user), "username")

    def team(self, ref) -> Team | None:
        return self._one(["team"], ref, _teams(self.user), "name")

    def watchers(self, refs) -> list[User]:
        qs = _staff(self.user)
        return [self._one(["watchers", i], ref, qs, "username") for i, ref in enumerate(refs)]


# --- Tickets ----------------------------------------------------------------------------------


@router.get("/", response={200: TicketPage, **READ_ERRORS, 422: ValidationErrors})
def list_tickets(request, filters: Query[TicketFilterQuery], page: Query[PageIn]):
    """Tickets the caller sees, newest first unless ``ordering`` says otherwise.

    Pages follow ``next`` (null on the last page); there is no total, so a page costs the same
    at a thousand tickets as at a million.
    """
    with as_field_errors(prefix=("query",)):
        chosen = ticket_filters.filters_from_dict(filters.as_filter_values(), user=request.user)
    qs = ticket_filters.apply(_tickets(request), chosen, request_now(request))
    rows = list(qs[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    return {
        "items": [ticket_data(ticket, request) for ticket in rows[: page.limit]],
        "limit": page.limit,
        "offset": page.offset,
        "next": _page_url(request, page.offset + page.limit) if more else None,
        "previous": _page_url(request, max(page.offset - page.limit, 0)) if page.offset else None,
    }


@router.post("/", response={201: TicketDetailOut, **WRITE_ERRORS})
def create_ticket(request, payload: TicketIn):
    """Open a ticket. Staff name any service, customer, contact and assignee (by id or by
    code / username / name); customer contacts open tickets for their own organisation on the
    services it receives, through the portal channel."""
    user = request.user
    _require(_may_open_tickets(user))
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
    return HttpStatus(201, _detail(request, ticket))


@router.get("/{ticket_id}", response={200: TicketDetailOut, **READ_ERRORS})
def get_ticket(request, ticket_id: int):
    return _detail(request, access.get_ticket_for_user(request.user, ticket_id))


@router.patch("/{ticket_id}", response={200: TicketDetailOut, **WRITE_ERRORS})
def update_ticket(request, ticket_id: int, payload: TicketPatch):
    """Change the fields sent. Status, assignment, replies and notes have routes of their own.
    Send the ``version`` you read to get a 409 instead of overwriting someone's change."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    _require(access.can_edit_ticket(request.user, ticket))
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
    return _detail(request, ticket)


# --- Actions ----------------------------------------------------------------------------------


@router.post("/{ticket_id}/reply", response={201: ReplyOut, **WRITE_ERRORS})
def reply(request, ticket_id: int, payload: ReplyIn):
    """A public reply: the customer sees it, and the first one by staff stops the response
    clock. A customer's reply resumes a ticket waiting on them."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        comment = services.do_reply(
            request.user,
            ticket,
            payload.body,
            then_status=payload.then_status,
            expected_version=payload.version,
        )
    return HttpStatus(
        201,
        {"comment": _comment(request, ticket, comment.pk), "ticket": _detail(request, ticket)},
    )


@router.post("/{ticket_id}/note", response={201: ReplyOut, **WRITE_ERRORS})
def add_note(request, ticket_id: int, payload: NoteIn):
    """An internal note: staff only, never shown to customers."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        comment = services.do_add_note(
            request.user, ticket, payload.body, expected_version=payload.version
        )
    return HttpStatus(
        201,
        {"comment": _comment(request, ticket, comment.pk), "ticket": _detail(request, ticket)},
    )


@router.post("/{ticket_id}/assign", response={200: TicketDetailOut, **WRITE_ERRORS})
def assign(request, ticket_id: int, payload: AssignIn):
    """Hand the ticket to a staff member and/or a team. Agents hand over inside their team;
    managers and administrators move tickets between teams."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    _require(access.can_edit_ticket(request.user, ticket))
    refs = References(request.user)
    assignee = refs.assignee(payload.assignee)
    team = refs.team(payload.team)
    with as_field_errors():
        services.do_assign_ticket(
            request.user, ticket, assignee=assignee, team=team, expected_version=payload.version
        )
    return _detail(request, ticket)


@router.post("/{ticket_id}/transition", response={200: TicketDetailOut, **WRITE_ERRORS})
def transition(request, ticket_id: int, payload: TransitionIn):
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
    return _detail(request, ticket)


@router.get("/{ticket_id}/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS})
def list_follow_ups(request, ticket_id: int):
    """Follow-up visits (回访): staff only."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    _require(not access.is_customer(request.user))
    return list(FollowUp.objects.filter(ticket=ticket).select_related("by"))


@router.post("/{ticket_id}/follow-ups", response={201: FollowUpOut, **WRITE_ERRORS})
def add_follow_up(request, ticket_id: int, payload: FollowUpIn):
    """Record a follow-up visit (回访): how, the outcome, and whether the customer was
    satisfied."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        follow_up = services.do_add_follow_up(request.user, ticket, **payload.model_dump())
    return HttpStatus(201, FollowUp.objects.select_related("by").get(pk=follow_up.pk))


@router.post("/{ticket_id}/rating", response={200: TicketDetailOut, **WRITE_ERRORS})
def rate(request, ticket_id: int, payload: RatingIn):
    """The customer's satisfaction, 1–5 with an optional comment, once, after resolution.
    Customer contacts of the ticket's organisation only."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    with as_field_errors():
        services.do_rate_ticket(ticket, payload.rating, payload.comment, actor=request.user)
    return _detail(request, ticket)


# --- Attachments ------------------------------------------------------------------------------

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": f"One to {MAX_FILES} files (repeat the field).",
                        },
                        "public": {
                            "type": "boolean",
                            "default": True,
                            "description": "Staff: false keeps the files from the customer.",
                        },
                    },
                }
            }
        },
    }
}
DOWNLOAD_RESPONSE = {
    200: {
        "description": "The file, as an attachment.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _too_large() -> HttpError:
    return HttpError(
        413,
        _("The upload is larger than the %(limit)s limit.")
        % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
    )


@router.get("/{ticket_id}/attachments", response={200: list[AttachmentOut], **READ_ERRORS})
def list_attachments(request, ticket_id: int):
    """The ticket's files (customers: those shared with them)."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    return list(_attachments(request, ticket))


@router.post(
    "/{ticket_id}/attachments",
    response={201: list[AttachmentOut], 413: Message, **WRITE_ERRORS},
    openapi_extra=UPLOAD_BODY,
)
def upload_attachments(request, ticket_id: int):
    """Attach files (multipart field ``file``, repeatable). Each file's size, extension and
    first bytes are checked; active content (HTML, SVG, scripts) is refused."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    _require(
        access.can_edit_ticket(request.user, ticket)
        or access.can_reply_as_customer(request.user, ticket)
    )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.ATTACHMENT_MAX_BYTES + MULTIPART_SLACK:
        raise _too_large()  # before Django reads the body
    uploads = request.FILES.getlist("file")
    if not uploads:
        raise invalid(["body", "file"], _("Attach the files as the form field 'file'."))
    if len(uploads) > MAX_FILES:
        raise invalid(
            ["body", "file"], _("Send at most %(count)d files at once.") % {"count": MAX_FILES}
        )
    if sum(upload.size for upload in uploads) > settings.ATTACHMENT_MAX_BYTES:
        raise _too_large()
    for index, upload in enumerate(uploads):
        try:
            check_upload(upload)
        except DjangoValidationError as exc:
            raise invalid(["body", "file", index], " ".join(exc.messages)) from None
    public = request.POST.get("public", "true").strip().lower() in TRUE_WORDS
    with as_field_errors(prefix=("body", "file")):
        stored = services.do_add_attachments(request.user, ticket, uploads, public=public)
    rows = {a.pk: a for a in _attachments(request, ticket).filter(pk__in=[a.pk for a in stored])}
    return HttpStatus(201, [rows[a.pk] for a in stored])  # in the order they were sent


@router.get(
    "/{ticket_id}/attachments/{attachment_id}",
    response=READ_ERRORS,
    url_name="download_ticket_attachment",
    openapi_extra={"responses": DOWNLOAD_RESPONSE},
)
def download_attachment(request, ticket_id: int, attachment_id: str):
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


def _prepare_events(request: HttpRequest, ticket: Ticket, events: list[TicketEvent]) -> None:
    """Attach each reply's comment and each upload's file to its event (two queries a page)
    and cut the details a customer may read down to the allow-list."""
    customer = viewer_is_customer(request)
    comment_ids = {
        e.data.get("comment")
        for e in events
        if e.kind in (EventKind.REPLY, EventKind.NOTE) and isinstance(e.data.get("comment"), int)
    }
    file_ids = {
        e.data.get("attachment")
        for e in events
        if e.kind == EventKind.ATTACHMENT and isinstance(e.data.get("attachment"), str)
    }
    comments = {}
    if comment_ids:
        rows = (
            Comment.objects.filter(ticket=ticket, pk__in=comment_ids)
            .select_related("author")
            .prefetch_related(
                Prefetch("attachments", _attachments(request, ticket), to_attr="attachment_list")
            )
        )
        if customer:
            rows = rows.filter(is_public=True)
        comments = {c.pk: c for c in rows}
    files = {}
    if file_ids:
        try:
            files = {str(a.pk): a for a in _attachments(request, ticket).filter(pk__in=file_ids)}
        except DjangoValidationError:
            files = {}
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if customer:
            data = {k: v for k, v in data.items() if k in CUSTOMER_EVENT_DATA}
        event.shown_data = data
        event.comment_row = comments.get(data.get("comment"))
        event.attachment_row = files.get(data.get("attachment"))


@router.get("/{ticket_id}/events", response={200: EventPage, **READ_ERRORS, 422: ValidationErrors})
def list_events(request, ticket_id: int, page: Query[PageIn]):
    """The ticket's timeline, oldest first: creation, status changes, assignments, replies and
    notes (with their text and files), uploads, SLA warnings, follow-ups, the rating.
    Customer contacts read public events only; internal notes never reach them."""
    ticket = access.get_ticket_for_user(request.user, ticket_id)
    events = ticket.events.select_related("actor")
    if viewer_is_customer(request):
        events = events.filter(is_public=True)
    rows = list(events[page.offset : page.offset + page.limit])
    _prepare_events(request, ticket, rows)
    return {"items": rows, "count": events.count()}
