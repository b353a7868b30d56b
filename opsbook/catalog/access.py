"""Permission-scoped lookups for the checklist. Views and API routes fetch through these, so a
record outside the caller's scope is a 404, never a leak.

Rules (docs/users/roles.md):
* staff (admin, manager, agent, viewer) read the whole checklist; customer contacts read none of it
  here (the portal shows them their own services);
* admins and managers create, edit, import, bulk-edit and retire anything;
* an agent edits the items and content they own, directly or through their team;
* viewers only read.
"""

from django.db.models import Q
from django.http import Http404

from opsbook.accounts.access import can_manage_catalog, can_view_catalog
from opsbook.accounts.choices import Role

from .models import Category, Ownership, ServiceContent, ServiceItem


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
    return (
        can_view_catalog(user)
        and user.role == Role.AGENT
        and _owns(user, content.item, content)
    )
