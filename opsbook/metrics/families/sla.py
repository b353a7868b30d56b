"""SLA targets met and breached. Each ticket's target counts once, in the period of its
outcome: a met response target at the first public staff reply, a met resolution target at the
ticket's latest resolution, a breached one at its due instant. Targets still running, and those
of tickets cancelled before an outcome, have no outcome and do not count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbook.tickets.models import Ticket

from ..periods import Period
from ..registry import Family, Metric, Part, Results, Scope, Unit, Windows
from ..sql import TICKET_DIMENSIONS, combine, count, in_any_window, ratio, scan, ticket_source
from .common import ticket_scope_q


def M(key: str, name: Any, unit: str, better: bool | None, definition: Any) -> Metric:
    return Metric(key, name, unit, better, definition, TICKET_DIMENSIONS, family="sla")


METRICS = (
    M("sla.response.met_rate", _("First response within SLA"), Unit.RATIO, True,
      _("Response targets met / (met + breached). A ticket's response target is met when it "
        "has a due instant and was not breached, counted in the period of its first public "
        "staff reply; breached, counted in the period of its due instant. Running targets and "
        "those of tickets cancelled before an outcome do not count.")),
    M("sla.resolution.met_rate", _("Resolution within SLA"), Unit.RATIO, True,
      _("Resolution targets met / (met + breached). Met: a due instant and not breached, "
        "counted in the period of the ticket's latest resolution; breached: counted in the "
        "period of the due instant. Running targets and those of tickets cancelled before an "
        "outcome do not count.")),
    M("sla.response.breached", _("Response targets breached"), Unit.COUNT, False,
      _("Tickets whose response target is breached, counted in the period of its due "
        "instant.")),
    M("sla.resolution.breached", _("Resolution targets breached"), Unit.COUNT, False,
      _("Tickets whose resolution target is breached, counted in the period of its due "
        "instant.")),
)  # fmt: skip

# clock → (the instant a met target counts at, ORM name of it)
CLOCKS = {"response": "first_response_at", "resolution": "resolved_at"}


class SlaFamily(Family):
    name = "sla"
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
        clocks = [c for c in CLOCKS if any(k.startswith(f"sla.{c}.") for k in wanted)]
        results: Results = {}
        if not clocks:
            return results
        aggs = {}
        where = []
        for clock in clocks:
            at = f"t.{CLOCKS[clock]}"
            due = f"t.{clock}_due_at"
            flag = f"t.{clock}_breached"
            aggs[f"{clock}_met"] = (
                f"CASE WHEN {at} >= {{s}} AND {at} < {{e}} AND {due} IS NOT NULL "
                f"AND NOT {flag} THEN 1 ELSE 0 END"
            )
            aggs[f"{clock}_breached"] = (
                f"CASE WHEN {due} >= {{s}} AND {due} < {{e}} AND {flag} THEN 1 ELSE 0 END"
            )
            where += [in_any_window(at), in_any_window(due)]
        part = scan(
            ticket_source(), aggs, where=" OR ".join(where), windows=windows, by=by, scope=scope
        )
        for clock in clocks:
            met, breached = part[f"{clock}_met"], part[f"{clock}_breached"]
            combine(
                results, f"sla.{clock}.met_rate", lambda m, b: ratio(m, (m or 0) + (b or 0)),
                met, breached,
            )  # fmt: skip
            combine(results, f"sla.{clock}.breached", count, breached)
        return {k: v for k, v in results.items() if k in wanted}

    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        clock = key.split(".")[1]
        if clock not in CLOCKS:
            raise KeyError(key)
        start, end = period.start_at(), period.end_at()
        at, due, flag = CLOCKS[clock], f"{clock}_due_at", f"{clock}_breached"
        breached = Q(**{f"{due}__gte": start, f"{due}__lt": end, flag: True})
        met = Q(**{f"{at}__gte": start, f"{at}__lt": end, f"{due}__isnull": False, flag: False})
        tickets = Ticket.objects.filter(ticket_scope_q(scope))
        if key.endswith(".breached"):
            return tickets.filter(breached)
        if part == Part.DENOMINATOR:
            return tickets.filter(met | breached)
        return tickets.filter(met)
