"""The template editor: templates (organisation, team, customer), their fields, their sections
(add, remove, reorder, title, key, owner, narrative flag) and each section's blocks (added from
the registry, options as JSON checked by the block type), export as JSON and import. Staff read;
managers change (``access.can_manage_templates``). Every write is a ``template_services`` call."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.core import clock
from opsbook.core.permissions import requires

from .. import access, blocks, template_services
from ..models import ReportTemplate, TemplateSection
from ..template_forms import ImportForm, NewTemplateForm, SectionForm, TemplateForm, parse_options
from .pages import _hidden, scope_label

staff_required = requires(access.can_view_reports, hidden=_hidden)
manager_required = requires(access.can_manage_templates, hidden=_hidden)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _flat(form: Any) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _section(template: ReportTemplate, section_pk: int) -> TemplateSection:
    section = template.sections.filter(pk=section_pk).select_related("owner").first()
    if section is None:
        raise Http404("No such section.")
    return section


def _edit_url(template: ReportTemplate, anchor: str = "") -> str:
    url = reverse("reports:template_edit", args=[template.pk])
    return f"{url}#{anchor}" if anchor else url


@staff_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    can_manage = access.can_manage_templates(request.user)
    form = NewTemplateForm(request.POST or None, prefix="new") if can_manage else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items()}
            try:
                template = template_services.do_save_template(
                    None, fields, actor=request.user, now=clock.now()
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Template created with the default sections."))
                return redirect("reports:template_edit", template.pk)
    templates = (
        access.templates_for_user(request.user)
        .select_related("team", "customer", "editor")
        .order_by("-is_default", "kind", "name")
    )
    rows = [{"template": t, "scope": scope_label(t)} for t in templates]
    return render(
        request,
        "reports/templates.html",
        {
            "rows": rows,
            "form": form,
            "import_form": ImportForm(prefix="import") if can_manage else None,
            "can_manage": can_manage,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _template_initial(template: ReportTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        "code": template.code,
        "description": template.description,
        "kind": template.kind,
        "team": template.team_id,
        "customer": template.customer_id,
        "editor": template.editor_id,
        "deadline_working_days": template.deadline_working_days,
        "auto_draft": template.auto_draft,
        "is_default": template.is_default,
        "is_active": template.is_active,
    }


def _editor_context(request: HttpRequest, template: ReportTemplate, form: Any) -> dict:
    can_manage = access.can_manage_templates(request.user)
    registry = blocks.block_types()
    sections = []
    for section in template.sections.select_related("owner").order_by("position", "id"):
        block_rows = []
        for index, block in enumerate(section.blocks or []):
            known = registry.get(block.get("type", ""))
            block_rows.append(
                {
                    "index": index,
                    "type": block.get("type", ""),
                    "label": known.label if known else block.get("type", ""),
                    "unknown": known is None,
                    "options": json.dumps(block.get("options") or {}, ensure_ascii=False),
                }
            )
        sections.append(
            {
                "section": section,
                "form": SectionForm(
                    initial={
                        "title": section.title,
                        "key": section.key,
                        "owner": section.owner_id,
                        "narrative": section.narrative,
                    },
                    prefix=f"s{section.pk}",
                )
                if can_manage
                else None,
                "blocks": block_rows,
            }
        )
    block_choices = [
        {
            "type": name,
            "label": bt.label,
            "help": bt.help,
            "defaults": json.dumps(bt.defaults, ensure_ascii=False),
        }
        for name, bt in sorted(registry.items())
    ]
    return {
        "template": template,
        "scope": scope_label(template),
        "form": form,
        "sections": sections,
        "new_section_form": SectionForm(prefix="new", initial={"narrative": True})
        if can_manage
        else None,
        "block_choices": block_choices,
        "can_manage": can_manage,
        "report_count": template.reports.count(),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    can_manage = access.can_manage_templates(request.user)
    if request.method == "POST" and not can_manage:
        return HttpResponse(status=403)
    form = (
        TemplateForm(request.POST or None, initial=_template_initial(template))
        if can_manage
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            template_services.do_save_template(
                template, dict(form.cleaned_data), actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return redirect("reports:template_edit", template.pk)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "reports/template_edit.html",
        _editor_context(request, template, form),
        status=status,
    )


@manager_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    try:
        template_services.do_delete_template(template, actor=request.user, now=clock.now())
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("reports:template_edit", template.pk)
    messages.success(request, _("Template deleted."))
    return redirect("reports:templates")


@manager_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    form = SectionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            section = template_services.do_save_section(
                template, None, dict(form.cleaned_data), actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Section added."))
            return redirect(_edit_url(template, f"tsection-{section.pk}"))
    else:
        for error in _flat(form):
            messages.error(request, error)
    return redirect(_edit_url(template, "new-section"))


@manager_required
@require_POST
def section_save(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    section = _section(template, section_pk)
    form = SectionForm(request.POST, prefix=f"s{section.pk}")
    if form.is_valid():
        data = dict(form.cleaned_data)
        if not data["key"]:
            data["key"] = section.key
        try:
            template_services.do_save_section(
                template, section, data, actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Section saved."))
    else:
        for error in _flat(form):
            messages.error(request, error)
    return redirect(_edit_url(template, f"tsection-{section.pk}"))


@manager_required
@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    section = _section(template, section_pk)
    try:
        template_services.do_move_section(
            section, request.POST.get("direction", ""), actor=request.user, now=clock.now()
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_edit_url(template, f"tsection-{section.pk}"))


@manager_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    section = _section(template, section_pk)
    template_services.do_delete_section(section, actor=request.user, now=clock.now())
    messages.success(request, _("Section removed."))
    return redirect(_edit_url(template))


def _save_blocks(
    request: HttpRequest, template: ReportTemplate, section: TemplateSection, new_blocks: list
) -> bool:
    try:
        template_services.do_save_section(
            template, section, {"blocks": new_blocks}, actor=request.user, now=clock.now()
        )
    except ValidationError as exc:
        _errors(request, exc)
        return False
    return True


@manager_required
@require_POST
def block_add(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Add a block of a registered type with its options (a JSON object; empty: defaults)."""
    template = access.get_template_for_user(request.user, pk)
    section = _section(template, section_pk)
    try:
        options = parse_options(request.POST.get("options", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        new = [*section.blocks, {"type": request.POST.get("type", ""), "options": options}]
        if _save_blocks(request, template, section, new):
            messages.success(request, _("Block added."))
    return redirect(_edit_url(template, f"tsection-{section.pk}"))


def _block_index(section: TemplateSection, value: Any) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise Http404("No such block.") from None
    if not 0 <= index < len(section.blocks or []):
        raise Http404("No such block.")
    return index


@manager_required
@require_POST
def block_save(request: HttpRequest, pk: int, section_pk: int, index: int) -> HttpResponse:
    """Change a block's options, move it (``move=up|down``) or remove it (``remove=1``)."""
    template = access.get_template_for_user(request.user, pk)
    section = _section(template, section_pk)
    index = _block_index(section, index)
    new = [dict(b) for b in section.blocks]
    if request.POST.get("remove"):
        del new[index]
        done = _("Block removed.")
    elif request.POST.get("move") in ("up", "down"):
        other = index - 1 if request.POST["move"] == "up" else index + 1
        if 0 <= other < len(new):
            new[index], new[other] = new[other], new[index]
        done = _("Block moved.")
    else:
        try:
            new[index]["options"] = parse_options(request.POST.get("options", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(_edit_url(template, f"tsection-{section.pk}"))
        done = _("Block saved.")
    if _save_blocks(request, template, section, new):
        messages.success(request, done)
    return redirect(_edit_url(template, f"tsection-{section.pk}"))


@staff_required
@require_GET
def template_export(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    data = template_services.do_export_template(template)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="report-template-{template.code}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@manager_required
@require_POST
def template_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        for error in _flat(form):
            messages.error(request, error)
        return redirect("reports:templates")
    try:
        template = template_services.do_import_template(
            form.cleaned_data["file"],
            actor=request.user,
            now=clock.now(),
            replace=form.cleaned_data["replace"],
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("reports:templates")
    messages.success(request, _("Template imported."))
    return redirect("reports:template_edit", template.pk)
