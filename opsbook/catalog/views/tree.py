"""The checklist tree (filters, paging) and bulk edits of the selected items.

htmx requests get the results partial of the same template, never a second template."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from opsbook.accounts.access import can_manage_catalog
from opsbook.core import clock
from opsbook.core.errors import ConflictError

from .. import access, filters, kpi_actuals, services
from ..forms import BulkUpdateForm, ItemFilterForm
from ..models import Kpi, Ownership, ServiceContent
from .common import htmx_template, manager_required, staff_required

ITEMS_PER_PAGE = 50


def _in_tree_order(items, categories):
    """Order items as the category tree is drawn, then by their own order and code."""
    if not categories:
        return items.order_by("sort_order", "code")
    position = Case(
        *[When(category_id=c.pk, then=Value(i)) for i, c in enumerate(categories)],
        default=Value(len(categories)),
        output_field=IntegerField(),
    )
    return items.annotate(tree_position=position).order_by("tree_position", "sort_order", "code")


def _with_tree_rows(items):
    """Everything a tree row shows, in a fixed number of queries whatever the page size."""
    primary = Ownership.objects.filter(is_primary=True).select_related("user", "team")
    contents = ServiceContent.objects.prefetch_related(
        Prefetch("ownerships", queryset=primary, to_attr="primary_owners")
    )
    return items.select_related("category").prefetch_related(
        Prefetch(
            "ownerships", queryset=primary.filter(content__isnull=True), to_attr="primary_owners"
        ),
        Prefetch("contents", queryset=contents, to_attr="content_list"),
    )


def _attach_kpi_lights(items) -> None:
    """Each item's one KPI light (red if a KPI missed its target this month, green if they are
    met) and how many of its measured KPIs are met: one query for the KPIs of the page, one
    batch of figures for all of them."""
    contents = {c.pk: c.code for item in items for c in item.content_list}
    codes = {item.pk: item.code for item in items}
    kpis = Kpi.objects.filter(item_id__in=codes).exclude(metric="").order_by()
    by_item: dict[int, list[int]] = {pk: [] for pk in codes}
    refs = []
    for kpi in kpis:
        refs.append(kpi_actuals.ref(kpi, codes[kpi.item_id], contents.get(kpi.content_id)))
        by_item[kpi.item_id].append(kpi.pk)
    found = kpi_actuals.actuals(refs, now=clock.now(), history=False)
    for item in items:
        actuals = [found[pk] for pk in by_item[item.pk] if pk in found]
        item.kpi_light = kpi_actuals.overall_light(actuals) if by_item[item.pk] else None
        item.kpi_met = sum(1 for a in actuals if a.status == kpi_actuals.MET)
        item.kpi_judged = sum(1 for a in actuals if a.status is not None)


def filtered_items(request, categories):
    """The filter form (validated, so that its widgets show bad values) and the items the
    query string's filters (``filters.parse``) leave."""
    form = ItemFilterForm(request.GET or None, categories=categories)
    form.is_valid()
    chosen, _problems = filters.parse(request.GET, user=request.user, categories=categories)
    items = filters.apply(access.items_for_user(request.user), chosen, today=clock.localdate())
    return form, items


@staff_required
@require_GET
def tree(request):
    categories = access.category_tree_for_user(request.user)
    form, items = filtered_items(request, categories)
    items = _with_tree_rows(_in_tree_order(items, categories))
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    paths = {c.pk: c.path_text for c in categories}
    for item in page.object_list:
        item.category_path = paths.get(item.category_id, str(item.category))
    _attach_kpi_lights(page.object_list)
    can_manage = can_manage_catalog(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "can_manage": can_manage,
        "bulk_form": BulkUpdateForm(initial={"return_query": query.urlencode()})
        if can_manage
        else None,
        "query": query.urlencode(),
    }
    response = render(request, htmx_template(request, "catalog/tree.html", "results"), context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@manager_required
@require_POST
def bulk_update(request):
    items = access.items_for_user(request.user)
    form = BulkUpdateForm(request.POST, items=items)
    back = reverse("catalog:tree")
    return_query = QueryDict(request.POST.get("return_query", "")).urlencode()
    if return_query:
        back = f"{back}?{return_query}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    selected = list(form.cleaned_data["items"])
    try:
        services.do_bulk_update_items(request.user, selected, **form.values())
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        count = len(selected)
        messages.success(
            request,
            ngettext("%(count)d item was updated.", "%(count)d items were updated.", count)
            % {"count": count},
        )
    return redirect(back)
