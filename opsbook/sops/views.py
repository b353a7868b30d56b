"""Procedure (SOP) pages: the list, a procedure with its version history, creating and editing
(managers), a run's checklist, and completing or reopening a step (htmx answers the checklist's
fragment; without htmx the page is reloaded)."""

from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.core.attachments import ALLOWED
from opsbook.core.errors import ConflictError
from opsbook.core.middleware import body_limit
from opsbook.core.permissions import requires

from . import access, services
from .forms import CompleteStepForm, ProcedureForm, step_formset
from .models import Procedure, StepRun
from .presenters import run_panel

staff_required = requires(access.can_view_procedures, hidden=access.is_hidden_from)
manager_required = requires(access.can_manage_procedures, hidden=access.is_hidden_from)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- procedures -------------------------------------------------------------------------------


@staff_required
@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    inactive = request.GET.get("state") == "inactive"
    procedures = (
        access.procedures_for_user(request.user)
        .filter(is_active=not inactive)
        .annotate(
            latest=Max("versions__number"),
            runs_open=Count("versions__runs", filter=Q(versions__runs__completed_at__isnull=True)),
        )
        .prefetch_related("items", "contents__item", "ticket_types")
        .order_by("name")
    )
    return render(
        request,
        "sops/list.html",
        {
            "procedures": procedures,
            "inactive": inactive,
            "can_manage": access.can_manage_procedures(request.user),
        },
    )


@staff_required
@require_GET
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = access.get_procedure_for_user(request.user, pk)
    versions = list(
        procedure.versions.select_related("created_by").annotate(run_count=Count("runs"))
    )
    latest = versions[0] if versions else None
    return render(
        request,
        "sops/detail.html",
        {
            "procedure": procedure,
            "version": latest,
            "steps": list(latest.steps.select_related("responsible_user")) if latest else [],
            "versions": versions,
            "items": list(procedure.items.order_by("code")),
            "contents": list(procedure.contents.select_related("item").order_by("code")),
            "ticket_types": [
                label
                for value, label in services.ticket_type_choices()
                if value in services.ticket_types_of(procedure)
            ],
            "can_manage": access.can_manage_procedures(request.user),
        },
    )


@staff_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    procedure = access.get_procedure_for_user(request.user, pk)
    version = access.get_version_for_user(request.user, procedure, number)
    return render(
        request,
        "sops/version.html",
        {
            "procedure": procedure,
            "version": version,
            "steps": list(version.steps.select_related("responsible_user")),
        },
    )


def _procedure_page(request: HttpRequest, procedure: Procedure | None) -> HttpResponse:
    latest = services.latest_version(procedure) if procedure else None
    steps = list(latest.steps.all()) if latest else []
    data = request.POST if request.method == "POST" else None
    form = ProcedureForm(data, user=request.user, procedure=procedure)
    formset = step_formset(data, steps)
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            values = form.cleaned_data
            try:
                if procedure is None:
                    procedure = services.do_create_procedure(
                        request.user,
                        name=values["name"],
                        description=values["description"],
                        steps=formset.specs(),
                        items=list(values["items"]),
                        contents=list(values["contents"]),
                        ticket_types=values["ticket_types"],
                        note=values["note"],
                    )
                else:
                    services.do_update_procedure(
                        request.user,
                        procedure,
                        name=values["name"],
                        description=values["description"],
                        steps=formset.specs(),
                        items=list(values["items"]),
                        contents=list(values["contents"]),
                        ticket_types=values["ticket_types"],
                        note=values["note"],
                        expected_version=values["based_on"],
                    )
            except ConflictError as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "steps" in exc.error_dict:
                    formset._non_form_errors = formset.error_class(exc.error_dict.pop("steps"))  # type: ignore[attr-defined]
                    if exc.error_dict:
                        _add_errors(form, exc)
                else:
                    _add_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": procedure})
                return redirect("sops:detail", procedure.pk)
        status = status if status != 200 else 400
    return render(
        request,
        "sops/form.html",
        {"form": form, "formset": formset, "procedure": procedure, "latest": latest},
        status=status,
    )


@manager_required
def procedure_new(request: HttpRequest) -> HttpResponse:
    return _procedure_page(request, None)


@manager_required
def procedure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _procedure_page(request, access.get_procedure_for_user(request.user, pk))


@manager_required
@require_POST
def procedure_active(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = access.get_procedure_for_user(request.user, pk)
    active = request.POST.get("active") == "1"
    services.do_set_procedure_active(request.user, procedure, active)
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": procedure})
    else:
        messages.success(
            request,
            _("%(name)s is deactivated: no new run starts from it; runs in progress go on.")
            % {"name": procedure},
        )
    return redirect("sops:detail", procedure.pk)


# --- runs -------------------------------------------------------------------------------------


@staff_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for_user(request.user, pk)
    return render(request, "sops/run.html", {"run": run})


def _next(request: HttpRequest, step_run: StepRun) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("sops:run", args=[step_run.run_id])


def _answer(
    request: HttpRequest,
    step_run: StepRun,
    *,
    bound: dict[int, CompleteStepForm] | None = None,
    problem: str = "",
) -> HttpResponse:
    """The checklist fragment for htmx; otherwise back to the page (with the error, if any)."""
    run = step_run.run
    if getattr(request, "htmx", False):
        panel = run_panel(run, request.user, bound=bound)
        html = render_to_string(
            "sops/_panel.html",
            {"panel": panel, "next": request.POST.get("next", ""), "problem": problem},
            request=request,
        )
        return HttpResponse(html)
    if bound or problem:
        if problem:
            messages.error(request, problem)
        panel = run_panel(run, request.user, bound=bound)
        return render(request, "sops/run.html", {"run": run, "panel": panel}, status=400)
    return redirect(_next(request, step_run))


@staff_required
@require_POST
@body_limit("ATTACHMENT_MAX_BYTES")
def step_complete(request: HttpRequest, pk: int) -> HttpResponse:
    step_run = access.get_step_run_for_user(request.user, pk)
    if not access.can_complete_step(request.user, step_run):
        raise PermissionDenied
    form = CompleteStepForm(request.POST, request.FILES, step_run=step_run)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.do_complete_step(
                request.user,
                step_run,
                note=data["note"],
                link=data["link"],
                file=data["file"],
                checked=data["checked"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _answer(request, step_run)
    return _answer(request, step_run, bound={step_run.pk: form})


@staff_required
@require_POST
def step_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    step_run = access.get_step_run_for_user(request.user, pk)
    if not access.can_reopen_step(request.user):
        raise PermissionDenied
    try:
        services.do_reopen_step(request.user, step_run)
    except ValidationError as exc:
        return _answer(request, step_run, problem=" ".join(exc.messages))
    return _answer(request, step_run)


@staff_required
@require_GET
def step_file(request: HttpRequest, pk: int) -> FileResponse:
    """A step's evidence file, from a run the user sees, always as a download."""
    step_run = access.get_step_run_for_user(request.user, pk)
    if not step_run.attachment:
        raise Http404
    name = step_run.attachment_name or "evidence"
    try:
        handle = step_run.attachment.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=ALLOWED.get(PurePosixPath(name).suffix.lower(), ("application/octet-stream",))[
            0
        ],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
