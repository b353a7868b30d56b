"""A report or a published version as a downloadable file: the one place the pages, the API
and the portal turn an ``Exported`` (``export/__init__.py``) into an HTTP attachment."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .export import Exported


def attachment(exported: Exported) -> HttpResponse:
    """The file as an attachment: its name in ASCII and RFC 5987 UTF-8 (Chinese titles),
    never sniffed as something else, never cached by a shared cache."""
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    response["Content-Length"] = str(len(exported.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
