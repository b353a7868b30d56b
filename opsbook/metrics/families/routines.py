"""Recurring service work: occurrences due in the period (``due_at``, the end of the due day's
business hours) and whether they were done, and done by their due time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Team, User
from opsbook.catalog.models import Category, ServiceContent, ServiceItem
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Occurrence

from ..periods import Period
from ..registry import Dimension, Family, Metric, Part, Results, Scope, Unit, Windows
from ..sql import Dim, Hop, Source, combine, in_any_window, ratio, scan
from .common import occurrence_scope_q

DIMENSIONS = frozenset(
    {Dimension.CATEGORY, Dimension.ITEM, Dimension.CONTENT, Dimension.TEAM, Dimension.OWNER}
)


def M(key: str, name: Any, definition: Any) -> Metric:
    return Metric(
        key, name, Unit.RATIO, True, definition, DIMENSIONS, rows_of="occurrences",
        family="routines",
    )  # fmt: skip


METRICS = (
    M("routines.on_time_rate", _("Routine work done on time"),
      _("Occurrences due in the period done by their due time / occurrences due in the period; "
        "occurrences skipped with a reason are left out of both.")),
    M("routines.coverage", _("Routine work done"),
      _("Occurrences due in the period that are done (on time or late) / occurrences due in "
        "the period.")),
)  # fmt: skip


def occurrence_source() -> Source:
    content = Hop("content_id", ServiceContent)
    item = Hop("item_id", ServiceItem)
    return Source(
        Occurrence,
        "o",
        {
            Dimension.CATEGORY: Dim((content, item, Hop("category_id", Category)), "code"),
            Dimension.ITEM: Dim((content, item), "code"),
            Dimension.CONTENT: Dim((content,), "code"),
            Dimension.TEAM: Dim((Hop("team_id", Team),), "name"),
            Dimension.OWNER: Dim((Hop("assignee_id", User),), "username"),
        },
    )


class RoutinesFamily(Family):
    name = "routines"
    metrics = METRICS

    def compute(
        self,
        keys: Iterable[str],
        windows: Windows,
        *,
        by: str | None,
        scope: Scope,
        now: datetime,
    ) -> Results:
        wanted = set(keys)
        due = "o.due_at >= {s} AND o.due_at < {e}"
        done = f"o.status = '{OccurrenceStatus.DONE}'"
        skipped = f"(o.status = '{OccurrenceStatus.SKIPPED}' AND o.skip_reason <> '')"
        part = scan(
            occurrence_source(),
            {
                "due": f"CASE WHEN {due} THEN 1 ELSE 0 END",
                "measured": f"CASE WHEN {due} AND NOT {skipped} THEN 1 ELSE 0 END",
                "done": f"CASE WHEN {due} AND {done} THEN 1 ELSE 0 END",
                "on_time": (
                    f"CASE WHEN {due} AND {done} AND o.completed_at <= o.due_at THEN 1 ELSE 0 END"
                ),
            },
            where=in_any_window("o.due_at"),
            windows=windows,
            by=by,
            scope=scope,
        )
        results: Results = {}
        combine(results, "routines.on_time_rate", ratio, part["on_time"], part["measured"])
        combine(results, "routines.coverage", ratio, part["done"], part["due"])
        return {k: v for k, v in results.items() if k in wanted}

    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        due = Occurrence.objects.filter(
            occurrence_scope_q(scope), due_at__gte=period.start_at(), due_at__lt=period.end_at()
        )
        if key == "routines.on_time_rate":
            measured = due.exclude(Q(status=OccurrenceStatus.SKIPPED) & ~Q(skip_reason=""))
            if part == Part.DENOMINATOR:
                return measured
            return measured.filter(status=OccurrenceStatus.DONE, completed_at__lte=F("due_at"))
        if key == "routines.coverage":
            return due if part == Part.DENOMINATOR else due.filter(status=OccurrenceStatus.DONE)
        raise KeyError(key)
