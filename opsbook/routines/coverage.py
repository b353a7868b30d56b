"""Coverage: of the work planned in a period, how much was done on time, done late, skipped,
missed, or is still open. One SQL query with conditional aggregation, grouped by content, owner
(the person the work is assigned to) or service item.

* A period is the days ``start`` to ``end`` (both included); an occurrence belongs to it by its
  due day.
* Planned: every occurrence of the period except cancelled ones (cancelled work was never
  owed: its content was retired or rescheduled).
* Done on time: completed at or before its due time (exactly at the due time is on time);
  done late: completed after it.
* Skipped, missed, open: by status; ``late`` counts the open ones already past their due time
  (they are also in ``open``).

``coverage(queryset, start, end, by=...)`` takes the caller's scoped queryset
(``access.occurrences_for_user``), so a person sees the coverage of the work they may see.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.db.models import Count, F, Q, QuerySet

from .choices import OccurrenceStatus
from .models import Occurrence

By = Literal["content", "owner", "item"]
GROUPS: tuple[By, ...] = ("content", "owner", "item")
MEASURES = ("planned", "done_on_time", "done_late", "skipped", "missed", "open", "late")


@dataclass(frozen=True)
class CoverageRow:
    key: int | None  # the content, user or item id (None: nobody assigned)
    label: str
    code: str
    planned: int
    done_on_time: int
    done_late: int
    skipped: int
    missed: int
    open: int
    late: int

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def rate(self) -> float | None:
        """Done (on time or late) out of what was planned and is no longer open, in percent."""
        settled = self.planned - self.open
        return round(100 * self.done / settled, 1) if settled else None

    @property
    def on_time_rate(self) -> float | None:
        settled = self.planned - self.open
        return round(100 * self.done_on_time / settled, 1) if settled else None


def measures(now: datetime) -> dict[str, Count]:
    """The conditional counts, by name (``late`` depends on ``now``)."""
    done = Q(status=OccurrenceStatus.DONE)
    return {
        "planned": Count("pk"),
        "done_on_time": Count("pk", filter=done & Q(completed_at__lte=F("due_at"))),
        "done_late": Count("pk", filter=done & Q(completed_at__gt=F("due_at"))),
        "skipped": Count("pk", filter=Q(status=OccurrenceStatus.SKIPPED)),
        "missed": Count("pk", filter=Q(status=OccurrenceStatus.MISSED)),
        "open": Count("pk", filter=Q(status=OccurrenceStatus.OPEN)),
        "late": Count("pk", filter=Q(status=OccurrenceStatus.OPEN, due_at__lt=now)),
    }


GROUP_FIELDS: dict[str, tuple[str, str, str]] = {
    # by → (key, label, code)
    "content": ("content_id", "content__name", "content__code"),
    "item": ("content__item_id", "content__item__name", "content__item__code"),
    "owner": ("assignee_id", "assignee__display_name", "assignee__username"),
}


def in_period(queryset: QuerySet[Occurrence], start: date, end: date) -> QuerySet[Occurrence]:
    return queryset.filter(due_on__gte=start, due_on__lte=end).exclude(
        status=OccurrenceStatus.CANCELLED
    )


def coverage(
    queryset: QuerySet[Occurrence],
    start: date,
    end: date,
    by: By = "content",
    *,
    now: datetime,
) -> list[CoverageRow]:
    """One row per content, owner or item with work due in ``[start, end]``; one query."""
    if by not in GROUP_FIELDS:
        raise ValueError(f"coverage by {by!r}: choose one of {', '.join(GROUPS)}")
    key, label, code = GROUP_FIELDS[by]
    rows = (
        in_period(queryset, start, end)
        .order_by()
        .values(key, label, code)
        .annotate(**measures(now))
        .order_by(code, key)
    )
    return [
        CoverageRow(
            key=row[key],
            label=row[label] or row[code] or "",
            code=row[code] or "",
            **{name: row[name] for name in MEASURES},
        )
        for row in rows
    ]


def totals(queryset: QuerySet[Occurrence], start: date, end: date, *, now: datetime) -> CoverageRow:
    """The same counts over everything in the period (one query)."""
    row = in_period(queryset, start, end).order_by().aggregate(**measures(now))
    return CoverageRow(key=None, label="", code="", **{name: row[name] for name in MEASURES})
