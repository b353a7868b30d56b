"""Checking uploaded files before they are stored (ticket attachments, SOP step evidence, any
file a user hands in to be kept).

A file is accepted when its size is within ``ATTACHMENT_MAX_BYTES``, its extension is on the
allow-list, and its first bytes match that extension (a PNG is a PNG, a .txt is text). Active
content (HTML, SVG, scripts, executables) is refused whatever it is called. Stored files get
random names; the user's file name is cleaned and kept only in the database, and every
download is sent as an attachment after a permission check.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension → (content type sent with the download, check of the first bytes)
ZIP = (b"PK\x03\x04",)
OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP,
    ),
    ".doc": ("application/msword", OLE2),
    ".xls": ("application/vnd.ms-excel", OLE2),
    ".zip": ("application/zip", ZIP),
    ".txt": ("text/plain", None),
    ".log": ("text/plain", None),
    ".csv": ("text/csv", None),
}
TEXT_ENCODINGS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def clean_name(raw: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        name = "file"
    stem, dot, suffix = name.rpartition(".")
    if dot and len(name) > 200:
        return stem[: 199 - len(suffix)] + "." + suffix
    return name[:200]


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")):
        return False
    for encoding in TEXT_ENCODINGS:
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start >= len(head) - 3:
                return True
            continue
        return True
    return False


def check_upload(upload: UploadedFile[Any]) -> CheckedFile:
    """Validate an uploaded file (Django ``UploadedFile``); ValidationError names the problem."""
    name = clean_name(getattr(upload, "name", "") or "")
    size = upload.size
    limit = settings.ATTACHMENT_MAX_BYTES
    if size is None or size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted. Accepted: %(types)s.")
            % {"name": name, "types": " ".join(sorted(ALLOWED))},
            code="type",
        )
    content_type, magic = ALLOWED[suffix]
    upload.seek(0)
    head = upload.read(4096)
    ok = _looks_like_text(head) if magic is None else head.startswith(magic)
    if ok and suffix == ".webp":
        ok = head[8:12] == b"WEBP"
    if not ok:
        raise ValidationError(
            _("%(name)s does not contain what its name says (%(suffix)s).")
            % {"name": name, "suffix": suffix},
            code="mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(name, content_type, size, digest.hexdigest())
