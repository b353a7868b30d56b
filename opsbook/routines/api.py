"""The routines API, mounted at /api/routines/: occurrences (list, detail, complete, skip,
reopen, reassign, create on-demand work), evidence downloads and coverage.

Routes fetch through ``access.py`` (an occurrence outside the caller's scope is a 404; a
customer contact gets 403 on every route, as on the other staff-only routers) and write
through ``services``, like the pages. The list takes the page's filters (``filters.py``).
Errors have the project's one shape (core/api.py): 403 when the role does not allow a write,
409 never (no versions here), 413 for an upload over the limit, 422 naming the field.

``complete`` takes JSON (``{"note": ..., "link": ...}``) or a multipart form with the same
fields and the files as ``file`` (repeatable).
"""

import json
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status as HttpStatus
from pydantic import ValidationError as PydanticValidationError

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.models import User
from opsbook.catalog.access import get_content_for_user, get_item_for_user
from opsbook.core import clock
from opsbook.core.api import (
    MULTIPART_SLACK,
    Id,
    Message,
    PageQuery,
    ValidationErrors,
    as_field_errors,
    invalid,
)
from opsbook.core.permissions import api_guard
from opsbook.tickets.access import get_ticket_for_user

from . import access, filters, services
from .coverage import CoverageRow, coverage, totals
from .models import Evidence, Occurrence
from .schemas import (
    CompleteIn,
    CoverageOut,
    CoverageQuery,
    OccurrenceFilterQuery,
    OccurrenceIn,
    OccurrenceOut,
    OccurrencePage,
    ReassignIn,
    ReopenIn,
    SkipIn,
)

router = Router(tags=["routines"])

READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 422: ValidationErrors}
COMPLETE_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "note": {"type": "string", "maxLength": services.MAX_NOTE},
                        "link": {"type": "string", "maxLength": services.MAX_LINK},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "note": {"type": "string"},
                        "link": {"type": "string"},
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": f"Up to {services.MAX_FILES} files (repeat the field).",
                        },
                    },
                }
            },
        },
    }
}
DOWNLOAD_RESPONSE = {
    200: {
        "description": "The file, as an attachment, with the type it was stored with.",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}


# Routine work is for staff: a customer contact gets the API's 403 on every route (the
# project's convention for staff-only routers: people, notifications, SOPs, work), before any
# lookup, so no id is ever confirmed to them.
router.add_decorator(
    api_guard(is_staff_member, lambda: _("Routine work is for staff only.")), mode="operation"
)


# --- output -----------------------------------------------------------------------------------


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.label}


def _data(occurrence: Occurrence, now: datetime) -> dict[str, Any]:
    content = occurrence.content
    item = content.item
    return {
        "id": occurrence.pk,
        "content": {"id": content.pk, "code": content.code, "name": content.name},
        "item": {"id": item.pk, "code": item.code, "name": item.name},
        "source": occurrence.source,
        "period_start": occurrence.period_start,
        "period_end": occurrence.period_end,
        "index": occurrence.index,
        "planned_on": occurrence.planned_on,
        "due_on": occurrence.due_on,
        "due_at": occurrence.due_at,
        "status": occurrence.status,
        "late": services.is_late(occurrence, now),
        "assignee": _person(occurrence.assignee),
        "owners": [_person(u) for u in occurrence.owners.all()],
        "team": {"id": occurrence.team.pk, "name": occurrence.team.name}
        if occurrence.team
        else None,
        "ticket_id": occurrence.ticket_id,
        "sop_run_id": occurrence.sop_run_id,
        "effort_minutes": occurrence.effort_minutes,
        "completed_at": occurrence.completed_at,
        "completed_by": _person(occurrence.completed_by),
        "note": occurrence.note,
        "link": occurrence.link,
        "skip_reason": occurrence.skip_reason,
        "evidence": [
            {
                "id": str(e.pk),
                "name": e.name,
                "size": e.size,
                "content_type": e.content_type,
                "sha256": e.sha256,
                "uploaded_at": e.uploaded_at,
                "download_url": reverse(
                    "api:download_routine_evidence", kwargs={"evidence_id": str(e.pk)}
                ),
            }
            for e in occurrence.evidence.all()
        ],
        "url": reverse("routines:occurrence", args=[occurrence.pk]),
    }


def _with_relations(queryset: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    """What the output shows, in a fixed number of queries whatever the number of rows."""
    return queryset.select_related(
        "content", "content__item", "assignee", "team", "completed_by"
    ).prefetch_related(
        Prefetch("owners", queryset=User.objects.order_by("username")),
        "evidence",
    )


def _one(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = access.get_occurrence_for_user(request.user, pk)
    return _data(_with_relations(Occurrence.objects.filter(pk=found.pk)).get(), clock.now())


# --- occurrences ------------------------------------------------------------------------------


@router.get("/occurrences", response={200: OccurrencePage, **READ_ERRORS, 422: ValidationErrors})
def list_occurrences(
    request: HttpRequest, query: Query[OccurrenceFilterQuery], page: Query[PageQuery]
):
    """Occurrences the caller may see, by due time, with the list page's filters; paged
    (``limit``, ``offset``), a fixed number of queries whatever the page size."""
    raw = {k: v for k, v in query.dict().items() if v not in ("", [], None)}
    parsed, errors = filters.parse(raw)
    if errors:
        name, messages = next(iter(errors.items()))
        raise invalid(["query", name], " ".join(messages))
    now = clock.now()
    found = filters.apply(access.occurrences_for_user(request.user), parsed, request.user, now)
    rows = _with_relations(found.order_by("due_at", "id"))[page.offset : page.offset + page.limit]
    return {"items": [_data(o, now) for o in rows], "count": found.count()}


@router.get("/occurrences/{occurrence_id}", response={200: OccurrenceOut, **READ_ERRORS})
def get_occurrence(request: HttpRequest, occurrence_id: Id):
    return _one(request, occurrence_id)


def _complete_input(request: HttpRequest) -> tuple[dict[str, Any], list[Any]]:
    """The note, link and files of a complete request, JSON or multipart."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.ATTACHMENT_MAX_BYTES
        if length > limit + MULTIPART_SLACK:
            raise _too_large()  # before Django reads the body
        files = request.FILES.getlist("file")
        if sum(f.size or 0 for f in files) > limit:
            raise _too_large()
        values = {k: request.POST.get(k, "") for k in ("note", "link")}
    else:
        files = []
        if request.body.strip():
            try:
                values = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                raise HttpError(400, _("The body is not valid JSON.")) from None
            if not isinstance(values, dict):
                raise invalid(["body"], _("Send an object with note and link."))
        else:
            values = {}
    try:
        checked = CompleteIn(**values)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        raise invalid(["body", *[str(p) for p in first["loc"]]], first["msg"]) from None
    return {"note": checked.note, "link": checked.link}, files


def _too_large() -> HttpError:
    return HttpError(
        413,
        _("The upload is larger than the %(limit)s limit.")
        % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
    )


@router.post(
    "/occurrences/{occurrence_id}/complete",
    response={200: OccurrenceOut, 400: Message, 413: Message, **WRITE_ERRORS},
    openapi_extra=COMPLETE_BODY,
)
def complete_occurrence(request: HttpRequest, occurrence_id: Id):
    """Mark open work done with its evidence. With procedure steps not done, a note is
    required. Work already done, skipped, missed or cancelled is a 422 naming ``status``."""
    occurrence = access.get_occurrence_for_user(request.user, occurrence_id)
    values, files = _complete_input(request)
    with as_field_errors(prefix=("body",), rename={"files": "file"}):
        services.do_complete_occurrence(
            request.user, occurrence, files=files, now=clock.now(), **values
        )
    return _one(request, occurrence_id)


@router.post("/occurrences/{occurrence_id}/skip", response={200: OccurrenceOut, **WRITE_ERRORS})
def skip_occurrence(request: HttpRequest, occurrence_id: Id, payload: SkipIn):
    """Skip open work; the reason is required."""
    occurrence = access.get_occurrence_for_user(request.user, occurrence_id)
    with as_field_errors():
        services.do_skip_occurrence(
            request.user, occurrence, reason=payload.reason, now=clock.now()
        )
    return _one(request, occurrence_id)


@router.post("/occurrences/{occurrence_id}/reopen", response={200: OccurrenceOut, **WRITE_ERRORS})
def reopen_occurrence(request: HttpRequest, occurrence_id: Id, payload: ReopenIn):
    """Undo a wrong completion or skip while the period is open (team leads and managers)."""
    occurrence = access.get_occurrence_for_user(request.user, occurrence_id)
    with as_field_errors():
        services.do_reopen_occurrence(
            request.user, occurrence, reason=payload.reason, now=clock.now()
        )
    return _one(request, occurrence_id)


@router.post("/occurrences/{occurrence_id}/reassign", response={200: OccurrenceOut, **WRITE_ERRORS})
def reassign_occurrence(request: HttpRequest, occurrence_id: Id, payload: ReassignIn):
    occurrence = access.get_occurrence_for_user(request.user, occurrence_id)
    assignee = services.assignable_users().filter(pk=payload.assignee).first()
    if assignee is None:
        raise invalid(["body", "payload", "assignee"], _("Work can be given only to active staff."))
    with as_field_errors():
        services.do_reassign_occurrence(request.user, occurrence, assignee, now=clock.now())
    return _one(request, occurrence_id)


@router.post("/occurrences", response={201: OccurrenceOut, **WRITE_ERRORS})
def create_occurrence(request: HttpRequest, payload: OccurrenceIn):
    """Create on-demand work (or an extra time of recurring content), optionally from a
    ticket (the content must belong to the ticket's service item)."""
    content = get_content_for_user(request.user, payload.content)
    ticket = get_ticket_for_user(request.user, payload.ticket) if payload.ticket else None
    assignee = None
    if payload.assignee is not None:
        assignee = services.assignable_users().filter(pk=payload.assignee).first()
        if assignee is None:
            raise invalid(
                ["body", "payload", "assignee"], _("Work can be given only to active staff.")
            )
    with as_field_errors():
        occurrence = services.do_create_occurrence(
            request.user,
            content,
            due_on=payload.due_on,
            assignee=assignee,
            ticket=ticket,
            note=payload.note,
            now=clock.now(),
        )
    return HttpStatus(201, _one(request, occurrence.pk))


@router.get(
    "/evidence/{evidence_id}",
    response=READ_ERRORS,
    url_name="download_routine_evidence",
    openapi_extra={"responses": DOWNLOAD_RESPONSE},
)
def download_evidence(request: HttpRequest, evidence_id: str):
    """A file of an occurrence the caller sees, always as a download (never shown inline)."""
    found: Evidence = access.get_evidence_for_user(request.user, evidence_id)
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


# --- coverage ---------------------------------------------------------------------------------


def _period(query: CoverageQuery) -> tuple[date, date]:
    if query.due_from or query.due_to:
        if not (query.due_from and query.due_to):
            raise invalid(["query", "due_to"], _("Give both due_from and due_to."))
        if query.due_to < query.due_from:
            raise invalid(["query", "due_to"], _("The period ends before it starts."))
        if (query.due_to - query.due_from).days > 366:
            raise invalid(["query", "due_to"], _("A period is at most a year long."))
        return query.due_from, query.due_to
    month = query.month or f"{clock.localdate():%Y-%m}"
    bounds = filters.month_bounds(month)
    if bounds is None:
        raise invalid(
            ["query", "month"], _("“%(value)s” is not a month (YYYY-MM).") % {"value": month[:50]}
        )
    return bounds


def _row(row: CoverageRow, url: str) -> dict[str, Any]:
    return {
        "key": row.key,
        "code": row.code,
        "label": row.label,
        "planned": row.planned,
        "done_on_time": row.done_on_time,
        "done_late": row.done_late,
        "skipped": row.skipped,
        "missed": row.missed,
        "open": row.open,
        "late": row.late,
        "rate": row.rate,
        "list_url": url,
    }


@router.get("/coverage", response={200: CoverageOut, **READ_ERRORS, 422: ValidationErrors})
def get_coverage(request: HttpRequest, query: Query[CoverageQuery]):
    """Planned, done on time, done late, skipped, missed and open work per content, owner
    (assignee) or item for a period (a month by default), of what the caller may see;
    ``item`` and ``owner`` narrow it."""
    start, end = _period(query)
    occurrences = access.occurrences_for_user(request.user)
    base: dict[str, Any] = {"due_from": start, "due_to": end}
    if query.item is not None:
        item = get_item_for_user(request.user, query.item)
        occurrences = occurrences.filter(content__item=item)
        base["item"] = item.pk
    if query.owner is not None:
        occurrences = occurrences.filter(assignee_id=query.owner)
        base["assignee"] = query.owner
    now = clock.now()
    group = {"content": "content", "owner": "assignee", "item": "item"}[query.by]
    rows = []
    for row in coverage(occurrences, start, end, query.by, now=now):
        key = row.key if row.key is not None else filters.NOBODY
        rows.append(_row(row, _list_url({**base, group: key})))
    return {
        "start": start,
        "end": end,
        "by": query.by,
        "rows": rows,
        "total": _row(totals(occurrences, start, end, now=now), _list_url(base)),
    }


def _list_url(query: dict[str, Any]) -> str:
    return f"{reverse('routines:list')}?{urlencode(query)}"
