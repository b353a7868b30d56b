# ruff: noqa: S608  (SQL text built from table names and constants; values are parameters)
"""Ticket volumes, resolution, reopening, backlog and durations.

Which instant decides the period: ``created_at`` (created, complaints, resolution rate), the
status event's ``at`` (resolved, reopened), the ticket's first public staff reply
``first_response_at`` and latest resolution ``resolved_at`` (durations, first-contact
resolution), and the end of the period for the point-in-time counts (backlog, breached open).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, When
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from opsbook.tickets.choices import OPEN_STATUSES, EventKind, Status, TicketType
from opsbook.tickets.models import Comment, Ticket, TicketEvent

from ..periods import Period
from ..registry import Dimension, Family, Metric, Part, Results, Scope, Unit, Windows
from ..sql import (
    TICKET_DIMENSIONS,
    combine,
    count,
    distribution,
    dt,
    in_any_window,
    ratio,
    scan,
    ticket_source,
)
from .common import ticket_scope_q

OPEN = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
DONE = f"'{Status.RESOLVED}', '{Status.CLOSED}'"
STATUS_KINDS = f"'{EventKind.STATUS}', '{EventKind.CREATED}'"


def M(key: str, name: Any, unit: str, better: bool | None, definition: Any, **kw: Any) -> Metric:
    dimensions = TICKET_DIMENSIONS | kw.pop("extra_dimensions", frozenset())
    return Metric(key, name, unit, better, definition, dimensions, family="tickets", **kw)


METRICS = (
    M("tickets.created", _("Tickets created"), Unit.COUNT, None,
      _("Tickets created in the period (every status, cancelled included); the instant that "
        "decides the period is the ticket's creation."),
      extra_dimensions=frozenset({Dimension.HOUR})),
    M("tickets.complaints", _("Complaints"), Unit.COUNT, False,
      _("Tickets of type complaint created in the period.")),
    M("tickets.complaint_rate", _("Complaint rate"), Unit.RATIO, False,
      _("Complaints created in the period / tickets created in the period.")),
    M("tickets.resolved", _("Resolutions"), Unit.COUNT, True,
      _("Status changes to resolved in the period (a ticket resolved twice counts twice).")),
    M("tickets.resolution_rate", _("Resolution rate"), Unit.RATIO, True,
      _("Tickets created in the period whose status at the end of the period is resolved or "
        "closed / tickets created in the period.")),
    M("tickets.reopen_rate", _("Reopen rate"), Unit.RATIO, False,
      _("Status changes from resolved or closed back to an open status in the period / "
        "status changes to resolved in the period.")),
    M("tickets.backlog", _("Backlog at period end"), Unit.COUNT, False,
      _("Tickets created before the end of the period whose status at the end of the period "
        "is new, acknowledged, in progress or waiting on the customer (point in time, "
        "snapshotted at period close)."),
      point_in_time=True),
    M("tickets.breached_open", _("Open past SLA at period end"), Unit.COUNT, False,
      _("Backlog tickets (open at the end of the period) whose response or resolution target "
        "was breached with a due instant before the end of the period (point in time, "
        "snapshotted at period close)."),
      point_in_time=True),
    M("tickets.first_contact_resolution_rate", _("First-contact resolution rate"), Unit.RATIO,
      True,
      _("Tickets whose latest resolution is in the period, never reopened and with at most "
        "one public staff reply / tickets whose latest resolution is in the period.")),
    M("tickets.first_response.median", _("Median first response time"), Unit.SECONDS, False,
      _("Median of the business seconds to the first public staff reply, over tickets whose "
        "first public staff reply is in the period (linear interpolation).")),
    M("tickets.first_response.p90", _("First response time, 90th percentile"), Unit.SECONDS,
      False,
      _("90th percentile of the business seconds to the first public staff reply, over "
        "tickets whose first public staff reply is in the period (linear interpolation).")),
    M("tickets.first_response.mean", _("Mean response time"), Unit.SECONDS, False,
      _("Mean of the business seconds to the first public staff reply, over tickets whose "
        "first public staff reply is in the period.")),
    M("tickets.resolution_time.median", _("Median resolution time"), Unit.SECONDS, False,
      _("Median of the business seconds to resolution (pauses excluded), over tickets whose "
        "latest resolution is in the period (linear interpolation).")),
    M("tickets.resolution_time.p90", _("Resolution time, 90th percentile"), Unit.SECONDS, False,
      _("90th percentile of the business seconds to resolution (pauses excluded), over "
        "tickets whose latest resolution is in the period (linear interpolation).")),
    M("tickets.resolution_time.mean", _("Mean handling time"), Unit.SECONDS, False,
      _("Mean of the business seconds to resolution (pauses excluded), over tickets whose "
        "latest resolution is in the period.")),
)  # fmt: skip

CREATED_KEYS = {
    "tickets.created",
    "tickets.complaints",
    "tickets.complaint_rate",
    "tickets.resolution_rate",
}
EVENT_KEYS = {"tickets.resolved", "tickets.reopen_rate"}
POINT_KEYS = {"tickets.backlog", "tickets.breached_open"}
FIRST_RESPONSE = "tickets.first_response."
RESOLUTION_TIME = "tickets.resolution_time."
FCR = "tickets.first_contact_resolution_rate"


def _tables() -> dict[str, str]:
    return {
        "ev": TicketEvent._meta.db_table,
        "tk": Ticket._meta.db_table,
        "cm": Comment._meta.db_table,
    }


def status_at_end(i: int) -> str:
    """The ticket's status at the end of window ``i``: its current status unless a status
    event happened at or after that instant, then the last one before it."""
    tb = _tables()
    return (
        f"CASE WHEN EXISTS (SELECT 1 FROM {tb['ev']} ee WHERE ee.ticket_id = t.id "
        f"AND ee.kind IN ({STATUS_KINDS}) AND ee.at >= %(e{i})s) "
        f"THEN COALESCE((SELECT eb.to_status FROM {tb['ev']} eb WHERE eb.ticket_id = t.id "
        f"AND eb.kind IN ({STATUS_KINDS}) AND eb.at < %(e{i})s "
        f"ORDER BY eb.at DESC, eb.id DESC LIMIT 1), '{Status.NEW}') "
        "ELSE t.status END"
    )


def _in(column: str) -> str:
    return f"{column} >= {{s}} AND {column} < {{e}}"


class TicketsFamily(Family):
    name = "tickets"
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
        src = ticket_source()
        tb = _tables()
        results: Results = {}
        if wanted & CREATED_KEYS:
            aggs = {
                "created": f"CASE WHEN {_in('t.created_at')} THEN 1 ELSE 0 END",
                "complaints": (
                    f"CASE WHEN {_in('t.created_at')} AND t.type = '{TicketType.COMPLAINT}' "
                    "THEN 1 ELSE 0 END"
                ),
            }
            if "tickets.resolution_rate" in wanted:
                aggs["done_at_end"] = (
                    f"CASE WHEN {_in('t.created_at')} THEN CASE WHEN (STATUS_AT_END) "
                    f"IN ({DONE}) THEN 1 ELSE 0 END ELSE 0 END"
                )
            part = _scan_with_status(
                src, aggs, where=in_any_window("t.created_at"), windows=windows, by=by,
                scope=scope,
            )  # fmt: skip
            combine(results, "tickets.created", count, part["created"])
            combine(results, "tickets.complaints", count, part["complaints"])
            combine(results, "tickets.complaint_rate", ratio, part["complaints"], part["created"])
            if "done_at_end" in part:
                combine(
                    results, "tickets.resolution_rate", ratio, part["done_at_end"], part["created"]
                )
        if wanted & EVENT_KEYS:
            part = scan(
                src,
                {
                    "resolved": (
                        f"CASE WHEN {_in('e.at')} AND e.to_status = '{Status.RESOLVED}' "
                        "THEN 1 ELSE 0 END"
                    ),
                    "reopened": (
                        f"CASE WHEN {_in('e.at')} AND e.from_status IN ({DONE}) "
                        f"AND e.to_status IN ({OPEN}) THEN 1 ELSE 0 END"
                    ),
                },
                where=f"e.kind = '{EventKind.STATUS}' AND {in_any_window('e.at')}",
                windows=windows,
                by=by,
                scope=scope,
                base_from=f"{tb['ev']} e JOIN {tb['tk']} t ON t.id = e.ticket_id",
            )
            combine(results, "tickets.resolved", count, part["resolved"])
            combine(results, "tickets.reopen_rate", ratio, part["reopened"], part["resolved"])
        if wanted & POINT_KEYS:
            open_at_end = f"(STATUS_AT_END) IN ({OPEN})"
            breached = (
                "((t.response_breached AND t.response_due_at < {e}) "
                "OR (t.resolution_breached AND t.resolution_due_at < {e}))"
            )
            # Candidates: tickets open now, and those with a status change after the earliest
            # window's end (the only ones whose status then may differ from now).
            candidates = (
                f"t.created_at < %(e_max)s AND t.id IN ("
                f"SELECT o.id FROM {tb['tk']} o WHERE o.status IN ({OPEN}) "
                f"UNION SELECT l.ticket_id FROM {tb['ev']} l WHERE l.kind IN ({STATUS_KINDS}) "
                "AND l.at >= %(e_min)s)"
            )
            ends = [p.end_at() for _w, p in windows.items()]
            part = _scan_with_status(
                src,
                {
                    "backlog": (
                        "CASE WHEN t.created_at < {e} THEN "
                        f"CASE WHEN {open_at_end} THEN 1 ELSE 0 END ELSE 0 END"
                    ),
                    "breached_open": (
                        f"CASE WHEN t.created_at < {{e}} AND {breached} THEN "
                        f"CASE WHEN {open_at_end} THEN 1 ELSE 0 END ELSE 0 END"
                    ),
                },
                where=candidates,
                windows=windows,
                by=by,
                scope=scope,
                extra_params={"e_max": dt(max(ends)), "e_min": dt(min(ends))},
            )
            combine(results, "tickets.backlog", count, part["backlog"])
            combine(results, "tickets.breached_open", count, part["breached_open"])
        if FCR in wanted:
            replies = (
                f"(SELECT COUNT(*) FROM {tb['cm']} c WHERE c.ticket_id = t.id "
                "AND c.is_public AND NOT c.by_customer)"
            )
            part = scan(
                src,
                {
                    "resolved": f"CASE WHEN {_in('t.resolved_at')} THEN 1 ELSE 0 END",
                    "first": (
                        f"CASE WHEN {_in('t.resolved_at')} AND t.reopened_count = 0 THEN "
                        f"CASE WHEN {replies} <= 1 THEN 1 ELSE 0 END ELSE 0 END"
                    ),
                },
                where=in_any_window("t.resolved_at"),
                windows=windows,
                by=by,
                scope=scope,
            )
            combine(results, FCR, ratio, part["first"], part["resolved"])
        for prefix, column, instant in (
            (FIRST_RESPONSE, "t.response_business_seconds", "t.first_response_at"),
            (RESOLUTION_TIME, "t.resolution_business_seconds", "t.resolved_at"),
        ):
            stats = [k for k in wanted if k.startswith(prefix)]
            if not stats:
                continue
            dist = distribution(
                src, column, instant, where="1=1", windows=windows, by=by, scope=scope
            )
            for key in stats:
                results[key] = dist[key.removeprefix(prefix)]
        return results

    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        start, end = period.start_at(), period.end_at()
        tickets = Ticket.objects.filter(ticket_scope_q(scope))
        created = Q(created_at__gte=start, created_at__lt=end)
        if key == "tickets.created":
            return tickets.filter(created)
        if key == "tickets.complaints":
            return tickets.filter(created, type=TicketType.COMPLAINT)
        if key == "tickets.complaint_rate":
            if part == Part.DENOMINATOR:
                return tickets.filter(created)
            return tickets.filter(created, type=TicketType.COMPLAINT)
        if key == "tickets.resolution_rate":
            if part == Part.DENOMINATOR:
                return tickets.filter(created)
            return (
                tickets.filter(created)
                .alias(end_status=_status_at(end))
                .filter(end_status__in=[Status.RESOLVED, Status.CLOSED])
            )
        in_p = {"events__at__gte": start, "events__at__lt": end, "events__kind": EventKind.STATUS}
        if key == "tickets.resolved" or (key == "tickets.reopen_rate" and part == Part.DENOMINATOR):
            # One row per resolution: a ticket resolved twice is listed twice.
            return tickets.filter(**in_p, events__to_status=Status.RESOLVED)
        if key == "tickets.reopen_rate":
            return tickets.filter(
                **in_p,
                events__from_status__in=[Status.RESOLVED, Status.CLOSED],
                events__to_status__in=sorted(OPEN_STATUSES),
            )
        if key in POINT_KEYS:
            rows = (
                tickets.filter(created_at__lt=end)
                .alias(end_status=_status_at(end))
                .filter(end_status__in=sorted(OPEN_STATUSES))
            )
            if key == "tickets.breached_open":
                rows = rows.filter(
                    Q(response_breached=True, response_due_at__lt=end)
                    | Q(resolution_breached=True, resolution_due_at__lt=end)
                )
            return rows
        resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
        if key == FCR:
            if part == Part.DENOMINATOR:
                return tickets.filter(resolved)
            return (
                tickets.filter(resolved, reopened_count=0)
                .alias(
                    replies=Count(
                        "comments",
                        filter=Q(comments__is_public=True, comments__by_customer=False),
                    )
                )
                .filter(replies__lte=1)
            )
        if key.startswith(FIRST_RESPONSE):
            return tickets.filter(
                first_response_at__gte=start,
                first_response_at__lt=end,
                response_business_seconds__isnull=False,
            )
        if key.startswith(RESOLUTION_TIME):
            return tickets.filter(resolved, resolution_business_seconds__isnull=False)
        raise KeyError(key)


def _status_at(end: datetime) -> Any:
    """The ORM twin of ``status_at_end``, for drill-down lists."""
    events = TicketEvent.objects.filter(
        ticket=OuterRef("pk"), kind__in=[EventKind.STATUS, EventKind.CREATED]
    )
    before = events.filter(at__lt=end).order_by("-at", "-id").values("to_status")[:1]
    return Case(
        When(Exists(events.filter(at__gte=end)), then=Coalesce(Subquery(before), V(Status.NEW))),
        default="status",
    )


def _scan_with_status(src: Any, aggs: dict[str, str], **kw: Any) -> Any:
    """``scan`` with ``STATUS_AT_END`` standing for window ``i``'s status expression."""
    templates = {name: t.replace("STATUS_AT_END", "{status}") for name, t in aggs.items()}
    return scan(src, templates, per_window=lambda i: {"status": status_at_end(i)}, **kw)
