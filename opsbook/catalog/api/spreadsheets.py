"""The checklist as a workbook (export with the item-list filters, the empty template) and
importing one."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import HttpError
from ninja.responses import Status as HttpStatus

from opsbook.accounts.access import can_manage_catalog
from opsbook.core import clock
from opsbook.core.api import (
    MULTIPART_SLACK,
    TRUE_WORDS,
    Message,
    ValidationErrors,
    invalid,
    multipart_body,
)
from opsbook.core.permissions import require

from .. import filters as item_filters
from ..access import items_for_user
from ..excel.exporter import export_catalog, write_template
from ..excel.importer import import_catalog
from ..excel.owners import OwnerChoices
from ..schemas import ImportReportOut, ItemFilters
from .common import READ_ERRORS, router

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSE = {
    200: {
        "description": "An .xlsx attachment.",
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _attachment(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    filename = f"{stem}-{clock.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/export",
    response={401: Message, 403: Message, 422: ValidationErrors},
    openapi_extra={"responses": XLSX_RESPONSE},
    operation_id="opsbook_catalog_api_export_checklist",
)
def export_checklist(request, filters: Query[ItemFilters]):
    """The checklist as the workbook the importer reads; the item-list filters apply."""
    chosen = item_filters.from_api(filters.model_dump(), user=request.user)
    items = item_filters.apply(items_for_user(request.user), chosen, today=clock.localdate())
    return _attachment(export_catalog(items), "opsbook-checklist")


@router.get(
    "/template",
    response=READ_ERRORS,
    openapi_extra={"responses": XLSX_RESPONSE},
    operation_id="opsbook_catalog_api_import_template",
)
def import_template(request):
    """An empty workbook with the columns the importer reads and a sheet of examples."""
    return _attachment(write_template(), "opsbook-checklist-template")


IMPORT_BODY = multipart_body(
    {
        "file": {"type": "string", "format": "binary"},
        "dry_run": {"type": "boolean", "default": False},
        "create_owners": {
            "type": "boolean",
            "default": False,
            "description": "Create a staff member (name only, invited later) for each owner "
            "name no user or team has, unless map_owner names it. Managers and administrators.",
        },
        "map_owner": {
            "type": "array",
            "items": {"type": "string"},
            "description": "NAME=LOGIN: an owner name in the file means this staff member "
            "(username) or team. Repeat the field for more names.",
        },
    }
)


def _too_large() -> HttpError:
    return HttpError(
        413,
        _("The file is larger than the %(limit)d MB limit.")
        % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
    )


@router.post(
    "/import",
    response={
        200: ImportReportOut,
        413: Message,
        422: ImportReportOut | ValidationErrors,
        **READ_ERRORS,
    },
    openapi_extra=IMPORT_BODY,
    operation_id="opsbook_catalog_api_import_checklist",
)
def import_checklist(request, dry_run: bool = False):
    """Import a checklist workbook (.xlsx or .csv) sent as the multipart field ``file``.

    All or nothing: 200 with the report when it was imported (or, with ``dry_run``, would
    import cleanly); 422 with the report's ``problems`` when it was not. Owner names no user or
    team has are problems unless ``map_owner`` (``NAME=LOGIN``) maps them or ``create_owners``
    creates them (``owner_names`` lists them with their rows; ``created_owners`` who was
    created).
    """
    require(can_manage_catalog(request.user))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.IMPORT_MAX_BYTES + MULTIPART_SLACK:
        raise _too_large()  # before Django reads the body
    upload = request.FILES.get("file")
    if upload is None:
        raise invalid(["body", "file"], _("Attach the workbook as the form field 'file'."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise _too_large()
    dry_run = dry_run or request.POST.get("dry_run", "").strip().lower() in TRUE_WORDS
    create_owners = request.POST.get("create_owners", "").strip().lower() in TRUE_WORDS
    try:
        owners = OwnerChoices.from_logins(
            request.POST.getlist("map_owner")[:1000], create_all=create_owners
        )
    except ValidationError as exc:
        raise invalid(["body", "map_owner"], " ".join(exc.messages)) from None
    report = import_catalog(
        upload.read(),
        upload.name,
        actor=request.user,
        dry_run=dry_run,
        source="api",
        owners=owners,
    )
    return HttpStatus(200 if report.ok else 422, report.as_dict())
