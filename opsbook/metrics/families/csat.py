# ruff: noqa: S608  (SQL text built from table names and constants; values are parameters)
"""Satisfaction ratings and complaint follow-up visits (回访), over the tickets whose latest
resolution (``resolved_at``, as it stands now) is in the period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbook.tickets.choices import TicketType
from opsbook.tickets.models import FollowUp, Ticket

from ..periods import Period
from ..registry import Family, Metric, Part, Results, Scope, Unit, Value, Windows
from ..sql import TICKET_DIMENSIONS, combine, in_any_window, ratio, scan, ticket_source
from .common import ticket_scope_q


def M(key: str, name: Any, unit: str, better: bool | None, definition: Any) -> Metric:
    return Metric(key, name, unit, better, definition, TICKET_DIMENSIONS, family="csat")


METRICS = (
    M("csat.average", _("Average satisfaction rating"), Unit.SCORE, True,
      _("Mean rating (1–5) of the rated tickets among those whose latest resolution is in the "
        "period.")),
    M("csat.satisfied_share", _("Satisfied share"), Unit.RATIO, True,
      _("Ratings of 4 or 5 / ratings, over the rated tickets whose latest resolution is in the "
        "period.")),
    M("csat.response_rate", _("Rating response rate"), Unit.RATIO, True,
      _("Rated tickets / tickets whose latest resolution is in the period.")),
    M("complaints.followup_rate", _("Complaint follow-up rate"), Unit.RATIO, True,
      _("Complaints whose latest resolution is in the period that have at least one "
        "follow-up visit (回访) record / those complaints.")),
)  # fmt: skip


def _in(column: str) -> str:
    return f"{column} >= {{s}} AND {column} < {{e}}"


class CsatFamily(Family):
    name = "csat"
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
        resolved = _in("t.resolved_at")
        complaint = f"t.type = '{TicketType.COMPLAINT}'"
        aggs = {
            "resolved": f"CASE WHEN {resolved} THEN 1 ELSE 0 END",
            "rated": f"CASE WHEN {resolved} AND t.rating IS NOT NULL THEN 1 ELSE 0 END",
            "rating_sum": f"CASE WHEN {resolved} AND t.rating IS NOT NULL THEN t.rating ELSE 0 END",
            "satisfied": f"CASE WHEN {resolved} AND t.rating >= 4 THEN 1 ELSE 0 END",
        }
        if "complaints.followup_rate" in wanted:
            visits = f"EXISTS (SELECT 1 FROM {FollowUp._meta.db_table} f WHERE f.ticket_id = t.id)"
            aggs["complaints"] = f"CASE WHEN {resolved} AND {complaint} THEN 1 ELSE 0 END"
            aggs["visited"] = (
                f"CASE WHEN {resolved} AND {complaint} THEN "
                f"CASE WHEN {visits} THEN 1 ELSE 0 END ELSE 0 END"
            )
        part = scan(
            ticket_source(),
            aggs,
            where=in_any_window("t.resolved_at"),
            windows=windows,
            by=by,
            scope=scope,
        )
        results: Results = {}

        def average(total: float | None, n: float | None) -> Value:
            n = n or 0
            return Value(
                (total or 0) / n if n else None,
                numerator=float(total or 0),
                denominator=float(n),
                count=int(n),
            )

        combine(results, "csat.average", average, part["rating_sum"], part["rated"])
        combine(results, "csat.satisfied_share", ratio, part["satisfied"], part["rated"])
        combine(results, "csat.response_rate", ratio, part["rated"], part["resolved"])
        if "complaints" in part:
            combine(results, "complaints.followup_rate", ratio, part["visited"], part["complaints"])
        return {k: v for k, v in results.items() if k in wanted}

    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        tickets = Ticket.objects.filter(
            ticket_scope_q(scope),
            resolved_at__gte=period.start_at(),
            resolved_at__lt=period.end_at(),
        )
        rated = Q(rating__isnull=False)
        if key == "csat.average":
            return tickets.filter(rated)
        if key == "csat.satisfied_share":
            if part == Part.DENOMINATOR:
                return tickets.filter(rated)
            return tickets.filter(rating__gte=4)
        if key == "csat.response_rate":
            return tickets if part == Part.DENOMINATOR else tickets.filter(rated)
        if key == "complaints.followup_rate":
            complaints = tickets.filter(type=TicketType.COMPLAINT)
            if part == Part.DENOMINATOR:
                return complaints
            return complaints.filter(Exists(FollowUp.objects.filter(ticket=OuterRef("pk"))))
        raise KeyError(key)
