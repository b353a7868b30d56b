"""Files sent to the tickets API: the multipart body's description for the OpenAPI document,
and the checks made before a service stores them (size before the body is read, count, each
file's name and first bytes), each refused with the API's error shape."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from opsbook.core.api import MULTIPART_SLACK, TRUE_WORDS, invalid, multipart_body

from ..attachments import check_upload

MAX_FILES = 10
UPLOAD_BODY = multipart_body(
    {
        "file": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": f"One to {MAX_FILES} files (repeat the field).",
        },
        "public": {
            "type": "boolean",
            "default": True,
            "description": "Staff: false keeps the files from the customer.",
        },
    }
)
DOWNLOAD_RESPONSE = {
    200: {
        "description": "The file, as an attachment, with the type it was stored with.",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _too_large() -> HttpError:
    return HttpError(
        413,
        _("The upload is larger than the %(limit)s limit.")
        % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
    )


def checked_uploads(request: HttpRequest) -> list[UploadedFile]:
    """The files of the request's ``file`` field, each checked; 413 or 422 otherwise."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.ATTACHMENT_MAX_BYTES + MULTIPART_SLACK:
        raise _too_large()  # before Django reads the body
    uploads = request.FILES.getlist("file")
    if not uploads:
        raise invalid(["body", "file"], _("Attach the files as the form field 'file'."))
    if len(uploads) > MAX_FILES:
        raise invalid(
            ["body", "file"], _("Send at most %(count)d files at once.") % {"count": MAX_FILES}
        )
    if sum(upload.size or 0 for upload in uploads) > settings.ATTACHMENT_MAX_BYTES:
        raise _too_large()
    for index, upload in enumerate(uploads):
        try:
            check_upload(upload)
        except DjangoValidationError as exc:
            raise invalid(["body", "file", index], " ".join(exc.messages)) from None
    return uploads


def wants_public(request: HttpRequest) -> bool:
    """The form's ``public`` field (true unless the caller says otherwise)."""
    return request.POST.get("public", "true").strip().lower() in TRUE_WORDS
