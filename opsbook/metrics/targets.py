"""Targets: the organisation's (``metrics.Target``, overall or for one dimension code) and the
checklist's KPIs that name a metric (scoped to their service item or content).

A KPI's target is written as the team writes it: in % for rates (98 → 0.98) and in minutes for
durations (30 → 1800 s); ``target_for`` returns it in the metric's unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from opsbook.catalog.models import Kpi

from . import registry
from .models import Direction, Target
from .registry import Dimension, Scope, Unit

# The checklist's KPI metric codes before they became registry keys.
LEGACY_KPI_KEYS: dict[str, str] = {
    "first_contact_resolution": "tickets.first_contact_resolution_rate",
    "response_on_time": "sla.response.met_rate",
    "resolution_on_time": "sla.resolution.met_rate",
    "resolution_rate": "tickets.resolution_rate",
    "on_time_completion": "routines.on_time_rate",
    "satisfaction": "csat.satisfied_share",
    "complaint_rate": "tickets.complaint_rate",
    "follow_up_rate": "complaints.followup_rate",
    "mean_handling_minutes": "tickets.resolution_time.mean",
    "mean_response_minutes": "tickets.first_response.mean",
}

PERCENT_UNITS = {"%", "％", "percent", "百分比"}
MINUTE_UNITS = {"分钟", "分", "min", "mins", "minute", "minutes"}
HOUR_UNITS = {"小时", "h", "hour", "hours"}


@dataclass(frozen=True)
class TargetValue:
    value: float
    direction: str  # a Direction value
    source: str  # "organisation", "organisation:<dimension>", "kpi:<id>"


def status(value: float | None, target: TargetValue | None) -> str | None:
    """ "met" or "missed"; None without a value or a target."""
    if value is None or target is None:
        return None
    if target.direction == Direction.AT_MOST:
        return "met" if value <= target.value else "missed"
    return "met" if value >= target.value else "missed"


def kpi_value(kpi: Kpi, key: str) -> float | None:
    """A KPI's target in the unit of metric ``key``."""
    if kpi.target is None:
        return None
    value = float(kpi.target)
    metric = registry.get(key)
    unit = (kpi.unit or "").strip().casefold()
    if metric is not None and metric.unit == Unit.RATIO and (unit in PERCENT_UNITS or value > 1):
        value /= 100
    elif metric is not None and metric.unit == Unit.SECONDS:
        if unit in HOUR_UNITS:
            value *= 3600
        elif unit in MINUTE_UNITS or not unit:
            value *= 60
    return value


def _kpi_keys(key: str) -> list[str]:
    return [key, *(old for old, new in LEGACY_KPI_KEYS.items() if new == key)]


class Book:
    """Every target of some metrics, read in two queries; ``for_scope`` answers from memory
    (the engine asks one per figure and dimension code)."""

    def __init__(self, keys: Iterable[str]):
        keys = list(keys)
        self.targets: dict[tuple[str, str, str], Target] = {
            (t.metric, t.dimension, t.code): t for t in Target.objects.filter(metric__in=keys)
        }
        kpi_keys = {k: _kpi_keys(k) for k in keys}
        self.kpis: dict[tuple[str, str, str], Kpi] = {}
        all_codes = [c for codes in kpi_keys.values() for c in codes]
        kpis = (
            Kpi.objects.filter(metric__in=all_codes, target__isnull=False)
            .select_related("item", "content")
            .order_by("id")
        )
        by_code = {code: key for key, codes in kpi_keys.items() for code in codes}
        for kpi in kpis:
            key = by_code[kpi.metric]
            if kpi.content is not None:
                self.kpis.setdefault((key, Dimension.CONTENT, kpi.content.code), kpi)
            else:
                self.kpis.setdefault((key, Dimension.ITEM, kpi.item.code), kpi)

    def for_scope(self, key: str, scope: Scope | None) -> TargetValue | None:
        scope = dict(scope or {})
        if len(scope) == 1:
            ((dimension, code),) = scope.items()
            found = self.targets.get((key, dimension, code))
            if found is not None:
                return _from_target(found, f"organisation:{dimension}")
            kpi = self.kpis.get((key, dimension, code))
            if kpi is not None:
                value = kpi_value(kpi, key)
                if value is not None:
                    return TargetValue(value, kpi.direction, f"kpi:{kpi.pk}")
        found = self.targets.get((key, "", ""))
        if found is not None:
            return _from_target(found, "organisation")
        return None


def _from_target(target: Target, source: str) -> TargetValue:
    return TargetValue(float(Decimal(target.value)), target.direction, source)


def target_for(key: str, scope: Scope | None = None) -> TargetValue | None:
    """The target of ``key`` for ``scope``: the organisation's for that one dimension code,
    else a KPI of that item or content, else the organisation-wide one; None without any."""
    return Book([key]).for_scope(key, scope)
