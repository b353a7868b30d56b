"""The metrics engine: every figure of a period with its previous period and the same period
last year (computed together, by the families' one-scan queries), the target and whether it
is met, and optionally each code of one dimension.

Point-in-time metrics (backlog, breached open) of a closed period come from its final snapshot
(taken at period close by ``jobs.snapshot_metrics``) when there is one, so past months stay
reproducible; computed live instead, the figure says so (``live``). Flow metrics are always
computed from the tickets as they stand (a reopened ticket can move between periods).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from . import registry, targets
from .models import Snapshot
from .periods import Period
from .registry import WINDOWS, Dimension, Metric, Part, Results, Scope, Value, Windows


class MetricError(ValueError):
    """Bad input (an unknown metric, dimension or scope); the message says what is accepted."""


@dataclass
class Figure:
    key: str
    metric: Metric
    value: float | None
    previous: float | None
    change: float | None
    change_pct: float | None
    last_year: float | None
    unit: str
    target: float | None
    status: str | None
    live: bool = False
    numerator: float | None = None
    denominator: float | None = None
    by: dict[str, Figure] | None = None
    count: int | None = None
    target_source: str | None = None
    # Which windows of a point-in-time metric were closed periods computed live.
    live_windows: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        def n(v: float | None) -> float | int | None:
            # Counts print as integers (2, not 2.0).
            return (
                int(v) if self.unit == registry.Unit.COUNT and v is not None and v == int(v) else v
            )

        data: dict[str, Any] = {
            "value": n(self.value),
            "previous": n(self.previous),
            "change": n(self.change),
            "change_pct": self.change_pct,
            "last_year": n(self.last_year),
            "unit": self.unit,
            "target": n(self.target),
            "status": self.status,
        }
        if self.by is not None:
            data["by"] = {code: f.as_json() for code, f in sorted(self.by.items())}
        return data


@dataclass
class Overview:
    period: Period
    by: str | None
    scope: dict[str, str]
    figures: dict[str, Figure] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period.as_json(),
            "metrics": {key: figure.as_json() for key, figure in self.figures.items()},
        }


def _change(value: float | None, previous: float | None) -> tuple[float | None, float | None]:
    if value is None or previous is None:
        return None, None
    change = value - previous
    return change, (change / abs(previous) if previous else None)


def resolve_metrics(keys: Iterable[str] | None) -> list[Metric]:
    if keys is None:
        return registry.metrics()
    found = []
    for key in keys:
        metric = registry.get(key)
        if metric is None:
            raise MetricError(f"Unknown metric {key!r}; see /api/metrics/definitions.")
        found.append(metric)
    return found


def check_dimension(by: str | None) -> None:
    if by is not None and by not in Dimension.values:
        raise MetricError(f"Unknown dimension {by!r}; use one of {', '.join(Dimension.values)}.")


def check_scope(scope: Scope | None) -> dict[str, str]:
    scope = dict(scope or {})
    for dimension in scope:
        check_dimension(dimension)
    return scope


def _compute(
    metrics: list[Metric],
    windows: Windows,
    *,
    by: str | None,
    scope: dict[str, str],
    now: datetime,
) -> Results:
    """Each family once (per ``by`` it can serve): its metrics that can be filtered by the
    scope; the others are left out (no value)."""
    groups: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for metric in metrics:
        if not set(scope) <= metric.dimensions:
            continue
        cut = by if by in metric.dimensions else None
        groups[(metric.family, cut)].append(metric.key)
    results: Results = {}
    for (_family, cut), keys in groups.items():
        results.update(
            registry.family_of(keys[0]).compute(keys, windows, by=cut, scope=scope, now=now)
        )
    return results


def _snapshots(
    metrics: list[Metric], windows: Windows, *, by: str | None, scope: dict[str, str],
    now: datetime,
) -> tuple[dict[tuple[str, str, str | None], Value], set[str]]:  # fmt: skip
    """Final snapshots of the point-in-time metrics for the closed windows: (key, window,
    code or None for the total) → Value, in one query; and the closed windows."""
    closed = {w for w, p in windows.items() if p.is_closed(now)}
    keys = [m.key for m in metrics if m.point_in_time]
    found: dict[tuple[str, str, str | None], Value] = {}
    if not keys or not closed or len(scope) > 1:
        return found, closed
    periods = {w: p for w, p in windows.items() if w in closed}
    when = Q()
    for p in periods.values():
        when |= Q(period_kind=p.kind, period_start=p.start, period_end=p.end)
    rows = Snapshot.objects.filter(when, metric__in=keys, final=True)
    if scope:
        ((dimension, code),) = scope.items()
        rows = rows.filter(dimension=dimension, code=code)
    else:
        rows = rows.filter(dimension__in=["", by] if by else [""])
    for snap in rows:
        for w, p in periods.items():
            if (snap.period_kind, snap.period_start, snap.period_end) == (p.kind, p.start, p.end):
                cut: str | None = None if (scope or snap.dimension == "") else snap.code
                found[(snap.metric, w, cut)] = Value(
                    snap.value, snap.numerator, snap.denominator, snap.count
                )
    return found, closed


def evaluate(
    keys: list[str] | None,
    period: Period,
    *,
    by: str | None = None,
    scope: Scope | None = None,
    now: datetime,
    snapshots: bool = True,
) -> Overview:
    """Every figure of ``keys`` (all metrics when None) for ``period``, with its previous
    period, the same period last year, target and status; ``by``: also each code of that
    dimension. A fixed number of queries whatever the number of rows. ``snapshots=False``:
    compute everything live (taking a snapshot)."""
    metrics = resolve_metrics(keys)
    check_dimension(by)
    scope = check_scope(scope)
    windows = Windows.of(period)
    snapped_values, closed = (
        _snapshots(metrics, windows, by=by, scope=scope, now=now) if snapshots else ({}, set())
    )
    # Point-in-time metrics whose closed windows all have a final snapshot are computed for
    # the current window only (the windows given are all the current one: the backlog query
    # then looks at the few tickets open or changed since), or not at all when it is closed.
    snapped_totals = {(k, w) for (k, w, c) in snapped_values if c is None}
    frozen = [
        m
        for m in metrics
        if m.point_in_time and closed and all((m.key, w) in snapped_totals for w in closed)
    ]
    rest = [m for m in metrics if m not in frozen]
    results = _compute(rest, windows, by=by, scope=scope, now=now)
    if frozen and "current" not in closed:
        only = Windows(period, period, period)
        results.update(_compute(frozen, only, by=by, scope=scope, now=now))
    book = targets.Book([m.key for m in metrics])
    overview = Overview(period, by, scope)
    for metric in metrics:
        cells = results.get(metric.key, {})
        live_windows: list[str] = []
        merged: dict[str, dict[str | None, Value]] = {}
        for w in WINDOWS:
            cell = dict(cells.get(w, {}))
            if metric.point_in_time and w in closed:
                snapped = {
                    c: v for (k, win, c), v in snapped_values.items() if (k, win) == (metric.key, w)
                }
                if None in snapped:
                    cell = snapped
                elif cells:
                    live_windows.append(w)
            merged[w] = cell
        figure = _figure(metric, merged, None, scope, book)
        figure.live_windows = tuple(live_windows)
        figure.live = "current" in live_windows
        if by is not None and by in metric.dimensions:
            codes = {c for w in WINDOWS for c in merged[w] if c is not None}
            figure.by = {
                code: _figure(metric, merged, code, {**scope, by: code}, book) for code in codes
            }
        overview.figures[metric.key] = figure
    return overview


def _figure(
    metric: Metric,
    cells: Mapping[str, Mapping[str | None, Value]],
    code: str | None,
    scope: Scope,
    book: targets.Book,
) -> Figure:
    empty = Value(None)
    current = cells["current"].get(code, empty) if cells["current"] else empty
    previous = cells["previous"].get(code, empty) if cells["previous"] else empty
    last_year = cells["last_year"].get(code, empty) if cells["last_year"] else empty
    # A count with no row in a cut is 0, not "no data" (the sum over the codes is the total).
    has_data = bool(cells["current"] or cells["previous"] or cells["last_year"])
    if has_data and metric.unit == registry.Unit.COUNT:
        current, previous, last_year = (
            v if v.value is not None else Value(0.0, 0.0, None, 0)
            for v in (current, previous, last_year)
        )
    change, change_pct = _change(current.value, previous.value)
    target = book.for_scope(metric.key, scope)
    return Figure(
        key=metric.key,
        metric=metric,
        value=current.value,
        previous=previous.value,
        change=change,
        change_pct=change_pct,
        last_year=last_year.value,
        unit=metric.unit,
        target=target.value if target else None,
        status=targets.status(current.value, target),
        numerator=current.numerator,
        denominator=current.denominator,
        count=current.count,
        target_source=target.source if target else None,
    )


def series(
    key: str, periods: list[Period], *, scope: Scope | None = None, now: datetime
) -> list[Value]:
    """The values of ``key`` for each of ``periods`` (a trend, a sparkline): three periods per
    family query; point-in-time values of closed periods from their final snapshots."""
    (metric,) = resolve_metrics([key])
    scope = check_scope(scope)
    if not set(scope) <= metric.dimensions:
        return [Value(None) for _p in periods]
    out: list[Value] = []
    for start in range(0, len(periods), 3):
        chunk = periods[start : start + 3]
        padded = chunk + [chunk[-1]] * (3 - len(chunk))
        windows = Windows(*padded)
        results = _compute([metric], windows, by=None, scope=scope, now=now)
        snapshots, _closed = _snapshots([metric], windows, by=None, scope=scope, now=now)
        for w, _p in list(windows.items())[: len(chunk)]:
            snapped = snapshots.get((key, w, None))
            if metric.point_in_time and snapped is not None:
                out.append(snapped)
                continue
            value = results.get(key, {}).get(w, {}).get(None, Value(None))
            if metric.unit == registry.Unit.COUNT and value.value is None:
                value = Value(0.0, 0.0, None, 0)
            out.append(value)
    return out


def rows(
    key: str, period: Period, *, scope: Scope | None = None, part: str = Part.VALUE, now: datetime
) -> QuerySet:
    """The rows behind a figure: their count is the figure for counts, the numerator
    (``part="value"``) or the denominator of a rate, and the rows a mean or percentile is
    taken over."""
    resolve_metrics([key])
    scope = check_scope(scope)
    if part not in Part.values:
        raise MetricError(f"Unknown part {part!r}; use {' or '.join(Part.values)}.")
    return registry.family_of(key).rows(key, period, scope=scope, part=part, now=now)


def drill_url(key: str, period: Period, *, scope: Scope | None = None, part: str = "value") -> str:
    """The page listing the rows behind a figure (the dashboards' drill-down)."""
    query = {"metric": key, "period": period.code}
    if part != Part.VALUE:
        query["part"] = part
    for dimension, code in sorted((scope or {}).items()):
        query[dimension] = code
    try:
        base = reverse("dashboards:drill")
    except NoReverseMatch:
        base = "/dashboards/drill/"
    return f"{base}?{urlencode(query)}"
