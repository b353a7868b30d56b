"""Pieces every app's API router shares: pagination, bounded numbers, the error shapes and
their documentation in the OpenAPI document, and the translation of Django's ValidationError
into the API's 422 body.

Every 4xx body is ``{"detail": ...}``: a message string, or for 422 a list of
``{"loc": [...], "msg": "...", "type": "..."}`` whose ``loc`` ends with the field name, the
same shape django-ninja uses for a request that does not match its schema.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
# Numbers a client sends are bounded so that none reaches the database out of its range (a 500):
# ids fit a bigint, offsets stay far below one with the page added.
BIGINT_MAX = 2**63 - 1
# The largest value of an integer column (PostgreSQL ``integer``, Django's IntegerField).
INT_MAX = 2**31 - 1
MAX_OFFSET = 1_000_000_000

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX, description="A row's id.")]


def _within_bigint(value: int | str) -> int | str:
    if isinstance(value, int) and not 1 <= value <= BIGINT_MAX:
        raise ValueError(_("An id is a whole number from 1 to %(max)d.") % {"max": BIGINT_MAX})
    return value


# A reference by id or by code / name: ``"item": 12`` or ``"item": "SVC-0012"``. A validator,
# not a union of constrained types, so that an error's ``loc`` ends with the field's name.
IdOrName = Annotated[int | str, AfterValidator(_within_bigint)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Rows to skip.")]


class PageQuery(Schema):
    """``limit`` and ``offset`` of a paged list (the OpenAPI component ``PageQuery``)."""

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: Offset = 0


class Pagination(LimitOffsetPagination):
    """``limit`` (1–500, default 50) and ``offset``; the answer is ``{"items": [...], "count": N}``.

    A limit above 500 is a 422, not silently shortened, so a client never mistakes a cut page
    for the end of the list.
    """

    # Named for the OpenAPI document (``Input`` alone would collide); same fields as ninja's.
    Input = PageQuery  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(  # type: ignore[override]  # our Input replaces the base class's
        self,
        queryset: QuerySet[Model],
        pagination: PageQuery,
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


# --- The OpenAPI document ---------------------------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "The body cannot be parsed (not JSON, or not the declared encoding).",
    401: "No token, or a token that is not valid (any more).",
    403: "Your role does not allow this.",
    404: "Not found, or outside what you may see.",
    409: "Edited by someone else since you read it (send the version you read).",
    413: "The request body or an uploaded file is larger than the limit.",
    422: "Invalid input: each entry of `detail` names the field (`loc`) and says why.",
}


class CheckedOpenAPISchema(OpenAPISchema):
    """ninja's OpenAPI document, remembering components whose names collide: two different
    schemas (say the ticket status and the catalog item status, both ``Status``) would share one
    entry of ``components/schemas`` and one of them would describe the other's answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.collisions: dict[str, list[dict[str, Any]]] = {}
        super().__init__(*args, **kwargs)

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                self.collisions.setdefault(name, [known]).append(definition)
        super().add_schema_definitions(definitions)


def takes_input(operation: Mapping[str, Any]) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))


def document_errors(schema: OpenAPISchema) -> OpenAPISchema:
    """Add the error answers every route can give to each operation of ``schema`` (those a
    route declares itself are kept): 401, 403 and 404 everywhere (the bearer token, the role,
    the scope), 422 where the operation takes parameters or a body, 400 (unparseable) and 413
    (too large) where it takes a body.
    Their bodies are ``Message`` and ``ValidationErrors``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Message, FieldError, ValidationErrors):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, nested in definition.pop("$defs", {}).items():
            components.setdefault(name, nested)
        components.setdefault(model.__name__, definition)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            codes = [401, 403, 404]
            if takes_input(operation):
                codes.append(422)
            if operation.get("requestBody"):
                codes.extend((400, 413))
            responses = operation.setdefault("responses", {})
            for code in codes:
                if str(code) in responses or code in responses:
                    continue
                body = "ValidationErrors" if code == 422 else "Message"
                responses[code] = {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
                    },
                }
    return schema
