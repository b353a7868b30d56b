"""``{% sop_run run user %}``: a run's checklist (what ``sops/_run.html`` renders), and
``{% item_procedures item %}``: the procedures attached to a service item and its content."""

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Prefetch, Q

from opsbook.catalog.models import ServiceContent

from ..models import Procedure
from ..presenters import run_panel

register = template.Library()


@register.inclusion_tag("sops/_panel.html", takes_context=True)
def sop_run(context: Any, run: Any, user: Any) -> dict[str, Any]:
    request = context.get("request")
    return {
        "panel": run_panel(run, user),
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "next": request.get_full_path() if request is not None else "",
    }


@register.inclusion_tag("sops/_item_procedures.html")
def item_procedures(item: Any) -> dict[str, Any]:
    """Active procedures attached to ``item`` or to its content, in one query."""
    whole_item = Procedure.items.through.objects.filter(procedure=OuterRef("pk"), serviceitem=item)
    procedures = (
        Procedure.objects.filter(Q(items=item) | Q(contents__item=item), is_active=True)
        .annotate(whole_item=Exists(whole_item))
        .prefetch_related(
            Prefetch(
                "contents",
                queryset=ServiceContent.objects.filter(item=item).order_by("code"),
                to_attr="item_contents",
            )
        )
        .distinct()
        .order_by("name")
    )
    return {"procedures": list(procedures), "item": item}
