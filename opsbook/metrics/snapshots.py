"""Snapshots: the figures of a period stored as rows, the total and each code of the cuts the
dashboards and reports show. A final snapshot is taken once the period has closed (its
point-in-time figures, backlog and breached open, stay as they were at the period's end); the
current month is refreshed (not final) every 15 minutes for fast dashboards.

Taking a snapshot again replaces the period's rows in one transaction (an upsert on the one
row per cell), so a re-run, or two workers at once, leave one consistent set.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from . import engine, registry
from .models import Snapshot
from .periods import Period, PeriodKind, current
from .registry import Dimension

# The cuts stored besides the total.
DIMENSIONS = (
    Dimension.CATEGORY,
    Dimension.ITEM,
    Dimension.OWNER,
    Dimension.TEAM,
    Dimension.CHANNEL,
    Dimension.CUSTOMER,
)
CLOSING_KINDS = (PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH)
FIELDS = ["value", "numerator", "denominator", "count", "computed_at", "final"]
CELL = ["metric", "period_kind", "period_start", "period_end", "dimension", "code"]


def _row(
    figure: engine.Figure, period: Period, dimension: str, code: str, now: datetime, final: bool
) -> Snapshot:
    return Snapshot(
        metric=figure.key,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        dimension=dimension,
        code=code,
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        count=figure.count,
        computed_at=now,
        final=final,
    )


def take(period: Period, *, now: datetime, final: bool) -> int:
    """Compute every declared metric of ``period`` (the total and each code of ``DIMENSIONS``)
    and store it; returns how many rows. Computed live, never from earlier snapshots."""
    keys = [m.key for m in registry.metrics(dynamic=False)]
    rows: list[Snapshot] = []
    total = engine.evaluate(keys, period, now=now, snapshots=False)
    rows += [_row(f, period, "", "", now, final) for f in total.figures.values()]
    for dimension in DIMENSIONS:
        cut = engine.evaluate(keys, period, by=dimension, now=now, snapshots=False)
        for figure in cut.figures.values():
            for code, sub in (figure.by or {}).items():
                rows.append(_row(sub, period, dimension, code, now, final))
    with transaction.atomic():
        # Codes that no longer appear (a ticket moved to another item) leave no stale row.
        Snapshot.objects.filter(
            metric__in=keys,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
        ).exclude(dimension="").delete()
        Snapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=CELL, update_fields=FIELDS
        )
    return len(rows)


def close_periods(now: datetime) -> dict[str, int]:
    """The final snapshots of the day, week and month that closed last, unless taken already
    (a run after a pause catches up on the last closed period of each kind)."""
    taken = {}
    for kind in CLOSING_KINDS:
        period = current(kind, now).previous()
        done = Snapshot.objects.filter(
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            dimension="",
            final=True,
        ).exists()
        if not done:
            taken[period.code] = take(period, now=now, final=True)
    return taken


def refresh_current(now: datetime) -> int:
    """The current month's figures so far (not final)."""
    return take(current(PeriodKind.MONTH, now), now=now, final=False)
