"""Categories: list, create, read, change."""

from ninja.responses import Status as HttpStatus

from opsbook.accounts.access import can_manage_catalog
from opsbook.core.api import Id, as_field_errors
from opsbook.core.permissions import require

from .. import services
from ..access import categories_for_user, get_category_for_user
from ..schemas import CategoryIn, CategoryOut, CategoryPatch, category_paths
from .common import READ_ERRORS, RENAMED, WRITE_ERRORS, router
from .inputs import category_ref


@router.get(
    "/categories",
    response={200: list[CategoryOut], **READ_ERRORS},
    operation_id="opsbook_catalog_api_list_categories",
)
def list_categories(request):
    """Every category, parents before their children (sorted by path)."""
    paths = category_paths(request)
    categories = list(categories_for_user(request.user))
    return sorted(categories, key=lambda c: [*paths[c.pk]])


@router.post(
    "/categories",
    response={201: CategoryOut, **WRITE_ERRORS},
    operation_id="opsbook_catalog_api_create_category",
)
def create_category(request, payload: CategoryIn):
    require(can_manage_catalog(request.user))
    values = payload.model_dump()
    values["parent"] = category_ref(request, values.pop("parent_id"))
    with as_field_errors(rename=RENAMED):
        category = services.do_create_category(request.user, source="api", **values)
    return HttpStatus(201, category)


@router.get(
    "/categories/{category_id}",
    response={200: CategoryOut, **READ_ERRORS},
    operation_id="opsbook_catalog_api_get_category",
)
def get_category(request, category_id: Id):
    return get_category_for_user(request.user, category_id)


@router.patch(
    "/categories/{category_id}",
    response={200: CategoryOut, **WRITE_ERRORS},
    operation_id="opsbook_catalog_api_update_category",
)
def update_category(request, category_id: Id, payload: CategoryPatch):
    category = get_category_for_user(request.user, category_id)
    require(can_manage_catalog(request.user))
    values = payload.model_dump(exclude_unset=True)
    if "parent_id" in values:
        values["parent"] = category_ref(request, values.pop("parent_id"))
    with as_field_errors(rename=RENAMED):
        return services.do_update_category(request.user, category, source="api", **values)
