"""The SOP API, mounted at /api/sops/: procedures (staff read, managers write: changed steps make
a new version), a run's checklist, and completing a step. Same access helpers and services as
the pages; customer contacts get 404 for everything here (the portal never shows SOPs)."""

import json
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus
from pydantic import ValidationError as PydanticError

from opsbook.accounts.models import User
from opsbook.catalog import access as catalog_access
from opsbook.core import clock
from opsbook.core.api import (
    MULTIPART_SLACK,
    Id,
    Message,
    Pagination,
    ValidationErrors,
    as_field_errors,
    invalid,
)
from opsbook.core.permissions import require

from . import access, services
from .models import Procedure, Run, Step, StepRun
from .schemas import (
    ProcedureDetailOut,
    ProcedureIn,
    ProcedureOut,
    ProcedurePatch,
    RunOut,
    StepDoneIn,
    StepIn,
)
from .services import StepSpec

router = Router(tags=["sops"])

READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Message, 422: ValidationErrors}


def _staff(request: HttpRequest) -> None:
    """Customers (and anyone else who is not staff) are refused (403, the convention of the
    staff-only routers), before any lookup, so no id is confirmed to them."""
    require(access.can_view_procedures(request.user), _("Procedures are for staff only."))


def _manager(request: HttpRequest) -> None:
    _staff(request)
    require(access.can_manage_procedures(request.user), _("Only managers change procedures."))


def _step_out(step: Step) -> dict[str, Any]:
    return {
        "id": step.pk,
        "position": step.position,
        "name": step.name,
        "responsible_role": step.responsible_role,
        "responsible_user_id": step.responsible_user_id,
        "time_limit_minutes": step.time_limit_minutes,
        "evidence": step.evidence,
        "checklist": list(step.checklist or []),
    }


def _procedure_out(procedure: Procedure) -> dict[str, Any]:
    return {
        "id": procedure.pk,
        "name": procedure.name,
        "description": procedure.description,
        "is_active": procedure.is_active,
        "latest_version": getattr(procedure, "latest", None),
        "item_ids": [i.pk for i in procedure.items.all()],
        "content_ids": [c.pk for c in procedure.contents.all()],
        "ticket_types": sorted(t.type for t in procedure.ticket_types.all()),
    }


def _detail_out(procedure: Procedure) -> dict[str, Any]:
    procedure = (
        Procedure.objects.annotate(latest=Max("versions__number"))
        .prefetch_related("items", "contents", "ticket_types", "versions__steps")
        .get(pk=procedure.pk)
    )
    data = _procedure_out(procedure)
    data["versions"] = [
        {
            "number": v.number,
            "created_at": v.created_at,
            "created_by_id": v.created_by_id,
            "note": v.note,
            "steps": [_step_out(s) for s in v.steps.all()],
        }
        for v in procedure.versions.all()
    ]
    return data


def _specs(steps: list[StepIn]) -> list[StepSpec]:
    wanted = {s.responsible_user_id for s in steps if s.responsible_user_id}
    people = {u.pk: u for u in User.objects.filter(pk__in=wanted)}
    specs = []
    for number, s in enumerate(steps):
        user = None
        if s.responsible_user_id:
            user = people.get(s.responsible_user_id)
            if user is None:
                raise invalid(
                    ["body", "payload", "steps", number, "responsible_user_id"],
                    _("No such person."),
                )
        specs.append(
            StepSpec(
                name=s.name,
                responsible_role=s.responsible_role,
                responsible_user=user,
                time_limit_minutes=s.time_limit_minutes,
                evidence=s.evidence,
                checklist=list(s.checklist),
            )
        )
    return specs


def _items(request: HttpRequest, ids: list[int]) -> list[Any]:
    found = list(catalog_access.items_for_user(request.user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise invalid(["body", "payload", "item_ids"], _("Choose service items you may see."))
    return found


def _contents(request: HttpRequest, ids: list[int]) -> list[Any]:
    found = list(catalog_access.contents_for_user(request.user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise invalid(["body", "payload", "content_ids"], _("Choose service content you may see."))
    return found


# --- procedures -------------------------------------------------------------------------------


@router.get("/procedures", response={200: list[ProcedureOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_procedures(request: HttpRequest, active: bool | None = None):
    """Procedures by name (``active`` filters), with their latest version number."""
    _staff(request)
    procedures = (
        access.procedures_for_user(request.user)
        .annotate(latest=Max("versions__number"))
        .prefetch_related("items", "contents", "ticket_types")
        .order_by("name", "pk")
    )
    if active is not None:
        procedures = procedures.filter(is_active=active)
    return _ProcedurePage(procedures)


class _ProcedurePage:
    """A queryset whose rows come out as ``ProcedureOut`` dicts, paged by ``Pagination``."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_procedure_out(p) for p in self.queryset[window]]

    def count(self) -> int:
        return int(self.queryset.count())


@router.get("/procedures/{procedure_id}", response={200: ProcedureDetailOut, **READ_ERRORS})
def get_procedure(request: HttpRequest, procedure_id: Id):
    """A procedure with every version and its steps, newest version first."""
    _staff(request)
    return _detail_out(access.get_procedure_for_user(request.user, procedure_id))


@router.post("/procedures", response={201: ProcedureDetailOut, **WRITE_ERRORS})
def create_procedure(request: HttpRequest, payload: ProcedureIn):
    """A new procedure and its first version (managers)."""
    _manager(request)
    specs = _specs(payload.steps)
    items, contents = _items(request, payload.item_ids), _contents(request, payload.content_ids)
    with as_field_errors():
        procedure = services.do_create_procedure(
            request.user,
            name=payload.name,
            description=payload.description,
            steps=specs,
            items=items,
            contents=contents,
            ticket_types=payload.ticket_types,
            note=payload.note,
            source="api",
        )
    return HttpStatus(201, _detail_out(procedure))


@router.patch("/procedures/{procedure_id}", response={200: ProcedureDetailOut, **WRITE_ERRORS})
def update_procedure(request: HttpRequest, procedure_id: Id, payload: ProcedurePatch):
    """Change what is sent. Steps that differ from the latest version's make a new version
    (``note`` says what changed); runs in progress keep theirs."""
    _staff(request)
    procedure = access.get_procedure_for_user(request.user, procedure_id)
    _manager(request)
    sent = payload.model_fields_set
    with as_field_errors():
        services.do_update_procedure(
            request.user,
            procedure,
            name=payload.name,
            description=payload.description,
            steps=_specs(payload.steps) if payload.steps is not None else None,
            note=payload.note,
            items=_items(request, payload.item_ids) if payload.item_ids is not None else None,
            contents=_contents(request, payload.content_ids)
            if payload.content_ids is not None
            else None,
            ticket_types=payload.ticket_types if "ticket_types" in sent else None,
            expected_version=payload.expected_version,
            source="api",
        )
        if payload.is_active is not None:
            services.do_set_procedure_active(request.user, procedure, payload.is_active)
    return _detail_out(procedure)


# --- runs -------------------------------------------------------------------------------------


def _run_out(run: Run, user: Any) -> dict[str, Any]:
    now = clock.now()
    ticket, occurrence = access.holder_of(run)
    rows = list(run.step_runs.select_related("step").order_by("step__position"))
    current_seen = False
    steps = []
    for step_run in rows:
        if step_run.done_at is not None:
            state = "done"
        elif not current_seen:
            state, current_seen = "current", True
        else:
            state = "waiting"
        steps.append(
            {
                "id": step_run.pk,
                "step": _step_out(step_run.step),
                "state": state,
                "started_at": step_run.started_at,
                "due_at": step_run.due_at,
                "overdue": state == "current"
                and step_run.due_at is not None
                and step_run.due_at <= now,
                "done_at": step_run.done_at,
                "done_by_id": step_run.done_by_id,
                "note": step_run.note,
                "link": step_run.link,
                "attachment_name": step_run.attachment_name,
                "checked": list(step_run.checked or []),
            }
        )
    return {
        "id": run.pk,
        "procedure_id": run.version.procedure_id,
        "procedure": run.version.procedure.name,
        "version": run.version.number,
        "calendar_id": run.calendar_id,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "ticket_id": getattr(ticket, "pk", None),
        "occurrence_id": getattr(occurrence, "pk", None),
        "steps": steps,
    }


@router.get("/runs/{run_id}", response={200: RunOut, **READ_ERRORS})
def get_run(request: HttpRequest, run_id: Id):
    """A run's checklist: each step's state, clock and evidence."""
    _staff(request)
    return _run_out(access.get_run_for_user(request.user, run_id), request.user)


def _done_input(request: HttpRequest) -> tuple[StepDoneIn, Any]:
    """The evidence sent as JSON, or as multipart/form-data with a ``file``."""
    if request.content_type == "multipart/form-data":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ATTACHMENT_MAX_BYTES + MULTIPART_SLACK:
            raise HttpError(
                413,
                _("The upload is larger than the %(limit)s limit.")
                % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
            )
        data: dict[str, Any] = {
            "note": request.POST.get("note", ""),
            "link": request.POST.get("link", ""),
            "checked": request.POST.getlist("checked"),
        }
        upload = request.FILES.get("file")
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, _("The body is not JSON.")) from None
        if not isinstance(data, dict):
            raise invalid(["body"], _("Send an object."))
        upload = None
    try:
        return StepDoneIn.model_validate(data), upload
    except PydanticError as exc:
        raise invalid(
            ["body", *(str(x) for x in exc.errors()[0]["loc"])], exc.errors()[0]["msg"]
        ) from None


@router.post(
    "/runs/{run_id}/steps/{step_id}/complete",
    response={200: RunOut, 413: Message, **WRITE_ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": StepDoneIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "note": {"type": "string"},
                            "link": {"type": "string"},
                            "checked": {"type": "array", "items": {"type": "integer"}},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                },
            }
        }
    },
)
def complete_step(request: HttpRequest, run_id: Id, step_id: Id):
    """Complete the run's current step (``step_id`` is the step's id in this run, as
    ``GET /runs/{id}`` lists it) with the evidence it requires."""
    _staff(request)
    run = access.get_run_for_user(request.user, run_id)
    try:
        step_run = StepRun.objects.select_related("step", "run").get(pk=step_id, run=run)
    except StepRun.DoesNotExist:
        raise Http404 from None
    require(access.can_complete_step(request.user, step_run), _("You may not complete this step."))
    payload, upload = _done_input(request)
    with as_field_errors():
        services.do_complete_step(
            request.user,
            step_run,
            note=payload.note,
            link=payload.link,
            file=upload,
            checked=payload.checked,
        )
    return _run_out(access.get_run_for_user(request.user, run_id), request.user)
