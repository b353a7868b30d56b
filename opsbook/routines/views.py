"""The routine-work pages: the list of occurrences, one occurrence (complete, skip, reopen,
reassign), creating on-demand work, evidence downloads and coverage.

Every page fetches through ``access.py`` (404 outside the user's scope; customer contacts get
404 everywhere here) and writes through ``services``; a refused form comes back bound with the
service's message (400). htmx requests get a partial of the same template."""

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.accounts.access import is_staff_member
from opsbook.audit.models import AuditEntry
from opsbook.catalog.access import contents_for_user, get_content_for_user, get_item_for_user
from opsbook.catalog.models import ServiceItem
from opsbook.core import clock
from opsbook.core.middleware import body_limit
from opsbook.core.permissions import requires
from opsbook.tickets.access import get_ticket_for_user

from . import access, filters, services
from .choices import OccurrenceStatus, Source
from .coverage import GROUPS, coverage, totals
from .forms import CompleteForm, CreateForm, ReassignForm, ReopenForm, SkipForm
from .models import Occurrence

PAGE_SIZE = 50
MAX_PAGE = 10_000
HISTORY_LIMIT = 100
SOP_TEMPLATE = "sops/_run.html"
STATUS_CLASSES: dict[str, str] = {
    OccurrenceStatus.OPEN: "text-bg-primary",
    OccurrenceStatus.DONE: "text-bg-success",
    OccurrenceStatus.SKIPPED: "text-bg-secondary",
    OccurrenceStatus.MISSED: "text-bg-danger",
    OccurrenceStatus.CANCELLED: "text-bg-dark",
}

staff_required = requires(is_staff_member, hidden=access.not_staff)
worker_required = requires(access.can_work_routines, hidden=access.not_staff)


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


def list_url(**query: Any) -> str:
    text = urlencode({k: v for k, v in query.items() if v not in (None, "")}, doseq=True)
    url = reverse("routines:list")
    return f"{url}?{text}" if text else url


def _page_number(raw: str | None) -> int:
    if raw and raw.isascii() and raw.isdigit():
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


def decorate(occurrence: Occurrence, now: datetime) -> Occurrence:
    """What a row or the page shows beside the stored fields (no query)."""
    occurrence.status_class = STATUS_CLASSES.get(occurrence.status, "")  # type: ignore[attr-defined]
    occurrence.is_late = services.is_late(occurrence, now)  # type: ignore[attr-defined]
    return occurrence


# --- the list ---------------------------------------------------------------------------------


def _quick_views(user: Any, now: datetime) -> list[dict[str, Any]]:
    """The quick views with their counts, in one query over what the user may see."""
    today = clock.localdate(now)
    month = today.replace(day=1)
    open_ = Q(status=OccurrenceStatus.OPEN)
    views: list[tuple[str, str, Q, dict[str, Any]]] = [
        (
            "mine_open",
            _("My open work"),
            open_ & filters.mine_q(user),
            {"scope": "mine", "status": "open"},
        ),
        (
            "mine_late",
            _("My late work"),
            filters.state_q(filters.LATE, now) & filters.mine_q(user),
            {"scope": "mine", "status": filters.LATE},
        ),
        (
            "due_today",
            _("Due today"),
            open_ & Q(due_on=today),
            {"status": "open", "due_from": today, "due_to": today},
        ),
        ("late", _("Late"), filters.state_q(filters.LATE, now), {"status": filters.LATE}),
        (
            "missed_month",
            _("Missed this month"),
            Q(status=OccurrenceStatus.MISSED, due_on__gte=month),
            {"status": OccurrenceStatus.MISSED, "due_from": month},
        ),
    ]
    if user.team_id or access.can_manage_routines(user):
        views.insert(
            2,
            (
                "team_open",
                _("My team's open work"),
                open_ & filters.team_q(user),
                {"scope": "team", "status": "open"},
            ),
        )
    counts = (
        access.occurrences_for_user(user)
        .order_by()
        .aggregate(**{key: Count("pk", filter=q) for key, _label, q, _query in views})
    )
    return [
        {"key": key, "label": label, "count": counts[key], "url": list_url(**query)}
        for key, label, _q, query in views
    ]


def _chosen_labels(parsed: filters.OccurrenceFilters, rows: list[Occurrence]) -> dict[str, str]:
    """Names of the content, item and person the filters name (from the first row when there
    is one, so a filtered page needs no extra query)."""
    first = rows[0] if rows else None
    labels: dict[str, str] = {}
    if parsed.content is not None:
        content = first.content if first else None
        labels["content"] = f"{content.code} {content.name}" if content else f"#{parsed.content}"
    if parsed.assignee == filters.ME:
        labels["assignee"] = _("Me")
    elif parsed.assignee == filters.NOBODY:
        labels["assignee"] = _("Unassigned")
    elif parsed.assignee:
        person = first.assignee if first else None
        labels["assignee"] = person.label if person else f"#{parsed.assignee}"
    if parsed.ticket is not None:
        labels["ticket"] = f"#{parsed.ticket}"
    return labels


@staff_required
@require_GET
def occurrence_list(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    user = request.user
    parsed, errors = filters.parse(request.GET)
    page = _page_number(request.GET.get("page"))
    found = (
        filters.apply(access.occurrences_for_user(user), parsed, user, now)
        .select_related("content", "content__item", "assignee", "team")
        .order_by("due_at", "id")
    )
    start = (page - 1) * PAGE_SIZE
    rows = list(found[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = [decorate(row, now) for row in rows[:PAGE_SIZE]]
    query = parsed.as_query()
    context: dict[str, Any] = {
        "rows": rows,
        "filters": parsed,
        "filter_errors": errors,
        "page": page,
        "previous_url": list_url(**query, page=page - 1) if page > 1 else "",
        "next_url": list_url(**query, page=page + 1) if has_next else "",
        "first_index": start + 1 if rows else 0,
        "last_index": start + len(rows),
        "labels": _chosen_labels(parsed, rows),
    }
    partial = _is_partial(request)
    if not partial:
        context |= {
            "quick_views": _quick_views(user, now),
            "states": list(filters.STATES.items()),
            "scopes": list(filters.SCOPES.items()),
            "sources": list(Source.choices),
            "items": ServiceItem.objects.only("code", "name").order_by("code"),
            "can_create": access.can_work_routines(user),
        }
    template = "routines/list.html#results" if partial else "routines/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- one occurrence ---------------------------------------------------------------------------


def _load(request: HttpRequest, pk: int) -> Occurrence:
    found = access.get_occurrence_for_user(request.user, pk)
    return Occurrence.objects.select_related(
        "content",
        "content__item",
        "assignee",
        "team",
        "team__lead",
        "completed_by",
        "ticket",
        "sop_run",
    ).get(pk=found.pk)


def sop_template() -> Any:
    """The procedure checklist's template, when the SOPs app provides it."""
    try:
        return get_template(SOP_TEMPLATE)
    except TemplateDoesNotExist:
        return None


def _history(occurrence: Occurrence) -> list[dict[str, Any]]:
    labels = {
        "status": _("Status"),
        "note": _("Note"),
        "link": _("Link"),
        "evidence": _("Files"),
        "skip_reason": _("Reason for skipping"),
        "reopen_reason": _("Why reopen"),
        "assignee": _("Assignee"),
        "open_steps": _("Procedure steps not done"),
        "due_on": _("Due day"),
        "source": _("Source"),
        "ticket": _("Ticket"),
        "on_demand": _("On demand"),
    }
    named = dict(OccurrenceStatus.choices) | dict(Source.choices)

    def shown(value: Any) -> str:
        if value is None or value == "" or value == []:
            return ""
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(named.get(value, value)) if isinstance(value, str) else str(value)

    entries = AuditEntry.objects.for_object(occurrence).select_related("actor")[:HISTORY_LIMIT]
    history = []
    for entry in entries:
        changes = []
        for name, value in entry.changes.items():
            before, after = value if isinstance(value, list) and len(value) == 2 else (None, value)
            changes.append(
                {
                    "label": labels.get(name, name),
                    "before": shown(before),
                    "after": shown(after),
                }
            )
        actor = entry.actor.label if entry.actor else _("System")
        history.append({"entry": entry, "actor": actor, "changes": changes})
    return history


def render_detail(
    request: HttpRequest, pk: int, *, status: int = 200, **bound: Any
) -> HttpResponse:
    now = clock.now()
    occurrence = decorate(_load(request, pk), now)
    user = request.user
    can_act = access.can_act_on(user, occurrence)
    is_open = occurrence.status == OccurrenceStatus.OPEN
    can_reopen = (
        occurrence.status in {OccurrenceStatus.DONE, OccurrenceStatus.SKIPPED}
        and access.can_reopen(user, occurrence)
        and services.period_is_open(occurrence, now)
    )
    context: dict[str, Any] = {
        "occurrence": occurrence,
        "owners": list(occurrence.owners.all()),
        "evidence": list(occurrence.evidence.all()),
        "history": _history(occurrence),
        "can_act": can_act and is_open,
        "can_reopen": can_reopen,
        "open_steps": services.open_steps(occurrence) if is_open else 0,
        "sop_template": sop_template() if occurrence.sop_run_id else None,
        "now": now,
    }
    if can_act and is_open:
        context["complete_form"] = bound.get("complete_form") or CompleteForm()
        context["skip_form"] = bound.get("skip_form") or SkipForm()
        context["reassign_form"] = bound.get("reassign_form") or ReassignForm(
            initial={"assignee": occurrence.assignee_id}
        )
    if can_reopen:
        context["reopen_form"] = bound.get("reopen_form") or ReopenForm()
    # A refused form the page no longer shows (the work changed meanwhile): its messages.
    context["refusals"] = [
        str(error)
        for name, form in bound.items()
        if name not in context
        for errors in form.errors.values()
        for error in errors
    ]
    return render(request, "routines/detail.html", context, status=status)


@staff_required
@require_GET
def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, pk)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _act(
    request: HttpRequest,
    pk: int,
    form_name: str,
    form: Any,
    action: Any,
    done_message: str,
) -> HttpResponse:
    """Validate ``form``, run ``action(occurrence, cleaned_data)``; the page again with the
    form's errors (400) when the form or the service refuses."""
    occurrence = access.get_occurrence_for_user(request.user, pk)
    if form.is_valid():
        try:
            action(occurrence, form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done_message)
            return redirect("routines:occurrence", pk=occurrence.pk)
    return render_detail(request, pk, status=400, **{form_name: form})


@worker_required
@require_POST
@body_limit("ATTACHMENT_MAX_BYTES")
def occurrence_complete(request: HttpRequest, pk: int) -> HttpResponse:
    form = CompleteForm(request.POST, request.FILES)
    return _act(
        request,
        pk,
        "complete_form",
        form,
        lambda occ, data: services.do_complete_occurrence(
            request.user,
            occ,
            note=data["note"],
            link=data["link"],
            files=data["files"] or [],
            now=clock.now(),
        ),
        _("The work is recorded as done."),
    )


@worker_required
@require_POST
def occurrence_skip(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "skip_form",
        SkipForm(request.POST),
        lambda occ, data: services.do_skip_occurrence(
            request.user, occ, reason=data["reason"], now=clock.now()
        ),
        _("The work is recorded as skipped."),
    )


@worker_required
@require_POST
def occurrence_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "reopen_form",
        ReopenForm(request.POST),
        lambda occ, data: services.do_reopen_occurrence(
            request.user, occ, reason=data["reason"], now=clock.now()
        ),
        _("The work is open again."),
    )


@worker_required
@require_POST
def occurrence_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "reassign_form",
        ReassignForm(request.POST),
        lambda occ, data: services.do_reassign_occurrence(
            request.user, occ, data["assignee"], now=clock.now()
        ),
        _("The work was reassigned."),
    )


@staff_required
@require_GET
def evidence_download(request: HttpRequest, pk: Any) -> FileResponse:
    """A file of an occurrence the user sees, always as a download, never shown inline."""
    found = access.get_evidence_for_user(request.user, pk)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- on-demand work ---------------------------------------------------------------------------


def _int(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


@worker_required
@require_http_methods(["GET", "POST"])
def occurrence_new(request: HttpRequest) -> HttpResponse:
    """Create work by hand: from an item's page (``?item=``), a content (``?content=``) or a
    ticket (``?ticket=``: the content is one of the ticket's service item)."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    ticket = None
    ticket_id = _int(source.get("ticket"))
    if ticket_id is not None:
        ticket = get_ticket_for_user(user, ticket_id)
    item = None
    if ticket is not None:
        item = ticket.item
    elif (item_id := _int(source.get("item"))) is not None:
        item = get_item_for_user(user, item_id)
    contents = contents_for_user(user)
    initial: dict[str, Any] = {"due_on": clock.localdate()}
    content_id = _int(request.GET.get("content"))
    if content_id is not None:
        content = get_content_for_user(user, content_id)
        initial["content"] = content.pk
        if item is None:
            item = content.item
    elif ticket is not None and ticket.content_id:
        initial["content"] = ticket.content_id
    if item is not None:
        contents = contents.filter(item=item)
    if request.method == "POST":
        form = CreateForm(request.POST, contents=contents)
        if form.is_valid():
            data = form.cleaned_data
            try:
                occurrence = services.do_create_occurrence(
                    user,
                    data["content"],
                    due_on=data["due_on"],
                    assignee=data["assignee"],
                    ticket=ticket,
                    note=data["note"],
                    now=clock.now(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The work was created."))
                return redirect("routines:occurrence", pk=occurrence.pk)
        status = 400
    else:
        form = CreateForm(initial=initial, contents=contents)
        status = 200
    context = {"form": form, "item": item, "ticket": ticket}
    return render(request, "routines/new.html", context, status=status)


# --- coverage ---------------------------------------------------------------------------------


# The coverage measures whose list filter has the same name ("planned" is every status but
# cancelled).
MEASURE_STATES = ("done_on_time", "done_late", "skipped", "missed", "open", "late")
PLANNED_STATES = [
    OccurrenceStatus.OPEN.value,
    OccurrenceStatus.DONE.value,
    OccurrenceStatus.SKIPPED.value,
    OccurrenceStatus.MISSED.value,
]


def _states(measure: str) -> list[str]:
    return PLANNED_STATES if measure == "planned" else [measure]


def period_of(query: Any) -> tuple[date, date, str, dict[str, list[str]]]:
    """The period a coverage request asks for: ``month`` (YYYY-MM), or ``from`` and ``to``;
    the current month by default. Returns (start, end, month text or "", errors)."""
    errors: dict[str, list[str]] = {}
    today = clock.localdate()
    raw_from, raw_to = query.get("from", ""), query.get("to", "")
    if raw_from or raw_to:
        try:
            start = date.fromisoformat(raw_from)
            end = date.fromisoformat(raw_to)
        except ValueError:
            errors["from"] = [_("Give the period as two days, YYYY-MM-DD.")]
        else:
            if end < start:
                errors["to"] = [_("The period ends before it starts.")]
            elif (end - start).days > 366:
                errors["to"] = [_("A period is at most a year long.")]
            else:
                return start, end, "", errors
    month = query.get("month", "")
    bounds = filters.month_bounds(month) if month else None
    if month and bounds is None:
        errors["month"] = [_("“%(value)s” is not a month (YYYY-MM).") % {"value": month[:50]}]
    if bounds is None:
        bounds = filters.month_bounds(f"{today:%Y-%m}")
        assert bounds is not None
    return bounds[0], bounds[1], f"{bounds[0]:%Y-%m}", errors


def _shift_month(start: date, months: int) -> str:
    index = start.year * 12 + start.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@staff_required
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    """Coverage of a period, optionally of one item: per content and per owner (the default),
    or per content, owner or item alone (``by``); htmx gets the tables only (the item page
    loads them so). One query per table and one for the total."""
    user = request.user
    now = clock.now()
    start, end, month, errors = period_of(request.GET)
    by = request.GET.get("by", "")
    if by and by not in GROUPS:
        errors["by"] = [_("Group by content, owner or item.")]
        by = ""
    item = None
    item_id = _int(request.GET.get("item"))
    occurrences = access.occurrences_for_user(user)
    if item_id is not None:
        item = get_item_for_user(user, item_id)
        occurrences = occurrences.filter(content__item=item)
    base: dict[str, Any] = {"due_from": start, "due_to": end, "item": item.pk if item else None}
    labels = group_labels()
    tables = [
        {
            "by": group,
            "label": labels[group],
            "rows": _coverage_rows(occurrences, start, end, group, base, now),
        }
        for group in ([by] if by else list(DEFAULT_GROUPS))
    ]
    context = {
        "item": item,
        "by": by,
        "groups": [("", _("Content and owner"))] + [(g, labels[g]) for g in GROUPS],
        "start": start,
        "end": end,
        "month": month,
        "previous_month": _shift_month(start, -1),
        "next_month": _shift_month(start, 1),
        "tables": tables,
        "total": totals(occurrences, start, end, now=now),
        "total_links": {
            m: list_url(**base, status=_states(m)) for m in ("planned", *MEASURE_STATES)
        },
        "errors": errors,
        "coverage_url": reverse("routines:coverage"),
    }
    partial = _is_partial(request)
    template = "routines/coverage.html#coverage" if partial else "routines/coverage.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


DEFAULT_GROUPS = ("content", "owner")
# The list filter that narrows to a coverage row's work.
GROUP_FILTERS = {"content": "content", "owner": "assignee", "item": "item"}


def _coverage_rows(
    occurrences: Any, start: date, end: date, group: str, base: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Each row of one coverage table with the links to the work each number counts."""

    def link(key: Any, measure: str) -> str:
        query = dict(base)
        query[GROUP_FILTERS[group]] = key if key is not None else filters.NOBODY
        return list_url(**query, status=_states(measure))

    return [
        {"row": row, "links": {m: link(row.key, m) for m in ("planned", *MEASURE_STATES)}}
        for row in coverage(occurrences, start, end, group, now=now)  # type: ignore[arg-type]
    ]


def group_labels() -> dict[str, str]:
    return {"content": _("Content"), "owner": _("Owner"), "item": _("Service item")}
