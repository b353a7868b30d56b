"""Downloading a ticket's file: only from a ticket the user sees, always as an attachment that
the browser may not sniff or cache."""

from uuid import UUID

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .. import access
from .helpers import StaffRequest, staff_required


@staff_required
@require_GET
def attachment(request: StaffRequest, pk: UUID) -> FileResponse:
    """A file of a ticket the user sees, always as a download with its cleaned name."""
    found = access.get_attachment_for_user(request.user, pk)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
