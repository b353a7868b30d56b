"""What every checklist route shares: the router and its staff-only guard, the error
responses, and reading items and content with a fixed number of queries."""

from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from opsbook.accounts.access import can_view_catalog
from opsbook.core.api import Message, ValidationErrors
from opsbook.core.permissions import api_guard

from ..access import get_content_for_user, get_item_for_user
from ..models import (
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)

router = Router(tags=["catalog"])
router.add_decorator(
    api_guard(can_view_catalog, lambda: _("The service checklist is for staff only.")),
    mode="operation",
)

READ_ERRORS = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS = {**READ_ERRORS, 422: ValidationErrors}
RENAMED = {"category": "category_id", "parent": "parent_id"}
ITEM_TYPE = ServiceItem._meta.label_lower
ITEM_FIRST = F("content_id").asc(nulls_first=True)  # the item's own parts, then by content


def part_prefetches(*, item_level: bool) -> list[Prefetch]:
    scope = Q(content__isnull=True) if item_level else Q()
    return [
        Prefetch(
            "ownerships",
            Ownership.objects.filter(scope).select_related("user", "team"),
            to_attr="owner_list",
        ),
        Prefetch(
            "standards",
            ServiceStandard.objects.filter(scope).select_related("calendar"),
            to_attr="standard_list",
        ),
        Prefetch("kpis", Kpi.objects.filter(scope), to_attr="kpi_list"),
        Prefetch("checkpoints", Checkpoint.objects.filter(scope), to_attr="checkpoint_list"),
        Prefetch("resources", Resource.objects.filter(scope), to_attr="resource_list"),
    ]


def content_prefetch() -> Prefetch:
    return Prefetch(
        "contents",
        ServiceContent.objects.prefetch_related(*part_prefetches(item_level=False)),
        to_attr="content_list",
    )


def item_detail(request: HttpRequest, pk: int) -> ServiceItem:
    item = get_item_for_user(request.user, pk)
    prefetch_related_objects([item], *part_prefetches(item_level=True), content_prefetch())
    return item


def content_detail(request: HttpRequest, pk: int) -> ServiceContent:
    content = get_content_for_user(request.user, pk)
    prefetch_related_objects([content], *part_prefetches(item_level=False))
    return content
