"""Request bodies over the limit are refused before anything reads them.

Django reads a request's body the first time something asks for ``request.POST``,
``request.FILES`` or ``request.body``, and the CSRF middleware asks before any view runs: an
upload far over a view's limit used to be spooled to disk (or waited for, when the client
announced more than it sent) before the view could refuse it. This middleware stands before
every other one that may read the body and answers 413 from the declared ``Content-Length``:

* every route: ``REQUEST_MAX_BYTES`` (the largest upload any route takes, plus room for the
  form), checked before the session, CSRF and authentication middleware run;
* an upload route decorated with :func:`body_limit`: its own file limit plus the room a form's
  other fields may take (``DATA_UPLOAD_MAX_MEMORY_SIZE``), checked in ``process_view``, which
  Django calls before the CSRF middleware's.

A body with no ``Content-Length`` (``Transfer-Encoding: chunked``) is answered 411: Django reads
at most ``Content-Length`` bytes of a body and would see an empty form, and the documented proxy
(nginx) always forwards a length. Pages get the site's own 413 page, the API (``/api/``) a JSON
``{"detail": …}`` like its other errors.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
LIMIT_ATTRIBUTE = "opsbook_body_limit_setting"
NO_LENGTH = -1

View = TypeVar("View", bound=Callable[..., Any])


def body_limit(setting: str) -> Callable[[View], View]:
    """Mark an upload view: its body may be at most ``settings.<setting>`` (the files) plus
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the form's other fields). Read at request time, so a
    changed setting applies at once."""

    def mark(view: View) -> View:
        setattr(view, LIMIT_ATTRIBUTE, setting)
        return view

    return mark


def declared_length(request: HttpRequest) -> int:
    """The body's declared length: 0 when there is none to read, NO_LENGTH when a body is
    sent without a length (chunked)."""
    raw = request.META.get("CONTENT_LENGTH") or ""
    if raw.strip().isdigit():
        return int(raw)
    if raw.strip() or "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return NO_LENGTH
    return 0


def file_limit(view: Callable[..., Any]) -> int | None:
    """The file limit a view was marked with by :func:`body_limit`, if any."""
    setting = getattr(view, LIMIT_ATTRIBUTE, None)
    return None if setting is None else int(getattr(settings, setting))


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length == NO_LENGTH:
            return self._refuse(request, 411, limit=None)
        if length > settings.REQUEST_MAX_BYTES:
            return self._refuse(request, 413, limit=settings.REQUEST_MAX_BYTES)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        limit = file_limit(view)
        if limit is not None and declared_length(request) > (
            limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ):
            return self._refuse(request, 413, limit=limit)
        return None

    def _refuse(self, request: HttpRequest, status: int, *, limit: int | None) -> HttpResponse:
        # The locale middleware may not have run yet: answer in the language it would choose.
        with translation.override(translation.get_language_from_request(request)):
            if status == 411:
                heading = _("Length required")
                message = _(
                    "Send the request with a Content-Length header: a body of unknown length "
                    "is not accepted."
                )
            else:
                heading = _("Request too large")
                message = _(
                    "The request is larger than the %(limit)s this page accepts. Nothing was "
                    "saved: send smaller files."
                ) % {"limit": filesizeformat(limit or 0)}
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": message}, status=status)
            # No request context: the session and user may not be there yet.
            page = render_to_string(
                "413.html",
                {
                    "status": status,
                    "heading": heading,
                    "message": message,
                    "LANGUAGE_CODE": translation.get_language(),
                },
            )
            return HttpResponse(page, status=status)
