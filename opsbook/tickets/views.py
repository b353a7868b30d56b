"""Staff ticket pages: the list (filters, saved filters, bulk actions), one ticket (timeline,
replies, status, assignment, watchers, complaint follow-up), new tickets, attachment downloads
and the autocomplete fragments. Thin: reads through ``access``, writes through ``services``.

Customer contacts have the portal; here every page is a 404 for them (nothing about a
ticket's existence leaks), and anonymous visitors are sent to the login page. htmx requests get
a partial of the same template.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog import access as catalog_access
from opsbook.catalog.choices import Channel, Priority
from opsbook.catalog.models import ServiceItem
from opsbook.core import clock

from . import access, filters, services
from .choices import EventKind, FollowUpMethod, SlaState, Source, Status, TicketType
from .forms import (
    BULK_ACTIONS,
    PAGE_SIZES,
    AssignForm,
    AttachmentsForm,
    BulkActionForm,
    FollowUpForm,
    ReplyForm,
    RootCauseForm,
    SaveFilterForm,
    StatusForm,
    TicketCreateForm,
    TicketEditForm,
    TicketFilterForm,
    WatchersForm,
    assignable_users,
)
from .models import SavedFilter, Ticket

AUTOCOMPLETE_LIMIT = 20
# The columns a list row shows or its SLA badge is decided from (and nothing else: loading
# sixty columns of a hundred tickets and their related rows is most of a page's time).
PERSON = ("username", "display_name", "first_name", "last_name")
LIST_FIELDS = (
    "title",
    "type",
    "channel",
    "priority",
    "status",
    "created_at",
    "first_response_at",
    "response_target_seconds",
    "resolution_target_seconds",
    "response_due_at",
    "resolution_due_at",
    "response_warn_at",
    "resolution_warn_at",
    "response_breached",
    "resolution_breached",
    "item__code",
    "item__name",
    "customer__name",
    *(f"assignee__{name}" for name in PERSON),
    "team__name",
    "sla_calendar__time_zone",
)
MAX_PAGE = 10_000

STATUS_CLASSES = {
    Status.NEW: "text-bg-primary",
    Status.ACKNOWLEDGED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-warning",
    Status.WAITING: "text-bg-secondary",
    Status.RESOLVED: "text-bg-success",
    Status.CLOSED: "text-bg-light border",
    Status.CANCELLED: "text-bg-light border text-decoration-line-through",
}
SLA_CLASSES = {
    SlaState.OK: "text-bg-success",
    SlaState.WARNING: "text-bg-warning",
    SlaState.BREACHED: "text-bg-danger",
    SlaState.PAUSED: "text-bg-secondary",
    SlaState.MET: "text-bg-light border",
    SlaState.NONE: "",
}
PRIORITY_CLASSES = {
    Priority.URGENT: "text-danger fw-semibold",
    Priority.HIGH: "text-warning-emphasis fw-semibold",
    Priority.NORMAL: "",
    Priority.LOW: "text-body-secondary",
}
CHOICE_FIELDS = {"type": TicketType, "channel": Channel, "priority": Priority, "status": Status}


# --- who may open these pages -----------------------------------------------------------------


def _requires(allowed):
    """Anonymous users get the login page; anyone but staff gets 404 (customers use the
    portal); staff for whom ``allowed`` is false get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_staff_member(request.user):
                raise Http404
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _requires(is_staff_member)
worker_required = _requires(access.can_work_tickets)


def _is_partial(request) -> bool:
    """An htmx swap (not a boosted link or a history restore) gets a partial."""
    htmx = request.htmx
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("You may not do this.")]


# --- the list ---------------------------------------------------------------------------------


@dataclass
class SlaBadge:
    state: str
    label: str
    css: str
    clock: str = ""
    due_at: datetime | None = None
    tz: Any = None

    @property
    def due_text(self) -> str:
        """The due time in the calendar's zone, with the zone's abbreviation."""
        if self.due_at is None:
            return ""
        return self.due_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M %Z")


def sla_badge(ticket: Ticket, now: datetime, labels: dict | None = None) -> SlaBadge:
    """State, due time (in the calendar's zone) and colour of a ticket's SLA, from its columns."""
    state = filters.sla_state(ticket, now)
    label = labels[state] if labels else str(SlaState(state).label)
    badge = SlaBadge(state, label, SLA_CLASSES[state])
    if state in {SlaState.OK, SlaState.WARNING, SlaState.BREACHED, SlaState.PAUSED}:
        badge.clock, badge.due_at = filters.next_due(ticket)
        badge.tz = ticket.sla_calendar_tz()
    return badge


def _labels(choices) -> dict[str, str]:
    """Choice labels in the reader's language, translated once per page rather than per row."""
    return {value: str(label) for value, label in choices.choices}


def _page_size(raw: str | None, errors: dict) -> int:
    if not raw:
        return PAGE_SIZES[0]
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= PAGE_SIZES[-1]:
        return int(raw)
    errors.setdefault("per_page", []).append(
        _("Show between 1 and %(max)d tickets a page.") % {"max": PAGE_SIZES[-1]}
    )
    return PAGE_SIZES[0]


def _page_number(raw: str | None) -> int:
    if raw and raw.isascii() and raw.isdigit():
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


def _list_rows(request, parsed, now, page: int, per_page: int):
    """One page of tickets and whether there is another: LIMIT n+1, no COUNT(*), a fixed
    number of queries whatever the page size (the page, then the tags of its tickets)."""
    tickets = (
        filters.apply(access.visible_tickets(request.user), parsed, now)
        .select_related("item", "customer", "assignee", "team", "sla_calendar")
        .only(*LIST_FIELDS)
    )
    start = (page - 1) * per_page
    rows = list(tickets[start : start + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    prefetch_related_objects(rows, "tags")
    # What each row shows, prepared here in plain Python: per-row template work (translations,
    # URL reversing, time zone switching) is what makes a long page slow.
    sla_labels, status_labels = _labels(SlaState), _labels(Status)
    priority_labels, type_labels = _labels(Priority), _labels(TicketType)
    channel_labels = _labels(Channel)
    detail_url = reverse("tickets:detail", args=[0]).removesuffix("0/")
    for ticket in rows:
        ticket.url = f"{detail_url}{ticket.pk}/"
        ticket.sla = sla_badge(ticket, now, sla_labels)
        ticket.status_label = status_labels.get(ticket.status, ticket.status)
        ticket.status_class = STATUS_CLASSES.get(ticket.status, "")
        ticket.priority_label = priority_labels.get(ticket.priority, ticket.priority)
        ticket.priority_class = PRIORITY_CLASSES.get(ticket.priority, "")
        ticket.kind_label = (
            f"{type_labels.get(ticket.type, ticket.type)} · "
            f"{channel_labels.get(ticket.channel, ticket.channel)}"
        )
    return rows, has_next


def _chosen_labels(parsed, rows, user) -> dict[str, str]:
    """Names of the service, customer and person the filters name. Every row of a page filtered
    by one of them carries it already; only an empty page needs to look them up."""
    labels = {}
    if parsed.item is not None:
        item = rows[0].item if rows else ServiceItem.objects.filter(pk=parsed.item).first()
        labels["item"] = f"{item.code} {item.name}" if item else _("(unknown service)")
    if parsed.customer is not None:
        customer = rows[0].customer if rows else Customer.objects.filter(pk=parsed.customer).first()
        labels["customer"] = customer.name if customer else _("(unknown customer)")
    if parsed.assignee == filters.ME:
        labels["assignee"] = _("Me")
    elif parsed.assignee == filters.NOBODY:
        labels["assignee"] = _("Unassigned")
    elif parsed.assignee:
        if rows:
            person = rows[0].assignee
        else:
            person = User.objects.staff().filter(pk=parsed.assignee_id).first()
        labels["assignee"] = person.label if person else _("(unknown person)")
    return labels


def _list_url(query: QueryDict | str) -> str:
    text = query if isinstance(query, str) else query.urlencode()
    url = reverse("tickets:list")
    return f"{url}?{text}" if text else url


def _quick_links(user) -> list[tuple[str, str]]:
    open_statuses = "&".join(
        f"status={s}" for s in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING)
    )
    links = [
        (_("My open tickets"), f"assignee=me&{open_statuses}"),
        (_("Unassigned"), f"assignee=none&{open_statuses}"),
        (_("Breached"), f"sla={SlaState.BREACHED}"),
        (_("At risk"), f"sla={SlaState.WARNING}"),
    ]
    if user.team_id:
        links.insert(1, (_("My team's open tickets"), f"team={user.team_id}&{open_statuses}"))
    return [(label, _list_url(query)) for label, query in links]


@staff_required
@require_GET
def ticket_list(request):
    now = clock.now()
    parsed, errors = filters.parse(request.GET, user=request.user)
    per_page = _page_size(request.GET.get("per_page"), errors)
    page = _page_number(request.GET.get("page"))
    rows, has_next = _list_rows(request, parsed, now, page, per_page)

    query = parsed.to_query_dict()
    if per_page != PAGE_SIZES[0]:
        query["per_page"] = str(per_page)
    canonical = query.urlencode()

    def page_url(number):
        page_query = query.copy()
        page_query["page"] = str(number)
        return _list_url(page_query)

    is_partial = _is_partial(request)
    can_work = access.can_work_tickets(request.user)
    context = {
        "rows": rows,
        "filters": parsed,
        "filter_errors": errors,
        "page": page,
        "per_page": per_page,
        "first_index": (page - 1) * per_page + 1 if rows else 0,
        "last_index": (page - 1) * per_page + len(rows),
        "previous_url": page_url(page - 1) if page > 1 else "",
        "next_url": page_url(page + 1) if has_next else "",
        "query": canonical,
        "filter_query": parsed.to_query(),
        "can_work": can_work,
        "bulk_actions": BULK_ACTIONS,
        "bulk_form": BulkActionForm(initial={"return_query": canonical}) if can_work else None,
        "save_form": SaveFilterForm(initial={"query": parsed.to_query()}),
        "now": now,
    }
    if not is_partial:
        # The full page also draws the filter form, the saved filters and the quick links.
        # The form shows the filters as understood; text the user typed stays when it was bad.
        form_data = parsed.to_query_dict()
        form_data["per_page"] = str(per_page)
        for name in {"q", "tag", "created_from", "created_to"} & set(errors):
            form_data.setlist(name, request.GET.getlist(name))
        context |= {
            "form": TicketFilterForm(
                form_data,
                labels=_chosen_labels(parsed, rows, request.user),
                teams=Team.objects.only("name"),
            ),
            "saved_filters": list(filters.saved_filters_for(request.user)),
            "quick_links": _quick_links(request.user),
        }
    template = "tickets/list.html#results" if is_partial else "tickets/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if is_partial:
        # The address bar shows the filters as understood, not the raw form fields.
        response = push_url(response, page_url(page) if page > 1 else _list_url(canonical))
    return response


@staff_required
@require_POST
def saved_filter_save(request):
    form = SaveFilterForm(request.POST)
    query = QueryDict(request.POST.get("query", ""))
    back = _list_url(filters.parse(query, user=request.user)[0].to_query())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        saved, created = filters.do_save_ticket_filter(
            request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        text = (
            _("The filter “%(name)s” was saved.")
            if created
            else _("The filter “%(name)s” was replaced with these filters.")
        )
        messages.success(request, text % {"name": saved.name})
    return redirect(back)


@staff_required
@require_POST
def saved_filter_delete(request, pk):
    try:
        saved = filters.saved_filters_for(request.user).get(pk=pk)
    except SavedFilter.DoesNotExist:
        raise Http404 from None
    filters.do_delete_ticket_filter(request.user, saved)
    messages.success(request, _("The filter “%(name)s” was deleted.") % {"name": saved.name})
    return redirect("tickets:list")


def _bulk_apply(user, ticket: Ticket, action: str, data: dict) -> None:
    """One ticket's change: one service call, so a ticket is changed wholly or not at all."""
    if action == "assign":
        assignee = data["assignee_user"]
        team = assignee.team if assignee is not None and assignee.team_id else ticket.team
        services.do_assign_ticket(user, ticket, assignee=assignee, team=team)
    elif action == "status":
        services.do_change_status(user, ticket, data["status"])
    elif action == "priority":
        services.do_update_ticket(user, ticket, expected_version=None, priority=data["priority"])
    elif action == "tag":
        names = [t.name for t in ticket.tags.all()]
        if data["tag"] not in names:
            services.do_update_ticket(
                user, ticket, expected_version=None, tags=[*names, data["tag"]]
            )


@worker_required
@require_POST
def bulk(request):
    form = BulkActionForm(request.POST)
    return_query = QueryDict(request.POST.get("return_query", ""))
    back = _list_url(return_query.urlencode())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["tickets"]
    action = form.cleaned_data["action"]
    found = {t.pk: t for t in access.visible_tickets(request.user).filter(pk__in=ids).order_by()}
    if action == "tag":
        prefetch_related_objects(list(found.values()), "tags")
    done, problems = 0, []
    for pk in ids:
        ticket = found.get(pk)
        if ticket is None:
            problems.append(_("#%(pk)s: no such ticket.") % {"pk": pk})
            continue
        try:
            _bulk_apply(request.user, ticket, action, form.cleaned_data)
        except (ValidationError, PermissionDenied, services.ConflictError) as exc:
            for message in _messages_of(exc):
                problems.append(f"{ticket.number} {ticket.title}: {message}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext(
                "%(action)s: %(count)d ticket was changed.",
                "%(action)s: %(count)d tickets were changed.",
                done,
            )
            % {"action": BULK_ACTIONS[action], "count": done},
        )
    for problem in problems:
        messages.error(request, problem)
    return redirect(back)


# --- one ticket -------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "reply", "note", "event", "attachment"
    actor: str = ""
    text: str = ""
    details: list[str] = field(default_factory=list)
    obj: Any = None
    attachments: list = field(default_factory=list)
    public: bool = True
    css: str = ""


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes = rest // 60
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def _label(name: str) -> str:
    try:
        return capfirst(str(Ticket._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:  # a field no longer on the model: show it as stored
        return name


def _value(name: str, value) -> str:
    choices = CHOICE_FIELDS.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value) if value not in (None, "") else "—"


def _when(value: str, tz) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M")


def _describe(event, tz) -> tuple[str, list[str]]:
    """What a timeline event says, in the reader's language (all values escaped later)."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.CREATED:
        return _("opened the ticket"), []
    if kind == EventKind.STATUS:
        text = _("changed the status: %(from)s → %(to)s") % {
            "from": _value("status", event.from_status),
            "to": _value("status", event.to_status),
        }
        note = data.get("note", "")
        if note == "auto":
            return text, [_("Closed automatically after the reopen window.")]
        return text, [note] if note else []
    if kind == EventKind.ASSIGNED:
        if data.get("name"):
            text = _("assigned the ticket to %(name)s") % {"name": data["name"]}
        else:
            text = _("left the ticket unassigned")
        return text, [_("Team: %(team)s") % {"team": data["team"]}] if data.get("team") else []
    if kind == EventKind.CHANGED:
        details = []
        for name, change in (data.get("changes") or {}).items():
            before, after = [*change, "", ""][:2]
            details.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": _label(name),
                    "before": _value(name, before),
                    "after": _value(name, after),
                }
            )
        return _("changed fields"), details
    if kind in {EventKind.SLA_WARNING, EventKind.SLA_BREACH}:
        clock = _("Response") if data.get("clock") == "response" else _("Resolution")
        text = (
            _("%(clock)s target at risk, due %(due)s")
            if kind == EventKind.SLA_WARNING
            else _("%(clock)s target breached, was due %(due)s")
        )
        return text % {"clock": clock, "due": _when(data.get("due_at"), tz)}, []
    if kind == EventKind.SLA_RECOMPUTED:
        return _("SLA recomputed"), []
    if kind == EventKind.FOLLOW_UP:
        method = data.get("method")
        label = FollowUpMethod(method).label if method in FollowUpMethod.values else method
        return _("recorded a follow-up visit (%(method)s)") % {"method": label}, []
    if kind == EventKind.RATED:
        return _("rated the ticket %(rating)s of 5") % {"rating": data.get("rating")}, []
    if kind == EventKind.WATCHERS:
        details = []
        if data.get("added"):
            details.append(_("Added: %(names)s") % {"names": ", ".join(data["added"])})
        if data.get("removed"):
            details.append(_("Removed: %(names)s") % {"names": ", ".join(data["removed"])})
        return _("changed the watchers"), details
    return str(EventKind(kind).label) if kind in EventKind.values else kind, []


HIDDEN_EVENTS = {EventKind.REPLY, EventKind.NOTE, EventKind.ATTACHMENT}
EVENT_CLASSES = {
    EventKind.SLA_WARNING: "border-warning",
    EventKind.SLA_BREACH: "border-danger",
    EventKind.STATUS: "border-primary",
}


def _timeline(ticket: Ticket, tz) -> list[TimelineEntry]:
    """Replies, internal notes, files and events, oldest first, in four queries."""
    comments = list(ticket.comments.select_related("author"))
    attachments = list(ticket.attachments.select_related("uploaded_by"))
    events = list(ticket.events.select_related("actor"))
    by_comment: dict[int, list] = {}
    entries = []
    for attachment in attachments:
        if attachment.comment_id:
            by_comment.setdefault(attachment.comment_id, []).append(attachment)
        else:
            entries.append(
                TimelineEntry(
                    at=attachment.created_at,
                    kind="attachment",
                    actor=str(attachment.uploaded_by or ""),
                    attachments=[attachment],
                    public=attachment.is_public,
                )
            )
    for comment in comments:
        entries.append(
            TimelineEntry(
                at=comment.created_at,
                kind="reply" if comment.is_public else "note",
                actor=comment.author_name or str(comment.author or ""),
                obj=comment,
                attachments=by_comment.get(comment.pk, []),
                public=comment.is_public,
            )
        )
    for event in events:
        if event.kind in HIDDEN_EVENTS:
            continue
        text, details = _describe(event, tz)
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="event",
                actor=str(event.actor) if event.actor else _("System"),
                text=text,
                details=details,
                obj=event,
                public=event.is_public,
                css=EVENT_CLASSES.get(event.kind, ""),
            )
        )
    # At one instant: what was written, then its files, then what it did (a reply that set
    # the status comes before the status change).
    order = {"reply": 0, "note": 0, "attachment": 1, "event": 2}

    def position(entry):
        opened = entry.kind == "event" and entry.obj.kind == EventKind.CREATED
        return (entry.at, -1 if opened else order[entry.kind])

    entries.sort(key=position)
    return entries


def _sla_panel(ticket: Ticket, now: datetime) -> dict:
    badge = sla_badge(ticket, now)
    return {
        "badge": badge,
        "tz": ticket.sla_calendar_tz(),
        "tz_name": str(ticket.sla_calendar_tz()),
        "calendar": ticket.sla_calendar,
        "standard": ticket.sla_standard,
        "basis": ticket.get_sla_time_basis_display() if ticket.sla_time_basis else "",
        "has_target": badge.state != SlaState.NONE
        or ticket.response_target_seconds is not None
        or ticket.resolution_target_seconds is not None,
        "response_target": _duration(ticket.response_target_seconds),
        "resolution_target": _duration(ticket.resolution_target_seconds),
        "response_used": _duration(ticket.response_business_seconds),
        "resolution_used": _duration(ticket.resolution_business_seconds),
        "paused": _duration(ticket.paused_business_seconds),
        "is_paused": ticket.status == Status.WAITING,
    }


def _load(request, pk) -> Ticket:
    ticket = access.get_ticket_for_user(request.user, pk)
    return (
        Ticket.objects.select_related(
            "item",
            "customer",
            "contact",
            "assignee",
            "team",
            "sla_calendar",
            "sla_standard",
            "created_by",
        )
        .filter(pk=ticket.pk)
        .get()
    )


def _detail(request, ticket: Ticket, *, status: int = 200, open_section: str = "", **forms):
    """The ticket page; ``forms`` replaces a fresh form with the bound one that failed."""
    user = request.user
    now = clock.now()
    can_edit = access.can_edit_ticket(user, ticket)
    can_manage = access.can_manage_tickets(user)
    tags = list(ticket.tags.all())
    watchers = list(ticket.watchers.all())
    tz = ticket.sla_calendar_tz()
    context = {
        "ticket": ticket,
        "status_class": STATUS_CLASSES.get(ticket.status, ""),
        "priority_class": PRIORITY_CLASSES.get(ticket.priority, ""),
        "tags": tags,
        "watchers": watchers,
        "is_watching": any(w.pk == user.pk for w in watchers),
        "sla": _sla_panel(ticket, now),
        "timeline": _timeline(ticket, tz),
        "follow_ups": list(ticket.follow_ups.select_related("by")),
        "can_edit": can_edit,
        "open_section": open_section,
        "show_complaint": ticket.type in {TicketType.COMPLAINT, TicketType.INCIDENT},
        "closing_blockers": ticket.closing_blockers()
        if Status.CLOSED in ticket.allowed_transitions(now)
        else [],
        "reopen_deadline": ticket.reopen_deadline()
        if ticket.status in {Status.RESOLVED, Status.CLOSED}
        else None,
    }
    if can_edit:
        context |= {
            "edit_form": forms.get("edit_form")
            or TicketEditForm(user=user, ticket=ticket, tags=[t.name for t in tags]),
            "reply_form": forms.get("reply_form") or ReplyForm(ticket=ticket),
            "status_form": forms.get("status_form") or StatusForm(ticket=ticket),
            "assign_form": forms.get("assign_form")
            or AssignForm(user=user, ticket=ticket, can_manage=can_manage),
            "watchers_form": forms.get("watchers_form") or WatchersForm(watchers=watchers),
            "cause_form": forms.get("cause_form") or RootCauseForm(ticket=ticket),
            "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
            "upload_form": forms.get("upload_form") or AttachmentsForm(),
            "transitions": [
                (s, Status(s).label, STATUS_CLASSES.get(s, ""))
                for s in ticket.allowed_transitions(now)
            ],
        }
    context["conflict"] = forms.get("conflict")
    return render(request, "tickets/detail.html", context, status=status)


@staff_required
@require_GET
def ticket_detail(request, pk):
    return _detail(request, _load(request, pk))


def _editable(request, pk) -> Ticket:
    ticket = _load(request, pk)
    if not access.can_edit_ticket(request.user, ticket):
        raise PermissionDenied
    return ticket


def _conflict(request, pk, name: str, form_class, exc, section: str, **form_kwargs):
    """Someone saved the ticket first: show why, keep what the user typed (bound to the
    current version, so saving again is a deliberate choice) and answer 409."""
    ticket = _load(request, pk)
    data = request.POST.copy()
    data["version"] = str(ticket.version)
    form = form_class(data, request.FILES or None, ticket=ticket, **form_kwargs)
    form.is_valid()
    conflict = {"message": str(exc), "differences": []}
    if isinstance(form, TicketEditForm) and form.is_valid():
        for field_name, value in form.changes().items():
            conflict["differences"].append(
                (
                    form.fields[field_name].label,
                    _value(field_name, getattr(ticket, field_name)),
                    _value(field_name, value),
                )
            )
    return _detail(
        request, ticket, status=409, open_section=section, conflict=conflict, **{name: form}
    )


@worker_required
@require_POST
def ticket_edit(request, pk):
    ticket = _editable(request, pk)
    tags = [t.name for t in ticket.tags.all()]
    form = TicketEditForm(request.POST, user=request.user, ticket=ticket, tags=tags)
    if not form.is_valid():
        return _detail(request, ticket, status=400, open_section="edit", edit_form=form)
    try:
        services.do_update_ticket(
            request.user,
            ticket,
            expected_version=form.cleaned_data["version"],
            tags=form.new_tags(),
            **form.changes(),
        )
    except services.ConflictError as exc:
        return _conflict(
            request, pk, "edit_form", TicketEditForm, exc, "edit", user=request.user, tags=tags
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _detail(request, ticket, status=400, open_section="edit", edit_form=form)
    messages.success(request, _("Ticket %(number)s was saved.") % {"number": ticket.number})
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_reply(request, pk):
    ticket = _editable(request, pk)
    form = ReplyForm(request.POST, request.FILES, ticket=ticket)
    if not form.is_valid():
        return _detail(request, ticket, status=400, open_section="reply", reply_form=form)
    then_status = form.cleaned_data["then_status"] or None
    try:
        services.do_reply(
            request.user,
            ticket,
            form.cleaned_data["body"],
            public=form.public,
            files=form.cleaned_data["files"],
            then_status=then_status,
            # A reply adds to the ticket; only a status chosen from a stale page conflicts.
            expected_version=form.cleaned_data["version"] if then_status else None,
        )
    except services.ConflictError as exc:
        return _conflict(request, pk, "reply_form", ReplyForm, exc, "reply")
    except ValidationError as exc:
        _add_errors(form, exc)
        return _detail(request, ticket, status=400, open_section="reply", reply_form=form)
    text = _("Your reply was sent.") if form.public else _("Your internal note was added.")
    messages.success(request, text)
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_status(request, pk):
    ticket = _editable(request, pk)
    form = StatusForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return _detail(request, ticket, status=400, open_section="status", status_form=form)
    to_status = form.cleaned_data["to_status"]
    try:
        services.do_change_status(
            request.user,
            ticket,
            to_status,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except services.ConflictError as exc:
        return _conflict(request, pk, "status_form", StatusForm, exc, "status")
    except ValidationError as exc:
        _add_errors(form, exc)
        return _detail(request, ticket, status=400, open_section="status", status_form=form)
    messages.success(
        request,
        _("Ticket %(number)s is now %(status)s.")
        % {"number": ticket.number, "status": Status(to_status).label},
    )
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_assign(request, pk):
    ticket = _editable(request, pk)
    can_manage = access.can_manage_tickets(request.user)
    kwargs = {"user": request.user, "can_manage": can_manage}
    form = AssignForm(request.POST, ticket=ticket, **kwargs)
    if not form.is_valid():
        return _detail(request, ticket, status=400, open_section="assign", assign_form=form)
    assignee, team = form.target(ticket)
    try:
        services.do_assign_ticket(
            request.user,
            ticket,
            assignee=assignee,
            team=team,
            expected_version=form.cleaned_data["version"],
        )
    except services.ConflictError as exc:
        return _conflict(request, pk, "assign_form", AssignForm, exc, "assign", **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        for message in _messages_of(exc):
            form.add_error(None, message)
        return _detail(request, ticket, status=400, open_section="assign", assign_form=form)
    messages.success(request, _("The assignment was saved."))
    if not access.visible_tickets(request.user).filter(pk=ticket.pk).exists():
        return redirect("tickets:list")  # handed over outside what this agent sees
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_watchers(request, pk):
    ticket = _editable(request, pk)
    current = list(ticket.watchers.all())
    me = request.POST.get("me")
    if me in {"watch", "unwatch"}:
        add = [request.user] if me == "watch" else []
        remove = [request.user] if me == "unwatch" else []
    else:
        form = WatchersForm(request.POST, watchers=current)
        if not form.is_valid():
            return _detail(request, ticket, status=400, open_section="watchers", watchers_form=form)
        chosen = set(form.cleaned_data["watchers"])
        add = [u for u in chosen if u not in current]
        remove = [u for u in current if u not in chosen]
    services.do_set_watchers(request.user, ticket, add=add, remove=remove)
    messages.success(request, _("The watchers were saved."))
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_root_cause(request, pk):
    ticket = _editable(request, pk)
    form = RootCauseForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return _detail(request, ticket, status=400, open_section="complaint", cause_form=form)
    try:
        services.do_update_ticket(
            request.user,
            ticket,
            expected_version=form.cleaned_data["version"],
            root_cause=form.cleaned_data["root_cause"],
        )
    except services.ConflictError as exc:
        return _conflict(request, pk, "cause_form", RootCauseForm, exc, "complaint")
    except ValidationError as exc:
        _add_errors(form, exc)
        return _detail(request, ticket, status=400, open_section="complaint", cause_form=form)
    messages.success(request, _("The root cause was saved."))
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_follow_up(request, pk):
    ticket = _editable(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_follow_up(request.user, ticket, **form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The follow-up visit was recorded."))
            return redirect("tickets:detail", pk=ticket.pk)
    return _detail(request, ticket, status=400, open_section="complaint", follow_up_form=form)


@worker_required
@require_POST
def ticket_attachments(request, pk):
    ticket = _editable(request, pk)
    form = AttachmentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.do_add_attachments(
                request.user,
                ticket,
                form.cleaned_data["files"],
                public=form.cleaned_data["public"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("%(count)d file was added.", "%(count)d files were added.", len(added))
                % {"count": len(added)},
            )
            return redirect("tickets:detail", pk=ticket.pk)
    return _detail(request, ticket, status=400, open_section="upload", upload_form=form)


@staff_required
@require_GET
def attachment(request, pk):
    """A file of a ticket the user sees, always as a download with its cleaned name."""
    found = access.get_attachment_for_user(request.user, pk)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- a new ticket -----------------------------------------------------------------------------


@worker_required
def ticket_new(request):
    form = TicketCreateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.do_create_ticket(request.user, source=Source.WEB, **form.values())
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                _add_errors(form, exc)
            else:
                form.add_error(None, _messages_of(exc))
        else:
            messages.success(
                request,
                _("Ticket %(number)s was opened.") % {"number": ticket.number},
            )
            if not access.visible_tickets(request.user).filter(pk=ticket.pk).exists():
                return redirect("tickets:list")  # another team handles it
            return redirect("tickets:detail", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/new.html", {"form": form}, status=status)


# --- autocomplete fragments -------------------------------------------------------------------


def _search_text(request) -> str:
    return " ".join(request.GET.get("q", "").split())[:100]


def _options(request, options, *, empty: str = ""):
    return render(
        request,
        "tickets/autocomplete.html",
        {"options": options, "empty": empty or _("Nothing matches.")},
    )


@staff_required
@require_GET
def autocomplete_items(request):
    """Service items: those a ticket may be raised on (purpose=new), else those the user
    reads in the checklist (for filters)."""
    text = _search_text(request)
    if request.GET.get("purpose") == "new":
        items = access.items_for_new_ticket(request.user)
    else:
        items = catalog_access.items_for_user(request.user)
    if text:
        items = items.filter(Q(code__icontains=text) | Q(name__icontains=text))
    rows = items.order_by("code").only("code", "name")[:AUTOCOMPLETE_LIMIT]
    return _options(request, [(i.pk, f"{i.code} {i.name}", "") for i in rows])


@staff_required
@require_GET
def autocomplete_customers(request):
    text = _search_text(request)
    customers = Customer.objects.all()
    if request.GET.get("purpose") == "new":
        if not access.can_work_tickets(request.user):
            customers = customers.none()
        customers = customers.filter(is_active=True)
    if text:
        customers = customers.filter(Q(name__icontains=text) | Q(code__icontains=text))
    rows = customers.order_by("name").only("name", "code")[:AUTOCOMPLETE_LIMIT]
    return _options(request, [(c.pk, c.name, c.code) for c in rows])


def _person_filter(text: str) -> Q:
    return (
        Q(username__icontains=text)
        | Q(display_name__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
    )


@staff_required
@require_GET
def autocomplete_users(request):
    """People: staff who may be assigned (purpose=assign or filter), or the contacts of one
    customer (purpose=contact&customer=<id>). Customers' contacts are never listed without
    naming their customer."""
    text = _search_text(request)
    purpose = request.GET.get("purpose", "")
    options = []
    if purpose == "contact":
        customer = request.GET.get("customer", "")
        if not (customer.isascii() and customer.isdigit()) or not access.can_work_tickets(
            request.user
        ):
            return _options(request, [], empty=_("Choose the customer first."))
        people = User.objects.filter(role=Role.CUSTOMER, is_active=True, customer_id=int(customer))
    else:
        people = assignable_users()
        if purpose == "filter" and not text:
            options += [("me", _("Me"), ""), ("none", _("Unassigned"), "")]
        if purpose == "assign" and not text:
            options.append(("none", _("Unassigned"), ""))
    if text:
        people = people.filter(_person_filter(text))
    rows = people.select_related("team").order_by("username")[:AUTOCOMPLETE_LIMIT]
    options += [(u.pk, u.label, str(u.team or u.username)) for u in rows]
    return _options(request, options)
