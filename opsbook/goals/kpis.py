"""KPIs of the service checklist that are goals too.

A ``catalog.Kpi`` that names a metric and states a target is mirrored by one ``Goal``
(``Goal.kpi``, kept in step by ``services.sync_kpi_goals``, run by the hourly job and by the
"refresh" button of the goal list). The checklist stays the one place such a goal is edited: in
the goals app it is read-only. We chose a mirrored row over a union in the list so that the list
filters (owner, status, metric), pagination and the stored status work the same for both kinds,
in SQL.

The mirrored goal: title = the KPI's name; description = the KPI as written; metric = the KPI's
metric key (a registry key; the checklist's older keys are translated by
``metrics.targets.LEGACY_KPI_KEYS``);
scope = the KPI's content (``{"content": code}``) or else its item (``{"item": code}``), as
far as the metric can be cut so (a KPI whose metric cannot be cut by item is not mirrored); target
and direction = the KPI's, in the metric's unit exactly as the engine reads a KPI's target
(``metrics.targets.kpi_value``: 98 % → 0.98, 30 分钟 → 1800 s); owner = the primary owner (a
person) of the content, else of the item; a standing KPI is
judged per calendar year: start = 1 January, deadline = 31 December of the current year.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from opsbook.catalog.models import Kpi, Ownership
from opsbook.metrics import registry, targets
from opsbook.metrics.models import Direction
from opsbook.metrics.periods import org_tz

from .spec import GoalSpec


def metric_key(kpi: Kpi) -> str | None:
    """The registry key the KPI is measured by, or None."""
    key = kpi.metric or ""
    if registry.get(key) is not None:
        return key
    mapped = targets.LEGACY_KPI_KEYS.get(key)
    if mapped is not None and registry.get(mapped) is not None:
        return mapped
    return None


def candidates() -> QuerySet[Kpi]:
    owners = Ownership.objects.filter(user__isnull=False).select_related("user")
    return (
        Kpi.objects.filter(target__isnull=False)
        .exclude(metric="")
        .select_related("item", "content")
        .prefetch_related(
            Prefetch("item__ownerships", queryset=owners, to_attr="people"),
            Prefetch("content__ownerships", queryset=owners, to_attr="people"),
        )
        .order_by("pk")
    )


def _owner(kpi: Kpi):
    for holder in (kpi.content, kpi.item):
        if holder is None:
            continue
        people: Iterable[Ownership] = getattr(holder, "people", [])
        if holder is kpi.item:
            people = [o for o in people if o.content_id is None]
        ranked = sorted(people, key=lambda o: (not o.is_primary, o.position, o.pk))
        if ranked:
            return ranked[0].user
    return None


def spec_of(kpi: Kpi, now: datetime) -> GoalSpec | None:
    key = metric_key(kpi)
    if key is None or kpi.target is None:
        return None
    metric = registry.get(key)
    assert metric is not None
    year = now.astimezone(org_tz()).year
    if kpi.content is not None and "content" in metric.dimensions:
        scope = {"content": kpi.content.code}
    elif "item" in metric.dimensions:
        scope = {"item": kpi.item.code}
    else:
        return None  # measured org-wide it would not be this KPI
    holder = kpi.content or kpi.item
    return GoalSpec(
        title=(kpi.name or kpi.text)[:200],
        description=" ".join(p for p in (kpi.text, kpi.description) if p)[:5000],
        metric=key,
        scope=scope,
        target=targets.kpi_value(kpi, key),
        direction=Direction.AT_MOST if kpi.direction == Direction.AT_MOST else Direction.AT_LEAST,
        start=date(year, 1, 1),
        deadline=date(year, 12, 31),
        owner=_owner(kpi) if holder is not None else None,
    )
