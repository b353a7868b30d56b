"""The report as a file over the API, mounted at /api/reports/:
``GET /api/reports/{id}/export?format=docx|pdf|xlsx[&version=N]``.

Staff get the current draft (without ``version``) or any published version; a customer contact
gets only published versions of their own organisation's customer reports (without ``version``:
the latest), never a draft. Outside scope: 404; users who read no reports at all: 403."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from opsbook.core.api import Message, ValidationErrors
from opsbook.core.permissions import api_guard

from . import access
from .choices import Format
from .document import Document
from .export import CONTENT_TYPES, Exported, export
from .exports import attachment, published_file


def _can_export(user: Any) -> bool:
    return access.can_view_reports(user) or access.is_customer_contact(user)


router = Router(tags=["reports"])
router.add_decorator(
    api_guard(_can_export, lambda: _("Reports are for staff and customer contacts.")),
    mode="operation",
)

FILE_RESPONSE = {
    200: {
        "description": "The report as an attachment (Content-Disposition names the file).",
        "content": {
            content_type: {"schema": {"type": "string", "format": "binary"}}
            for content_type in CONTENT_TYPES.values()
        },
    }
}


class ExportQuery(Schema):
    format: Literal["docx", "pdf", "xlsx"] = Field(
        description="docx: Word; pdf; xlsx: Excel (every table of figures)."
    )
    version: int | None = Field(
        None,
        ge=1,
        description="A published version's number; without it the current draft (staff) or "
        "the latest published version (customer contacts).",
    )


def _file(user: Any, pk: int, version: int | None, fmt: str) -> Exported:
    if version is not None:
        return published_file(access.get_version_for_user(user, pk, version), fmt)
    if access.can_view_reports(user):
        report = access.get_report_for_user(user, pk)
        if not report.document:
            raise Http404(_("The report has no draft yet."))
        document: Document = report.document
        return export(document, fmt)
    latest = access.versions_for_user(user).filter(report_id=pk).order_by("-number").first()
    if latest is None:
        raise Http404(_("No such report."))
    return published_file(latest, fmt)


@router.get(
    "/{report_id}/export",
    response={401: Message, 403: Message, 404: Message, 422: ValidationErrors},
    openapi_extra={"responses": FILE_RESPONSE},
    operation_id="opsbook_reports_api_export_report",
    summary="Download a report as Word, PDF or Excel",
)
def export_report(request: HttpRequest, report_id: int, query: Query[ExportQuery]) -> HttpResponse:
    """The report's current draft or a published version as a file (docx, pdf or xlsx)."""
    return attachment(_file(request.user, report_id, query.version, Format(query.format).value))
