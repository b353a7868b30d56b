"""Dashboard figures read from the engine's snapshots, so a page costs a few indexed reads
whatever the number of tickets (issue 10: p95 under 300 ms from snapshots).

The snapshot jobs (``opsbook.metrics.jobs``) store every built-in metric of each closed day,
week and month (final, at period close) and of the current month (refreshed every 15 minutes):
the total and each code of the category, item, owner, team, channel and customer cuts. A
dashboard of a month uses them when every window it shows (the month, the previous month, the
same month last year) has its snapshot: final for a closed month, the latest refresh for the
current one. Anything else (a quarter, a custom range, a month the jobs never saw, two
dimensions of scope) returns None and the caller evaluates live through the engine.

The figures are the engine's own, as of ``computed_at``; the page says so, because the rows of a
drill-down are read live (a ticket reopened since the snapshot moves them).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from opsbook.metrics import registry, targets
from opsbook.metrics.models import Snapshot
from opsbook.metrics.periods import Period, PeriodKind
from opsbook.metrics.registry import WINDOWS, Scope, Unit, Value, Windows

SNAPSHOT_KINDS = (PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH)


@dataclass
class Figure:
    """The fields of ``engine.Figure`` a dashboard card reads."""

    key: str
    value: float | None
    previous: float | None
    last_year: float | None
    target: float | None
    status: str | None
    numerator: float | None
    denominator: float | None
    count: int | None
    live: bool = False
    by: dict[str, "Figure"] | None = None


@dataclass
class Overview:
    period: Period
    figures: dict[str, Figure]
    computed_at: datetime | None  # the oldest snapshot read


def evaluate(
    keys: Sequence[str], period: Period, *, by: str | None = None, scope: Scope | None = None,
    now: datetime,
) -> Overview | None:  # fmt: skip
    """The figures of ``keys`` from snapshots, or None when one is missing (see the module)."""
    scope = dict(scope or {})
    if period.kind not in SNAPSHOT_KINDS or len(scope) > 1 or (scope and by):
        return None
    windows = Windows.of(period)
    wanted: dict[tuple, str] = {}
    when = Q()
    for name, window in windows.items():
        if window.start_at() > now:
            return None
        closed = window.is_closed(now)
        wanted[(window.kind, window.start, window.end)] = name
        when |= Q(
            period_kind=window.kind, period_start=window.start, period_end=window.end, final=closed
        )
    rows = Snapshot.objects.filter(when, metric__in=list(keys))
    if scope:
        ((dimension, code),) = scope.items()
        rows = rows.filter(dimension=dimension, code=code)
    else:
        rows = rows.filter(dimension__in=["", by] if by else [""])
    cells: dict[tuple[str, str, str | None], Value] = {}
    oldest: datetime | None = None
    for snap in rows:
        name = wanted[(snap.period_kind, snap.period_start, snap.period_end)]
        cut: str | None = None if (scope or snap.dimension == "") else snap.code
        cells[(snap.metric, name, cut)] = Value(
            snap.value, snap.numerator, snap.denominator, snap.count
        )
        oldest = snap.computed_at if oldest is None else min(oldest, snap.computed_at)
    if any((key, w, None) not in cells for key in keys for w in WINDOWS):
        return None
    book = targets.Book(list(keys))
    figures = {}
    for key in keys:
        metric = registry.get(key)
        assert metric is not None
        figure = _figure(key, metric.unit, cells, None, scope, book)
        if by is not None and by in metric.dimensions:
            codes = {c for (k, _w, c) in cells if k == key and c is not None}
            figure.by = {
                code: _figure(key, metric.unit, cells, code, {by: code}, book) for code in codes
            }
        figures[key] = figure
    return Overview(period, figures, oldest)


def _figure(
    key: str,
    unit: str,
    cells: dict[tuple[str, str, str | None], Value],
    code: str | None,
    scope: Scope,
    book: targets.Book,
) -> Figure:
    # A count with no row in a cut is 0, as the engine says (the codes sum to the total).
    empty = Value(0.0, 0.0, None, 0) if unit == Unit.COUNT else Value(None)
    current, previous, last_year = (cells.get((key, w, code), empty) for w in WINDOWS)
    target = book.for_scope(key, scope)
    return Figure(
        key=key,
        value=current.value,
        previous=previous.value,
        last_year=last_year.value,
        target=target.value if target else None,
        status=targets.status(current.value, target),
        numerator=current.numerator,
        denominator=current.denominator,
        count=current.count,
    )
