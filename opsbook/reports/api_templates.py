"""Report templates in the API, mounted at /api/reports/templates: list, one template (its JSON,
the same shape as the editor's export), create or import (the exported shape), replace, delete
(refused while reports use it). Staff read; managers write. A template is data: what the API
returns, it accepts back."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard, require

from . import access, template_services
from .choices import TemplateKind
from .models import ReportTemplate

router = Router(tags=["report templates"])
router.add_decorator(
    api_guard(access.can_view_reports, lambda: _("Report templates are for staff only.")),
    mode="operation",
)
READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 422: ValidationErrors}


class ReportBlockIn(Schema):
    type: str = Field(max_length=50, description="A block type of the registry.")
    options: dict[str, Any] = Field(default_factory=dict)


class ReportTemplateSectionIn(Schema):
    key: str = Field(max_length=50)
    title: str = Field(max_length=200)
    owner: str | None = Field(None, max_length=150, description="A user name.")
    narrative: bool = True
    blocks: list[ReportBlockIn] = Field(
        default_factory=list, max_length=template_services.MAX_BLOCKS
    )


class ReportTemplateIn(Schema):
    format: Literal["opsbook.report-template"] = "opsbook.report-template"
    schema_: Literal[1] = Field(1, alias="schema")
    code: str = Field(max_length=50)
    name: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    kind: TemplateKind = TemplateKind.ORGANISATION
    team: str | None = Field(None, max_length=100, description="A team's name.")
    customer: str | None = Field(None, max_length=50, description="A customer's code.")
    editor: str | None = Field(None, max_length=150, description="A user name.")
    auto_draft: bool = True
    deadline_working_days: int = Field(5, ge=1, le=20)
    layout: dict[str, Any] = Field(default_factory=dict)
    sections: list[ReportTemplateSectionIn] = Field(
        default_factory=list, max_length=template_services.MAX_SECTIONS
    )


class ReportTemplateSummaryOut(Schema):
    id: int
    code: str
    name: str
    kind: TemplateKind
    team: str | None
    customer: str | None
    is_default: bool
    is_active: bool
    version: int

    @staticmethod
    def resolve_id(obj: ReportTemplate) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_team(obj: ReportTemplate) -> str | None:
        return obj.team.name if obj.team else None

    @staticmethod
    def resolve_customer(obj: ReportTemplate) -> str | None:
        return obj.customer.code if obj.customer else None


class ReportBlockOut(Schema):
    type: str
    options: dict[str, Any]


class ReportTemplateSectionOut(Schema):
    key: str
    title: str
    owner: str | None
    narrative: bool
    blocks: list[ReportBlockOut]


class ReportTemplateOut(Schema):
    id: int
    version: int
    is_default: bool
    is_active: bool
    format: str
    schema_: int = Field(alias="schema")
    code: str
    name: str
    description: str
    kind: TemplateKind
    team: str | None
    customer: str | None
    editor: str | None
    auto_draft: bool
    deadline_working_days: int
    layout: dict[str, Any]
    sections: list[ReportTemplateSectionOut]


def _out(template: ReportTemplate) -> dict[str, Any]:
    template = ReportTemplate.objects.select_related("team", "customer", "editor").get(
        pk=template.pk
    )
    return {
        "id": template.pk,
        "version": template.version,
        "is_default": template.is_default,
        "is_active": template.is_active,
        **template_services.do_export_template(template),
    }


def _data(payload: ReportTemplateIn) -> dict[str, Any]:
    return payload.model_dump(by_alias=True)


def _manager(request: HttpRequest) -> None:
    require(
        access.can_manage_templates(request.user),
        _("Only managers create and change report templates."),
    )


@router.get(
    "/", response={200: list[ReportTemplateSummaryOut], **READ_ERRORS, 422: ValidationErrors}
)
@paginate(Pagination)
def list_templates(request: HttpRequest):
    """Templates: the organisation's default first, then by kind and name."""
    templates = access.templates_for_user(request.user).select_related("team", "customer")
    return templates.order_by("-is_default", "kind", "name", "pk")


@router.get("/{template_id}", response={200: ReportTemplateOut, **READ_ERRORS}, by_alias=True)
def get_template(request: HttpRequest, template_id: Id):
    """One template as JSON: what the editor exports and POST accepts."""
    return _out(access.get_template_for_user(request.user, template_id))


@router.post("/", response={201: ReportTemplateOut, **WRITE_ERRORS}, by_alias=True)
def create_template(request: HttpRequest, payload: ReportTemplateIn, replace: bool = False):
    """Create a template from its JSON (an exported one, or written by hand). With
    ``replace=true`` the template with the same code is replaced; otherwise that code is a 422."""
    _manager(request)
    with as_field_errors():
        template = template_services.do_import_template(
            _data(payload), actor=request.user, now=clock.now(), replace=replace, source="api"
        )
    return HttpStatus(201, _out(template))


@router.put("/{template_id}", response={200: ReportTemplateOut, **WRITE_ERRORS}, by_alias=True)
def replace_template(request: HttpRequest, template_id: Id, payload: ReportTemplateIn):
    """Replace a template's fields and sections by the JSON sent (managers)."""
    template = access.get_template_for_user(request.user, template_id)
    _manager(request)
    with as_field_errors():
        template = template_services.do_replace_template(
            template, _data(payload), actor=request.user, now=clock.now(), source="api"
        )
    return _out(template)


@router.delete("/{template_id}", response={204: None, **WRITE_ERRORS})
def delete_template(request: HttpRequest, template_id: Id):
    """Delete a template no report uses (a 422 says how many do; make it inactive instead)."""
    template = access.get_template_for_user(request.user, template_id)
    _manager(request)
    with as_field_errors():
        template_services.do_delete_template(
            template, actor=request.user, now=clock.now(), source="api"
        )
    return HttpStatus(204, None)
