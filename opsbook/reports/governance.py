"""The governance view's figures, month by month per template: the deadline, the first
submission (on time, or late by how many working days on the organisation's default calendar),
how often the report was returned, its published versions and the readers' ratings (average,
count) and comments. Read only; staff see it (``views/workflow.governance_page``, the API)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet

from opsbook.metrics.periods import org_tz

from . import deadlines
from .choices import CommentKind
from .models import Feedback, Report
from .services import submitted_on_time

MAX_MONTHS = 24


@dataclass
class VersionRow:
    number: int
    published_at: datetime
    change_note: str
    rating_average: float | None
    rating_count: int


@dataclass
class ReportRow:
    report: Report
    template: str
    status: str
    deadline: date | None
    submitted_at: datetime | None
    on_time: bool | None
    late_working_days: int
    returns: int
    versions: list[VersionRow] = field(default_factory=list)
    rating_average: float | None = None
    rating_count: int = 0
    comments: list[tuple[str, int, str]] = field(default_factory=list)  # reader, rating, text


@dataclass
class MonthRow:
    period: str
    reports: list[ReportRow]


def working_day_test() -> Callable[[date], bool]:
    """Whether a date is a working day on the organisation's calendar (``deadlines``)."""
    calendar = deadlines.default_calendar()
    return lambda day: deadlines.is_working_day(day, calendar)


def working_days_late(
    deadline: date | None, submitted: datetime | None, is_working: Callable[[date], bool]
) -> int:
    """Working days after the deadline up to and including the day of submission (0 when on
    time or not known)."""
    if deadline is None or submitted is None:
        return 0
    day = submitted.astimezone(org_tz()).date()
    count, current = 0, deadline + timedelta(days=1)
    while current <= day and count < 400:
        count += is_working(current)
        current += timedelta(days=1)
    return count


def months_for(reports: QuerySet[Report], *, limit: int = MAX_MONTHS) -> list[MonthRow]:
    """The latest ``limit`` months of ``reports`` (a permission-scoped queryset), newest first."""
    periods = list(reports.order_by("-period").values_list("period", flat=True).distinct()[:limit])
    chosen = list(
        reports.filter(period__in=periods)
        .select_related("template")
        .annotate(returns=Count("comments", filter=Q(comments__kind=CommentKind.RETURN)))
        .prefetch_related("versions")
        .order_by("-period", "template__name", "pk")
    )
    ratings = {
        row["version_id"]: (row["average"], row["count"])
        for row in Feedback.objects.filter(version__report__in=[r.pk for r in chosen])
        .values("version_id")
        .annotate(average=Avg("rating"), count=Count("id"))
    }
    notes: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for item in (
        Feedback.objects.filter(version__report__in=[r.pk for r in chosen])
        .exclude(comment="")
        .select_related("reader", "version")
        .order_by("-created_at")
    ):
        notes[item.version.report_id].append((item.reader.label, item.rating, item.comment))
    is_working = working_day_test()
    months: dict[str, list[ReportRow]] = defaultdict(list)
    for report in chosen:
        on_time = submitted_on_time(report)
        row = ReportRow(
            report=report,
            template=report.template.name,
            status=report.status,
            deadline=report.deadline,
            submitted_at=report.submitted_at,
            on_time=on_time,
            late_working_days=0
            if on_time is not False
            else working_days_late(report.deadline, report.submitted_at, is_working),
            returns=report.returns,
            comments=notes.get(report.pk, []),
        )
        total = count = 0.0
        for version in sorted(report.versions.all(), key=lambda v: v.number):
            average, n = ratings.get(version.pk, (None, 0))
            row.versions.append(
                VersionRow(version.number, version.published_at, version.change_note, average, n)
            )
            if average is not None:
                total += average * n
                count += n
        row.rating_count = int(count)
        row.rating_average = round(total / count, 2) if count else None
        months[report.period].append(row)
    return [MonthRow(period, rows) for period, rows in months.items()]


def as_json(months: Iterable[MonthRow]) -> list[dict]:
    """The governance rows as plain data (the API)."""
    return [
        {
            "period": month.period,
            "reports": [
                {
                    "report_id": row.report.pk,
                    "template": row.template,
                    "status": row.status,
                    "deadline": row.deadline,
                    "submitted_at": row.submitted_at,
                    "on_time": row.on_time,
                    "late_working_days": row.late_working_days,
                    "returns": row.returns,
                    "versions": [
                        {
                            "number": v.number,
                            "published_at": v.published_at,
                            "change_note": v.change_note,
                            "rating_average": v.rating_average,
                            "rating_count": v.rating_count,
                        }
                        for v in row.versions
                    ],
                    "rating_average": row.rating_average,
                    "rating_count": row.rating_count,
                    "comments": [
                        {"reader": reader, "rating": rating, "comment": text}
                        for reader, rating, text in row.comments
                    ],
                }
                for row in month.reports
            ],
        }
        for month in months
    ]
