"""The checklist's KPI actuals, computed by the engine: the provider the catalog asks through
``catalog.kpi_actuals`` (the catalog sits below metrics and never imports it). Installed when the
metrics app starts (``apps.py``: importing this module installs it).

Batched: one ``engine.evaluate`` per dimension (item, content), whatever the number of KPIs and
items. A single code is computed within its own scope; many codes of one dimension (the tree,
the export, an item's pieces of content) together, cut ``by`` that dimension. Each evaluation
returns its month and the previous one, so the twelve months of the sparklines are six
evaluations per dimension whatever the number of KPIs (``engine.series`` would be one per KPI).
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from opsbook.catalog import kpi_actuals
from opsbook.catalog.kpi_actuals import Figure, Figures, Request

from . import engine, periods, registry
from .periods import Period


def _place(request: Request, metric: registry.Metric) -> tuple[str, str, str] | None:
    """(dimension, code, a note) a request is computed for, or None when the metric cannot be
    cut by the request's item at all (a content's KPI whose metric cannot be cut by content is
    computed for its item)."""
    if request.dimension in metric.dimensions:
        return request.dimension, request.code, ""
    if request.dimension == "content" and "item" in metric.dimensions:
        return "item", request.item, _("Measured for the whole service item.")
    return None


class EngineProvider:
    """``kpi_actuals.Provider`` over ``engine.evaluate``."""

    def figures(
        self, requests: Sequence[Request], *, now: datetime, history: bool = True
    ) -> dict[Request, Figures]:
        period = periods.current("month", now)
        found: dict[Request, Figures] = {}
        placed: dict[Request, tuple[str, str, str]] = {}
        groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        items_of: dict[str, set[str]] = defaultdict(set)  # dimension → the items of its codes
        for request in requests:
            metric = registry.get(request.metric)
            if metric is None:
                found[request] = _nothing(period, "number", _("Opsbook does not compute it."))
                continue
            where = _place(request, metric)
            if where is None:
                found[request] = _nothing(
                    period, metric.unit, _("It cannot be computed per service item.")
                )
                continue
            placed[request] = where
            dimension, code, _note = where
            groups[dimension][code].add(request.metric)
            items_of[dimension].add(request.item)

        # Each evaluation gives a month and the one before it: six give twelve months.
        anchors = [period.shift(-2 * k) for k in range(6 if history else 1)]
        values: dict[tuple[str, str, str], float | None] = {}  # (key, code, month) → value
        for dimension, codes in groups.items():
            keys = sorted(set().union(*codes.values()))
            # The content of one item is computed within that item (a smaller scan).
            within = (
                {"item": next(iter(items_of[dimension]))}
                if dimension == "content" and len(items_of[dimension]) == 1
                else {}
            )
            for anchor in anchors:
                months = (anchor.code, anchor.previous().code)
                if len(codes) == 1:
                    (code,) = codes
                    overview = engine.evaluate(
                        keys, anchor, scope=within | {dimension: code}, now=now
                    )
                    for key in keys:
                        _keep(values, key, code, months, overview.figures.get(key))
                else:
                    overview = engine.evaluate(
                        keys, anchor, by=dimension, scope=within or None, now=now
                    )
                    for key in keys:
                        by = getattr(overview.figures.get(key), "by", None) or {}
                        for code in codes:
                            _keep(values, key, code, months, by.get(code))

        trailing = [p.code for p in period.trailing(kpi_actuals.MONTHS_OF_HISTORY)]
        for request, (dimension, code, note) in placed.items():
            metric = registry.get(request.metric)
            assert metric is not None
            scope = {dimension: code}
            key = request.metric
            found[request] = Figures(
                unit=metric.unit,
                current=Figure(
                    period.code, values.get((key, code, period.code)), _drill(key, period, scope)
                ),
                previous=Figure(
                    period.previous().code,
                    values.get((key, code, period.previous().code)),
                    _drill(key, period.previous(), scope),
                ),
                history=tuple(values.get((key, code, m)) for m in trailing) if history else (),
                scope=scope,
                note=note,
            )
        return found


def _keep(values: dict, key: str, code: str, months: tuple[str, str], figure) -> None:
    """An engine figure's value and previous value, under their months."""
    current, previous = (None, None) if figure is None else (figure.value, figure.previous)
    values[(key, code, months[0])] = current
    values[(key, code, months[1])] = previous


def _drill(key: str, period: Period, scope: dict[str, str]) -> str:
    return engine.drill_url(key, period, scope=scope)


def _nothing(period: Period, unit: str, note: str) -> Figures:
    return Figures(unit=unit, current=Figure(period.code, None), note=note)


PROVIDER = EngineProvider()
kpi_actuals.set_provider(PROVIDER)
