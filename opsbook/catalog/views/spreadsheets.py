"""The checklist as a workbook (export, template) and the import wizard: upload, preview (a
dry run), confirm."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.accounts.access import can_create_staff
from opsbook.accounts.models import Team
from opsbook.core import clock
from opsbook.core.middleware import body_limit
from opsbook.core.uploads import StagedUploads

from .. import access
from ..excel import exporter, importer
from ..excel.owners import CREATE, OwnerChoices, assignable_users
from ..forms import ImportUploadForm
from .common import manager_required, staff_required
from .tree import filtered_items

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGED = StagedUploads("imports", "catalog_import")
MAX_OWNER_NAMES = 1000  # owner names decided in one form


@dataclass
class PreviewCell:
    text: str
    problems: list[str]  # the messages about this cell
    anchor: str  # the id the problem list links to


@dataclass
class PreviewRow:
    number: int
    status: str  # refused, created, updated, unchanged or "" (a row that adds to the one above)
    cells: list[PreviewCell]
    has_problem: bool
    changes: list[dict]  # field, old, new
    created: list[str]


def _preview(report) -> dict:
    """The rows as the importer ordered them (refused, then changed, then the rest), with what
    changes in each and the cells that have a problem marked and linked from the problem list."""
    at_cell: dict[tuple, list[str]] = {}
    for p in report.problems:
        at_cell.setdefault((p.row, p.column), []).append(p.message)
    columns = report.columns or (list(report.rows[0]["values"]) if report.rows else [])
    rows = []
    for row in report.rows:
        number = row["row"]
        cells = []
        for index, column in enumerate(columns):
            here = at_cell.get((number, column), [])
            cells.append(PreviewCell(row["values"].get(column, ""), here, f"cell-{number}-{index}"))
        rows.append(
            PreviewRow(
                number=number,
                status=row.get("status", ""),
                cells=cells,
                has_problem=(number, None) in at_cell or bool(row.get("problem_columns")),
                changes=row.get("changes", []),
                created=row.get("created", []),
            )
        )
    anchors = {(r.number, c): f"cell-{r.number}-{i}" for r in rows for i, c in enumerate(columns)}
    numbers = {r.number for r in rows}
    problems: list[tuple[Any, str]] = [
        (
            problem,
            anchors.get((problem.row, problem.column))
            or (f"row-{problem.row}" if problem.row in numbers else ""),
        )
        for problem in report.problems
    ]
    levels = {
        "categories": _("Categories"),
        "items": _("Service items"),
        "contents": _("Service content"),
    }
    summary = [(levels.get(level, level), counts) for level, counts in report.summary.items()]
    statuses = {
        "refused": _("refused"),
        "created": _("new"),
        "updated": _("changed"),
        "unchanged": _("unchanged"),
    }
    return {
        "columns": columns,
        "rows": rows,
        "summary": summary,
        "problems": problems,
        "statuses": statuses,
    }


def _owner_options() -> dict:
    """What an unknown owner name may become: the staff and teams a manager may assign."""
    return {
        "users": [(f"user:{u.pk}", f"{u.label} ({u.username})") for u in assignable_users()],
        "teams": [(f"team:{pk}", name) for pk, name in Team.objects.values_list("pk", "name")],
    }


def _owner_choices(request, info: dict) -> OwnerChoices | None:
    """The choices made on the preview page for this upload; None (with a message) when one
    no longer holds (a chosen user was deactivated meanwhile)."""
    values = info.get("owners")
    if not isinstance(values, dict):
        return OwnerChoices()
    try:
        return OwnerChoices.from_values(values)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        STAGED.update(request, owners={})
        return None


def _xlsx_response(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    filename = f"{stem}-{clock.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def export(request):
    """The items the tree shows for the same filters, as a workbook."""
    categories = access.category_tree_for_user(request.user)
    _form, items = filtered_items(request, categories)
    data = exporter.export_catalog(items=items)
    return _xlsx_response(data, "opsbook-checklist")


@staff_required
@require_GET
def template(request):
    return _xlsx_response(exporter.write_template(), "opsbook-checklist-template")


def _stored_upload(request, expected_token: str | None = None) -> tuple[Path, str, dict] | None:
    """The current user's pending upload, its original name and what the wizard keeps about it,
    if still there and fresh."""
    stored = STAGED.load(request, expected_token)
    return (stored[0], str(stored[1].get("filename", "")), stored[1]) if stored else None


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@body_limit("IMPORT_MAX_BYTES")
@manager_required
def import_upload(request):
    """Step 1: upload a workbook. The file is kept privately and checked in a dry run."""
    STAGED.sweep()
    if request.method == "POST" and _declared_length(request) > settings.IMPORT_MAX_BYTES + 65536:
        # Refuse before Django reads (and spools to disk) an upload that is far too large.
        messages.error(
            request,
            _("The file is larger than the %(limit)d MB limit.")
            % {"limit": settings.IMPORT_MAX_BYTES // 1048576},
        )
        return redirect("catalog:import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        STAGED.discard(request)
        STAGED.store(request, form.cleaned_data["file"])
        return redirect("catalog:import_preview")
    return render(
        request,
        "catalog/import.html",
        {"form": form, "max_bytes": settings.IMPORT_MAX_BYTES, "step": "upload"},
    )


@manager_required
@require_GET
def import_preview(request):
    """Step 2: what the import would do, and every problem, without writing anything."""
    stored = _stored_upload(request)
    if stored is None:
        messages.error(request, _("The uploaded file is gone or expired. Upload it again."))
        return redirect("catalog:import")
    path, filename, info = stored
    choices = _owner_choices(request, info) or OwnerChoices()
    report = importer.import_catalog(
        path.read_bytes(), filename, actor=request.user, dry_run=True, owners=choices
    )
    return render(
        request,
        "catalog/import.html",
        {
            "report": report,
            "filename": filename,
            "preview": _preview(report),
            "step": "preview",
            "upload_token": STAGED.token(request),
            "owner_options": _owner_options() if report.owner_names else None,
            "can_create_owners": can_create_staff(request.user),
        },
    )


@manager_required
@require_POST
def import_owners(request):
    """Step 2b: what to do with each owner name no user or team has (create a staff member,
    or use an existing one or a team), kept with the upload until it is imported."""
    stored = _stored_upload(request, expected_token=request.POST.get("upload", ""))
    if stored is None:
        messages.error(
            request,
            _(
                "The file you previewed is gone, expired or was replaced by another upload. "
                "Upload it again."
            ),
        )
        return redirect("catalog:import")
    create_all = request.POST.get("create_all") == "1"
    values: dict[str, str] = {}
    for index, name in enumerate(request.POST.getlist("name")[:MAX_OWNER_NAMES]):
        value = request.POST.get(f"choice-{index}", "")
        values[name[:500]] = CREATE if create_all else value[:40]
    if any(v == CREATE for v in values.values()) and not can_create_staff(request.user):
        raise PermissionDenied
    try:
        choices = OwnerChoices.from_values(values)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("catalog:import_preview")
    STAGED.update(request, owners=choices.as_values())
    return redirect("catalog:import_preview")


@manager_required
@require_POST
def import_confirm(request):
    """Step 3: run the import for real (with the owner choices made on the preview), then
    forget the file."""
    stored = _stored_upload(request, expected_token=request.POST.get("upload", ""))
    if stored is None:
        messages.error(
            request,
            _(
                "The file you previewed is gone, expired or was replaced by another upload. "
                "Upload it again."
            ),
        )
        return redirect("catalog:import")
    path, filename, info = stored
    choices = _owner_choices(request, info)
    if choices is None:
        return redirect("catalog:import_preview")
    report = importer.import_catalog(
        path.read_bytes(), filename, actor=request.user, owners=choices
    )
    STAGED.discard(request)
    if report.ok:
        messages.success(request, _("%(file)s was imported.") % {"file": filename})
    return render(
        request,
        "catalog/import.html",
        {"report": report, "filename": filename, "preview": _preview(report), "step": "done"},
    )


@manager_required
@require_POST
def import_cancel(request):
    STAGED.discard(request)
    messages.info(request, _("The import was cancelled; the uploaded file was deleted."))
    return redirect("catalog:import")
