"""Permission-scoped lookups for the checklist. Views and API routes fetch through these, so a
record outside the caller's scope is a 404, never a leak.

Rules (docs/users/roles.md):
* staff (admin, manager, agent, viewer) read the whole checklist; customer contacts read none of it
  here (the portal shows them their own services);
* admins and managers create, edit, import, bulk-edit and retire anything;
* an agent edits the items and content they own, directly or through their team;
* viewers only read.

Services check these themselves (the ``check_*`` functions below), so a caller cannot forget.
There an ``actor`` of ``None`` is the system itself: a management command, the demo loader, a
data fix or a test factory, acting for nobody (the audit trail names no user). Pages, the API
and the importer always pass the signed-in user, never ``None``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from opsbook.accounts.access import can_manage_catalog, can_view_catalog
from opsbook.accounts.choices import Role
from opsbook.core.permissions import require

from .choices import Status
from .models import (
    Category,
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)


def items_for_user(user):
    if not can_view_catalog(user):
        return ServiceItem.objects.none()
    return ServiceItem.objects.all()


def categories_for_user(user):
    if not can_view_catalog(user):
        return Category.objects.none()
    return Category.objects.all()


def contents_for_user(user):
    if not can_view_catalog(user):
        return ServiceContent.objects.none()
    return ServiceContent.objects.all()


def get_item_for_user(user, pk) -> ServiceItem:
    try:
        return items_for_user(user).select_related("category").get(pk=pk)
    except (ServiceItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_item_by_code_for_user(user, code: str) -> ServiceItem:
    try:
        return items_for_user(user).select_related("category").get(code=code)
    except ServiceItem.DoesNotExist:
        raise Http404 from None


def get_content_for_user(user, pk) -> ServiceContent:
    try:
        return contents_for_user(user).select_related("item", "item__category").get(pk=pk)
    except (ServiceContent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_category_for_user(user, pk) -> Category:
    try:
        return categories_for_user(user).get(pk=pk)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _owns(user, item: ServiceItem, content: ServiceContent | None = None) -> bool:
    match = Q(user=user)
    if user.team_id:
        match |= Q(team_id=user.team_id)
    scope = Q(item=item, content__isnull=True)
    if content is not None:
        scope |= Q(content=content)
    return Ownership.objects.filter(match, scope).exists()


def can_edit_item(user, item: ServiceItem) -> bool:
    if can_manage_catalog(user):
        return True
    return can_view_catalog(user) and user.role == Role.AGENT and _owns(user, item)


def can_edit_content(user, content: ServiceContent) -> bool:
    if can_manage_catalog(user):
        return True
    return can_view_catalog(user) and user.role == Role.AGENT and _owns(user, content.item, content)


def check_can_manage(actor) -> None:
    """For services: PermissionDenied unless ``actor`` manages the checklist (``None``: the
    system, see the module's docstring)."""
    if actor is not None:
        require(can_manage_catalog(actor))


def check_can_edit_item(actor, item: ServiceItem, values: dict | None = None) -> None:
    """For services: PermissionDenied unless ``actor`` may edit ``item`` (or add content to it);
    retiring it (``values`` setting the status to retired) takes a manager."""
    if actor is None:
        return
    require(can_edit_item(actor, item))
    if _retires(item, values):
        check_can_manage(actor)


def check_can_edit_content(actor, content: ServiceContent, values: dict | None = None) -> None:
    if actor is None:
        return
    require(can_edit_content(actor, content))
    if _retires(content, values):
        check_can_manage(actor)


def _retires(entry: ServiceItem | ServiceContent, values: dict | None) -> bool:
    if values is None or values.get("status") != Status.RETIRED:
        return False
    return entry.status != Status.RETIRED


def category_tree_for_user(user) -> list[Category]:
    """Every category the user may see, depth first in display order.

    Each category gets ``depth`` (0 for a root) and ``path_text`` ("客户服务 / 热线") so lists and
    choice fields can show the tree without a query per level. One query in all.
    """
    categories = list(categories_for_user(user))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[Category] = []
    stack = [(c, 0, c.name) for c in reversed(children.get(None, []))]
    while stack:
        category, depth, path_text = stack.pop()
        category.depth, category.path_text = depth, path_text
        ordered.append(category)
        stack.extend(
            (child, depth + 1, f"{path_text} / {child.name}")
            for child in reversed(children.get(category.pk, []))
        )
    return ordered


@dataclass
class PartSet:
    """The owners, standards, KPIs, checkpoints and resources of an item or of one content."""

    owners: list = field(default_factory=list)
    standards: list = field(default_factory=list)
    kpis: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    resources: list = field(default_factory=list)

    @property
    def primary_owner(self):
        return next((o for o in self.owners if o.is_primary), None)


def parts_by_content(item: ServiceItem) -> dict[int | None, PartSet]:
    """All parts of an item and of its content, keyed by content id (``None``: the item itself).

    Five queries whatever the amount of content.
    """
    sources = {
        "owners": Ownership.objects.select_related("user", "team"),
        "standards": ServiceStandard.objects.select_related("calendar"),
        "kpis": Kpi.objects.all(),
        "checkpoints": Checkpoint.objects.all(),
        "resources": Resource.objects.all(),
    }
    grouped: dict[int | None, PartSet] = defaultdict(PartSet)
    for name, queryset in sources.items():
        for part in queryset.filter(item=item):
            getattr(grouped[part.content_id], name).append(part)
    return grouped
