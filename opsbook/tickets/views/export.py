"""Exporting the ticket list from its page: the filters in the address (as the list understood
them), downloaded at once when small, else a background export with its progress and a
download link for its owner only (export.py, docs/users/ticket-export.md)."""

from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opsbook.core import clock

from .. import access, export, filters
from ..choices import ExportFormat
from ..services.exports import do_request_ticket_export
from .helpers import StaffRequest, is_partial, staff_required

FORMATS = ExportFormat.values


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_export(request: StaffRequest) -> HttpResponseBase:
    """GET: the list's export at once when it is small, else a page offering the background
    export (nothing is written by a GET). POST: start the background export."""
    now = clock.now()
    source = request.POST if request.method == "POST" else request.GET
    chosen, _errors = filters.parse(source, user=request.user)
    fmt = source.get("format", ExportFormat.XLSX)
    if fmt not in FORMATS:
        fmt = ExportFormat.XLSX
    if request.method == "POST":
        try:
            job = do_request_ticket_export(request.user, chosen, fmt, now)
        except ValidationError:  # pragma: no cover - the format is checked above
            raise Http404 from None
        return redirect("tickets:export_job", job.pk)
    limit = settings.OPSBOOK_TICKET_EXPORT_DIRECT_ROWS
    qs = export.scoped_tickets(request.user, chosen, now)
    if export.capped_count(qs, limit) <= limit:
        return export.download_response(request.user, chosen, fmt, now)
    context = {
        "limit": limit,
        "format": fmt,
        "format_label": ExportFormat(fmt).label,
        "query": chosen.to_query_dict().items(),
        "list_query": chosen.to_query(),
        "recent": access.visible_exports(request.user)[:5],
    }
    return render(request, "tickets/export_confirm.html", context)


@staff_required
@require_GET
def export_job(request: StaffRequest, pk: UUID) -> HttpResponse:
    """A background export's progress (polled by htmx until it ends) and its download link."""
    job = access.get_export_for_user(request.user, pk)
    context = {"job": job, "keep_hours": settings.OPSBOOK_TICKET_EXPORT_KEEP_HOURS}
    template = "tickets/export_job.html#progress" if is_partial(request) else None
    return render(request, template or "tickets/export_job.html", context)


@staff_required
@require_GET
def export_download(request: StaffRequest, pk: UUID) -> HttpResponseBase:
    """The file of a finished export: its owner's only (anyone else gets a 404)."""
    job = access.get_export_for_user(request.user, pk)
    if not job.is_downloadable(clock.now()):
        raise Http404(_("This export is not ready or has expired."))
    return export.file_response(job)
