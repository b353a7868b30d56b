"""The actual values of the checklist's KPIs: what the item page, the tree and the export show
against each KPI's target.

The catalog sits below the metrics app and never imports it. The metrics app installs a
``Provider`` when it starts (``set_provider``, from ``opsbook/metrics/kpis.py``); the provider
computes raw figures for (metric key, item or content code) pairs, in the registry's units
(rates as fractions 0–1, durations in business seconds). This module turns them into what a KPI
says: the value in the KPI's own unit (96.5 %, 12.3 分钟), met or missed against the KPI's own
target and direction, and a traffic light. Without a provider (the catalog tested alone) every
KPI has no data: a grey light.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.utils.translation import pgettext

from .choices import KpiDirection

MONTHS_OF_HISTORY = 12

MET = "met"
MISSED = "missed"
GREEN, RED, GREY = "green", "red", "grey"


# --- what the catalog asks and what a provider answers ----------------------------------------


@dataclass(frozen=True)
class Request:
    """One figure to compute: ``metric`` for the item or content of ``code``.

    ``dimension`` is "item" or "content"; ``item`` is the code of the item a content belongs to
    (to compute a content's figures within its item, and to fall back to the item for a metric
    that cannot be cut by content)."""

    metric: str
    dimension: str
    code: str
    item: str


@dataclass(frozen=True)
class Figure:
    """A raw figure for one period, in the registry's unit."""

    period: str  # the period's code: 2026-12
    value: float | None
    url: str = ""  # the page listing the rows behind it; "" when there is none


@dataclass(frozen=True)
class Figures:
    """What a provider computed for one request."""

    unit: str  # the registry's unit: ratio, seconds, count, score, nps, number
    current: Figure
    previous: Figure | None = None  # the last closed period
    history: tuple[float | None, ...] = ()  # oldest first, ending with the current period
    scope: dict[str, str] = field(default_factory=dict)  # the scope it was computed for
    note: str = ""  # why it has no value, or what it was computed for instead


class Provider(Protocol):
    def figures(
        self, requests: Sequence[Request], *, now: datetime, history: bool = True
    ) -> dict[Request, Figures]:
        """Figures for the current month (and the previous one) of each request, and with
        ``history`` the last twelve months; a request it cannot compute is left out."""
        ...


class _NoFigures:
    def figures(
        self, requests: Sequence[Request], *, now: datetime, history: bool = True
    ) -> dict[Request, Figures]:
        return {}


_provider: Provider = _NoFigures()


def set_provider(provider: Provider | None) -> None:
    """Install the provider (the metrics app does, when it starts); None: no figures."""
    global _provider
    _provider = provider if provider is not None else _NoFigures()


def provider() -> Provider:
    return _provider


# --- what a KPI shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One period's actual of a KPI, in the KPI's unit."""

    period: str
    value: Decimal | None
    unit: str
    status: str | None  # "met", "missed", None (no value or no comparable target)
    url: str = ""

    @property
    def light(self) -> str:
        return {MET: GREEN, MISSED: RED}.get(self.status or "", GREY)

    @property
    def text(self) -> str:
        """96.5%, 12.3分钟; "" without a value."""
        if self.value is None:
            return ""
        return f"{format(self.value.normalize(), 'f')}{self.unit}"


@dataclass(frozen=True)
class Actual:
    kpi_id: int
    metric: str
    current: Reading
    previous: Reading | None
    history: tuple[Decimal | None, ...]
    note: str = ""

    @property
    def light(self) -> str:
        return self.current.light

    @property
    def status(self) -> str | None:
        return self.current.status


@dataclass(frozen=True)
class KpiRef:
    """What the computation needs of one KPI (no database access)."""

    id: int
    metric: str
    item_code: str
    content_code: str | None
    target: Decimal | None
    unit: str
    direction: str

    @property
    def request(self) -> Request:
        if self.content_code:
            return Request(self.metric, "content", self.content_code, self.item_code)
        return Request(self.metric, "item", self.item_code, self.item_code)


def ref(kpi, item_code: str, content_code: str | None = None) -> KpiRef:
    """The reference of a ``Kpi`` whose item's (and content's) code the caller knows."""
    return KpiRef(kpi.pk, kpi.metric, item_code, content_code, kpi.target, kpi.unit, kpi.direction)


def actuals(refs: Iterable[KpiRef], *, now: datetime, history: bool = True) -> dict[int, Actual]:
    """Each measured KPI's actual by its id (KPIs with no metric are left out): one call to the
    provider for all of them, which batches its queries."""
    measured = [r for r in refs if r.metric]
    if not measured:
        return {}
    requests = list(dict.fromkeys(r.request for r in measured))
    computed = _provider.figures(requests, now=now, history=history)
    found: dict[int, Actual] = {}
    for kpi in measured:
        figures = computed.get(kpi.request)
        if figures is None:
            continue
        found[kpi.id] = Actual(
            kpi.id,
            kpi.metric,
            _reading(kpi, figures.unit, figures.current),
            _reading(kpi, figures.unit, figures.previous) if figures.previous else None,
            tuple(_rounded(_in_kpi_unit(v, figures.unit, kpi.unit)[0]) for v in figures.history),
            figures.note,
        )
    return found


def overall_light(found: Iterable[Actual]) -> str:
    """An item's one light: red if any KPI missed its target, green if some met theirs and none
    missed, grey when none could be judged."""
    lights = {a.light for a in found}
    if RED in lights:
        return RED
    return GREEN if GREEN in lights else GREY


# --- units and status --------------------------------------------------------------------------

_SECONDS_PER = {
    "秒": 1, "秒钟": 1, "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "分钟": 60, "分": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "小时": 3600, "时": 3600, "h": 3600, "hour": 3600, "hours": 3600,
}  # fmt: skip


def _in_kpi_unit(value: float | None, unit: str, kpi_unit: str) -> tuple[Decimal | None, str]:
    """A raw figure in the unit the KPI is written in, unrounded: a rate in per cent, a duration
    in the KPI's seconds, minutes or hours (minutes when the KPI names none)."""
    shown = _shown_unit(unit, kpi_unit)
    if value is None:
        return None, shown
    try:
        number = Decimal(repr(float(value)))
    except (InvalidOperation, ValueError):
        return None, shown
    if not number.is_finite():
        return None, shown
    if unit == "ratio":
        return number * 100, shown
    if unit == "seconds":
        return number / _SECONDS_PER.get(kpi_unit.strip().casefold(), 60), shown
    return number, shown


def _rounded(value: Decimal | None) -> Decimal | None:
    """One decimal place for what a person reads (96.5 %, 12.3 分钟), two below 1."""
    if value is None:
        return None
    return value.quantize(Decimal("0.01") if abs(value) < 1 else Decimal("0.1"))


def _shown_unit(unit: str, kpi_unit: str) -> str:
    if unit == "ratio":
        return "%"
    if unit == "seconds":
        return (
            kpi_unit
            if kpi_unit.strip().casefold() in _SECONDS_PER
            else pgettext("duration unit", "min")
        )
    return kpi_unit


def _comparable_target(kpi: KpiRef, unit: str) -> Decimal | None:
    """The KPI's target in the unit its actual is shown in, None when it has none or names a
    unit its metric cannot be compared with (a duration target in 个工作日)."""
    if kpi.target is None:
        return None
    target = Decimal(kpi.target)
    kpi_unit = kpi.unit.strip().casefold()
    if unit == "ratio":
        if kpi_unit in ("%", "％"):
            return target
        if not kpi_unit:  # 回访率1 (a fraction) or 回访率100 (per cent)
            return target * 100 if target <= 1 else target
        return None
    if unit == "seconds":
        return target if kpi_unit in _SECONDS_PER else None
    return target


def _reading(kpi: KpiRef, unit: str, figure: Figure) -> Reading:
    value, shown = _in_kpi_unit(figure.value, unit, kpi.unit)
    target = _comparable_target(kpi, unit)
    status = None
    if value is not None and target is not None:
        if kpi.direction == KpiDirection.AT_MOST:
            status = MET if value <= target else MISSED
        else:
            status = MET if value >= target else MISSED
    return Reading(figure.period, _rounded(value), shown, status, figure.url)
