"""Downloads of a report as Word, PDF or Excel: the current draft (``reports:download``) and a
published version (``reports:version_download``). Staff only, through the permission-scoped
lookups of ``access.py``: anything outside a user's scope, and any unknown format, is 404.
Customer contacts download their published reports in the portal."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from opsbook.accounts.access import is_staff_member
from opsbook.core.permissions import requires

from .. import access
from ..choices import Format
from ..export import export
from ..exports import attachment, published_file


def _hidden(user: Any) -> bool:
    return not is_staff_member(user)


staff_required = requires(access.can_view_reports, hidden=_hidden)


def _format(fmt: str) -> str:
    if fmt not in Format.values:
        raise Http404("No such format.")
    return fmt


@staff_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report's current draft (or, once published, its document as published)."""
    fmt = _format(fmt)
    report = access.get_report_for_user(request.user, pk)
    if not report.document:
        raise Http404("The report has no draft yet.")
    return attachment(export(report.document, fmt))


@staff_required
@require_GET
def version_download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """A published version, as frozen when published."""
    fmt = _format(fmt)
    version = access.get_version_for_user(request.user, pk, number)
    return attachment(published_file(version, fmt))
