"""Service items: list (filtered), create, read, change, retire, and their standards, KPIs and
history."""

from django.db.models import Q
from ninja import Query
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.accounts.access import can_manage_catalog
from opsbook.audit.models import AuditEntry
from opsbook.audit.schemas import AuditEntryOut
from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import require

from .. import filters as item_filters
from .. import services
from ..access import can_edit_item, get_item_by_code_for_user, get_item_for_user, items_for_user
from ..choices import Status
from ..models import Kpi, ServiceStandard
from ..schemas import ItemDetailOut, ItemFilters, ItemIn, ItemOut, ItemPatch, KpiOut, StandardOut
from .common import (
    ITEM_FIRST,
    ITEM_TYPE,
    READ_ERRORS,
    RENAMED,
    WRITE_ERRORS,
    item_detail,
    part_prefetches,
    router,
)
from .inputs import check_dates, entry_values, parts_from


@router.get(
    "/items",
    response={200: list[ItemOut], **READ_ERRORS, 422: ValidationErrors},
    operation_id="opsbook_catalog_api_list_items",
)
@paginate(Pagination)
def list_items(request, filters: Query[ItemFilters]):
    """Service items, in checklist order, with their item-level owners and parts."""
    chosen = item_filters.from_api(filters.model_dump(), user=request.user)
    qs = item_filters.apply(items_for_user(request.user), chosen, today=clock.localdate())
    return qs.select_related("category").prefetch_related(*part_prefetches(item_level=True))


@router.post(
    "/items",
    response={201: ItemDetailOut, **WRITE_ERRORS},
    operation_id="opsbook_catalog_api_create_item",
)
def create_item(request, payload: ItemIn):
    require(can_manage_catalog(request.user))
    values = entry_values(request, payload, partial=False)
    check_dates(None, values)
    parts = parts_from(payload)
    with as_field_errors(rename=RENAMED):
        item = services.do_create_item(request.user, parts=parts, source="api", **values)
    return HttpStatus(201, item_detail(request, item.pk))


@router.get(
    "/items/by-code/{code}",
    response={200: ItemDetailOut, **READ_ERRORS},
    operation_id="opsbook_catalog_api_get_item_by_code",
)
def get_item_by_code(request, code: str):
    item = get_item_by_code_for_user(request.user, code)
    return item_detail(request, item.pk)


@router.get(
    "/items/{item_id}",
    response={200: ItemDetailOut, **READ_ERRORS},
    operation_id="opsbook_catalog_api_get_item",
)
def get_item(request, item_id: Id):
    """One item with its content; each piece of content carries its own owners and parts."""
    return item_detail(request, item_id)


@router.patch(
    "/items/{item_id}",
    response={200: ItemDetailOut, 409: Message, **WRITE_ERRORS},
    operation_id="opsbook_catalog_api_update_item",
)
def update_item(request, item_id: Id, payload: ItemPatch):
    """Change the fields given; each nested list given replaces the item's parts of that kind.
    Send the ``version`` you read to get a 409 instead of overwriting someone else's change."""
    item = get_item_for_user(request.user, item_id)
    require(can_edit_item(request.user, item))
    values = entry_values(request, payload, partial=True)
    if values.get("status") == Status.RETIRED:
        require(can_manage_catalog(request.user))
    check_dates(item, values)
    parts = parts_from(payload)
    with as_field_errors(rename=RENAMED):
        services.do_update_item(
            request.user,
            item,
            parts=parts,
            expected_version=payload.version,
            source="api",
            **values,
        )
    return item_detail(request, item.pk)


@router.post(
    "/items/{item_id}/retire",
    response={200: ItemDetailOut, **READ_ERRORS},
    operation_id="opsbook_catalog_api_retire_item",
)
def retire_item(request, item_id: Id):
    """Retire the item and its content; nothing is deleted and the history stays."""
    item = get_item_for_user(request.user, item_id)
    require(can_manage_catalog(request.user))
    services.do_retire_item(request.user, item, source="api")
    return item_detail(request, item.pk)


@router.get(
    "/items/{item_id}/standards",
    response={200: list[StandardOut], **READ_ERRORS},
    operation_id="opsbook_catalog_api_list_item_standards",
)
def list_item_standards(request, item_id: Id):
    """Service standards of the item and of its content (``content_id`` tells which)."""
    item = get_item_for_user(request.user, item_id)
    return ServiceStandard.objects.filter(item=item).order_by(ITEM_FIRST, "position", "pk")


@router.get(
    "/items/{item_id}/kpis",
    response={200: list[KpiOut], **READ_ERRORS},
    operation_id="opsbook_catalog_api_list_item_kpis",
)
def list_item_kpis(request, item_id: Id):
    """KPIs of the item and of its content (``content_id`` tells which)."""
    item = get_item_for_user(request.user, item_id)
    return Kpi.objects.filter(item=item).order_by(ITEM_FIRST, "position", "pk")


@router.get(
    "/items/{item_id}/history",
    response={200: list[AuditEntryOut], **READ_ERRORS},
    operation_id="opsbook_catalog_api_item_history",
)
@paginate(Pagination)
def item_history(request, item_id: Id):
    """Changes to the item and to its content, newest first."""
    item = get_item_for_user(request.user, item_id)
    key = str(item.pk)
    return AuditEntry.objects.filter(
        Q(object_type=ITEM_TYPE, object_id=key) | Q(parent_type=ITEM_TYPE, parent_id=key)
    )
