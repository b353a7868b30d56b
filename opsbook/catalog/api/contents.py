"""Service content: list (filtered), add to an item, read, change, retire."""

from ninja import Query
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.accounts.access import can_manage_catalog
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import require

from .. import services
from ..access import (
    can_edit_content,
    can_edit_item,
    contents_for_user,
    get_content_for_user,
    get_item_for_user,
)
from ..choices import Status
from ..filters import apply_content_filters
from ..schemas import ContentFilters, ContentIn, ContentOut, ContentPatch
from .common import READ_ERRORS, WRITE_ERRORS, content_detail, part_prefetches, router
from .inputs import check_dates, entry_values, parts_from


@router.get(
    "/contents",
    response={200: list[ContentOut], **READ_ERRORS, 422: ValidationErrors},
    operation_id="opsbook_catalog_api_list_contents",
)
@paginate(Pagination)
def list_contents(request, filters: Query[ContentFilters]):
    qs = apply_content_filters(contents_for_user(request.user), filters.model_dump())
    return qs.select_related("item").prefetch_related(*part_prefetches(item_level=False))


@router.post(
    "/items/{item_id}/contents",
    response={201: ContentOut, **WRITE_ERRORS},
    operation_id="opsbook_catalog_api_create_content",
)
def create_content(request, item_id: Id, payload: ContentIn):
    item = get_item_for_user(request.user, item_id)
    # As in the web UI: managers, and agents who own the item, add content to it.
    require(can_edit_item(request.user, item))
    values = entry_values(request, payload, partial=False)
    check_dates(None, values)
    parts = parts_from(payload)
    with as_field_errors():
        content = services.do_create_content(
            request.user, item, parts=parts, source="api", **values
        )
    return HttpStatus(201, content_detail(request, content.pk))


@router.get(
    "/contents/{content_id}",
    response={200: ContentOut, **READ_ERRORS},
    operation_id="opsbook_catalog_api_get_content",
)
def get_content(request, content_id: Id):
    return content_detail(request, content_id)


@router.patch(
    "/contents/{content_id}",
    response={200: ContentOut, 409: Message, **WRITE_ERRORS},
    operation_id="opsbook_catalog_api_update_content",
)
def update_content(request, content_id: Id, payload: ContentPatch):
    """Change the fields given; nested lists replace the content's own parts."""
    content = get_content_for_user(request.user, content_id)
    require(can_edit_content(request.user, content))
    values = entry_values(request, payload, partial=True)
    if values.get("status") == Status.RETIRED:
        require(can_manage_catalog(request.user))
    check_dates(content, values)
    parts = parts_from(payload)
    with as_field_errors():
        services.do_update_content(
            request.user,
            content,
            parts=parts,
            expected_version=payload.version,
            source="api",
            **values,
        )
    return content_detail(request, content.pk)


@router.post(
    "/contents/{content_id}/retire",
    response={200: ContentOut, **READ_ERRORS},
    operation_id="opsbook_catalog_api_retire_content",
)
def retire_content(request, content_id: Id):
    content = get_content_for_user(request.user, content_id)
    require(can_manage_catalog(request.user))
    services.do_retire_content(request.user, content, source="api")
    return content_detail(request, content.pk)
