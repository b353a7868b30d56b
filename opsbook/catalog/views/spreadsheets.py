"""The checklist as a workbook (export, template) and the import wizard: upload, preview (a
dry run), confirm."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.core import clock
from opsbook.core.middleware import body_limit
from opsbook.core.uploads import StagedUploads

from .. import access
from ..excel import exporter, importer
from ..forms import ImportUploadForm
from .common import manager_required, staff_required
from .tree import filtered_items

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGED = StagedUploads("imports", "catalog_import")


@dataclass
class PreviewRow:
    number: int
    cells: list[tuple[str, bool]]  # (text, has a problem)
    has_problem: bool


def _preview(report) -> dict:
    """The parsed rows as a table, with the cells that have a problem marked."""
    at_cell = {(p.row, p.column) for p in report.problems}
    at_row = {p.row for p in report.problems if p.row is not None}
    columns = report.columns or (list(report.rows[0]["values"]) if report.rows else [])
    rows = [
        PreviewRow(
            number=row["row"],
            cells=[
                (row["values"].get(column, ""), (row["row"], column) in at_cell)
                for column in columns
            ],
            has_problem=row["row"] in at_row,
        )
        for row in report.rows
    ]
    levels = {
        "categories": _("Categories"),
        "items": _("Service items"),
        "contents": _("Service content"),
    }
    summary = [(levels.get(level, level), counts) for level, counts in report.summary.items()]
    return {"columns": columns, "rows": rows, "summary": summary}


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


def _stored_upload(request, expected_token: str | None = None) -> tuple[Path, str] | None:
    """The current user's pending upload and its original name, if still there and fresh."""
    stored = STAGED.load(request, expected_token)
    return (stored[0], str(stored[1].get("filename", ""))) if stored else None


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
    path, filename = stored
    report = importer.import_catalog(path.read_bytes(), filename, actor=request.user, dry_run=True)
    return render(
        request,
        "catalog/import.html",
        {
            "report": report,
            "filename": filename,
            "preview": _preview(report),
            "step": "preview",
            "upload_token": STAGED.token(request),
        },
    )


@manager_required
@require_POST
def import_confirm(request):
    """Step 3: run the import for real, then forget the file."""
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
    path, filename = stored
    report = importer.import_catalog(path.read_bytes(), filename, actor=request.user)
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
