"""A report or a published version as a downloadable file: the one place the pages, the API
and the portal turn an ``Exported`` (``export/__init__.py``) into an HTTP attachment.

A published version never changes, so its files are rendered once and kept
(``published_file``): a PDF takes a couple of seconds and some 200 MB to render, and every
reader of a distributed report downloads it. The kept file's name carries a digest of the
frozen document, the format and ``EXPORT_REVISION`` (raise it when an exporter's output
changes), so an upgrade that changes the layout renders the file anew. The files live under
``MEDIA_ROOT/report-files`` (never served directly; every download goes through the
permission check); deleting them is safe."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .choices import Format
from .export import CONTENT_TYPES, Exported, export, filename_for
from .models import ReportVersion

# Bump when an exporter's output changes: kept files of published versions are then rendered
# again on their next download.
EXPORT_REVISION = 2


def _kept_path(version: ReportVersion, fmt: str) -> Path:
    digest = hashlib.sha256(
        json.dumps(
            [EXPORT_REVISION, fmt, version.document], sort_keys=True, ensure_ascii=False
        ).encode("utf-8")
    ).hexdigest()[:24]
    return Path(settings.MEDIA_ROOT) / "report-files" / f"{version.pk}-{digest}.{fmt}"


def published_file(version: ReportVersion, fmt: str) -> Exported:
    """The published version as a file in ``fmt``: read from the kept copy, or rendered and
    kept (written through a temporary file, so a reader never gets half a file)."""
    path = _kept_path(version, fmt)
    try:
        content = path.read_bytes()
    except OSError:
        exported = export(version.document, fmt)
        _keep(path, exported.content)
        return exported
    return Exported(content, CONTENT_TYPES[Format(fmt)], filename_for(version.document, fmt))


def _keep(path: Path, content: bytes) -> None:
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except OSError:
        # A read-only or full disk: the file is served, just not kept.
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def attachment(exported: Exported) -> HttpResponse:
    """The file as an attachment: its name in ASCII and RFC 5987 UTF-8 (Chinese titles),
    never sniffed as something else, never cached by a shared cache."""
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    response["Content-Length"] = str(len(exported.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
