"""Pieces every app's API router shares: pagination, the error shapes, and the translation of
Django's ValidationError into the API's 422 body.

Every 4xx body is ``{"detail": ...}``: a message string, or for 422 a list of
``{"loc": [...], "msg": "...", "type": "..."}`` whose ``loc`` ends with the field name, the
same shape django-ninja uses for a request that does not match its schema.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class Pagination(LimitOffsetPagination):
    """``limit`` (1–500, default 50) and ``offset``; the answer is ``{"items": [...], "count": N}``.

    A limit above 500 is a 422, not silently shortened, so a client never mistakes a cut page
    for the end of the list.
    """

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(  # type: ignore[override]  # our Input replaces the base class's
        self,
        queryset: QuerySet[Model],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        # Evaluate the page here so that the count and the rows are two known queries.
        offset, limit = pagination.offset, pagination.limit
        return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


def field_errors(
    error: DjangoValidationError,
    *,
    prefix: Sequence[str] = ("body", "payload"),
    rename: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The 422 ``detail`` list for a Django ValidationError; ``rename`` maps model field names
    to the names the API uses (``category`` → ``category_id``)."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        return [
            {"loc": list(prefix), "msg": message, "type": "value_error"}
            for message in error.messages
        ]
    errors: list[dict[str, Any]] = []
    for field, messages in error.message_dict.items():
        loc = list(prefix)
        if field != NON_FIELD_ERRORS:
            loc.extend(rename.get(field, field).split("."))
        errors.extend({"loc": loc, "msg": m, "type": "value_error"} for m in messages)
    return errors


def invalid(loc: Sequence[str | int], message: str) -> ValidationError:
    """A 422 for one field, e.g. ``raise invalid(["query", "owner"], "Unknown user.")``."""
    return ValidationError(
        [
            {
                "loc": [str(x) if not isinstance(x, int) else x for x in loc],
                "msg": str(message),
                "type": "value_error",
            }
        ]
    )


@contextmanager
def as_field_errors(
    *, prefix: Sequence[str] = ("body", "payload"), rename: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Turn a Django ValidationError raised by a service into the API's 422."""
    try:
        yield
    except DjangoValidationError as exc:
        raise ValidationError(field_errors(exc, prefix=prefix, rename=rename)) from None


# Room for the multipart envelope around the files when comparing Content-Length with a limit.
MULTIPART_SLACK = 64 * 1024
# Form values that mean "yes" in a multipart form field such as ``dry_run`` or ``public``.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def multipart_body(properties: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads a multipart form with a required ``file`` field
    (django-ninja cannot describe ``request.FILES`` read by hand)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": properties}
                }
            },
        }
    }
