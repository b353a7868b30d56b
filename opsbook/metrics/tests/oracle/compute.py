"""Every built-in metric recomputed in plain Python, from the issue's definitions alone.

The rows are fetched once as plain values (tickets, their creation and status events, their
follow-up visits, routine occurrences); everything after that is ordinary Python: no SQL
aggregate, no code of the engine. ``P`` runs from its first instant (midnight in the
organisation's zone) up to, not including, the next period's first instant.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsbook.metrics.periods import Period, org_tz
from opsbook.metrics.registry import NONE_CODE
from opsbook.routines.models import Occurrence
from opsbook.tickets.models import Comment, FollowUp, Ticket, TicketEvent

OPEN = {"new", "acknowledged", "in_progress", "waiting"}
DONE = {"resolved", "closed"}

COUNTS = (
    "tickets.created",
    "tickets.complaints",
    "tickets.resolved",
    "tickets.backlog",
    # The metrics docs/users/metrics.md adds to the table, from their definitions there.
    "tickets.breached_open",
    "sla.response.breached",
    "sla.resolution.breached",
)
RATES = (
    "tickets.complaint_rate",
    "tickets.resolution_rate",
    "tickets.reopen_rate",
    "sla.response.met_rate",
    "sla.resolution.met_rate",
    "csat.satisfied_share",
    "csat.response_rate",
    "complaints.followup_rate",
    "routines.on_time_rate",
    "routines.coverage",
    "tickets.first_contact_resolution_rate",
)
PERCENTILES = (
    "tickets.first_response.median",
    "tickets.first_response.p90",
    "tickets.resolution_time.median",
    "tickets.resolution_time.p90",
)
MEANS = ("csat.average", "tickets.first_response.mean", "tickets.resolution_time.mean")
KEYS = COUNTS + RATES + PERCENTILES + MEANS
ROUTINE_KEYS = ("routines.on_time_rate", "routines.coverage")

# dimension → the field of a ticket row / of an occurrence row holding its code
TICKET_DIMENSIONS = {
    "type": "type",
    "channel": "channel",
    "priority": "priority",
    "item": "item__code",
    "category": "item__category__code",
    "content": "content__code",
    "owner": "assignee__username",
    "team": "team__name",
    "customer": "customer__code",
    "hour": "created_hour",  # "00"–"23", the hour of creation in the organisation's zone
}
OCCURRENCE_DIMENSIONS = {
    "item": "content__item__code",
    "category": "content__item__category__code",
    "content": "content__code",
    "owner": "assignee__username",
    "team": "team__name",
}


def percentile_cont(values: Iterable[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: linear interpolation between the two closest ranks of
    the sorted values, at position ``fraction × (n − 1)``; None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: list) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Figure:
    """One oracle figure: the value, and for rates their numerator and denominator."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None


def average_or(values: list, key: str) -> "Figure":
    """The mean, median or p90 of ``values`` as ``key`` names it."""
    if key.endswith(".mean"):
        return Figure(mean(values))
    return Figure(percentile_cont(values, 0.5 if key.endswith("median") else 0.9))


def rate(numerator: int, denominator: int) -> Figure:
    return Figure(numerator / denominator if denominator else None, numerator, denominator)


def count(n: int) -> Figure:
    return Figure(n, n, None)


class Rows:
    """The plain values the oracle works from, fetched once."""

    def __init__(self) -> None:
        ticket_fields = [
            "id",
            "created_at",
            "status",
            "type",
            "first_response_at",
            "resolved_at",
            "rating",
            "response_target_seconds",
            "resolution_target_seconds",
            "response_due_at",
            "resolution_due_at",
            "response_breached",
            "resolution_breached",
            "response_business_seconds",
            "resolution_business_seconds",
            *(f for f in TICKET_DIMENSIONS.values() if f != "created_hour"),
        ]
        self.tickets = {row["id"]: row for row in Ticket.objects.values(*set(ticket_fields))}
        zone = org_tz()
        for row in self.tickets.values():
            row["created_hour"] = f"{row['created_at'].astimezone(zone).hour:02d}"
        # Each ticket's creation and status changes, in the order they happened.
        self.changes: dict[int, list[Any]] = {pk: [] for pk in self.tickets}
        events = TicketEvent.objects.filter(kind__in=["created", "status"]).exclude(to_status="")
        for event in events.values("id", "ticket_id", "at", "kind", "from_status", "to_status"):
            self.changes[event["ticket_id"]].append(event)
        for history in self.changes.values():
            history.sort(key=lambda e: (e["at"], e["kind"] != "created", e["id"]))
        self.visited = set(FollowUp.objects.values_list("ticket_id", flat=True))
        # Public replies by staff (not written by the customer), by ticket.
        self.staff_replies: dict[int, int] = {}
        for ticket_id in Comment.objects.filter(is_public=True, by_customer=False).values_list(
            "ticket_id", flat=True
        ):
            self.staff_replies[ticket_id] = self.staff_replies.get(ticket_id, 0) + 1
        self._at_end: dict[tuple[int, datetime], str | None] = {}
        self._latest: dict[int, datetime | None] = {}
        self.occurrences = list(
            Occurrence.objects.values(
                "id", "status", "due_at", "completed_at", *OCCURRENCE_DIMENSIONS.values()
            )
        )

    # --- facts about one ticket --------------------------------------------------------------
    def status_at_end(self, pk: int, end: datetime) -> str | None:
        """The status after every change before ``end`` (None: not created yet)."""
        if (pk, end) in self._at_end:
            return self._at_end[pk, end]
        status = None
        for event in self.changes[pk]:
            if event["at"] >= end:
                break
            status = event["to_status"]
        self._at_end[pk, end] = status
        return status

    def reopenings(self, pk: int) -> int:
        """How many times the ticket went from resolved or closed back to an open status."""
        return sum(
            1 for e in self.changes[pk] if e["from_status"] in DONE and e["to_status"] in OPEN
        )

    def latest_resolution(self, pk: int) -> datetime | None:
        """When the ticket as it stands was last resolved (None unless resolved or closed)."""
        if pk not in self._latest:
            resolutions = [e["at"] for e in self.changes[pk] if e["to_status"] == "resolved"]
            done = self.tickets[pk]["status"] in DONE and resolutions
            self._latest[pk] = resolutions[-1] if done else None
        return self._latest[pk]


Filter = Callable[[dict], bool]


class Oracle:
    """``figure(key, period, keep)``: the value of ``key`` in ``period`` over the tickets (or
    occurrences) for which ``keep(row)`` holds."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    def figure(self, key: str, period: Period, keep: Filter = lambda row: True) -> Figure:
        start, end = period.start_at(), period.end_at()

        def inside(instant: datetime | None) -> bool:
            return instant is not None and start <= instant < end

        r = self.rows
        if key in ROUTINE_KEYS:
            return self._routines(key, [o for o in r.occurrences if keep(o)], inside)
        tickets = [t for t in r.tickets.values() if keep(t)]
        created = [t for t in tickets if inside(t["created_at"])]
        complaints = [t for t in created if t["type"] == "complaint"]
        if key == "tickets.created":
            return count(len(created))
        if key == "tickets.complaints":
            return count(len(complaints))
        if key == "tickets.complaint_rate":
            return rate(len(complaints), len(created))
        resolutions = [
            e
            for t in tickets
            for e in r.changes[t["id"]]
            if e["kind"] == "status" and e["to_status"] == "resolved" and inside(e["at"])
        ]
        if key == "tickets.resolved":
            return count(len(resolutions))
        if key == "tickets.resolution_rate":
            done = [t for t in created if r.status_at_end(t["id"], end) in DONE]
            return rate(len(done), len(created))
        if key == "tickets.reopen_rate":
            reopenings = [
                e
                for t in tickets
                for e in r.changes[t["id"]]
                if e["kind"] == "status"
                and e["from_status"] in DONE
                and e["to_status"] in OPEN
                and inside(e["at"])
            ]
            return rate(len(reopenings), len(resolutions))
        backlog = [
            t for t in tickets if t["created_at"] < end and r.status_at_end(t["id"], end) in OPEN
        ]
        if key == "tickets.backlog":
            return count(len(backlog))
        if key == "tickets.breached_open":
            return count(
                sum(
                    1
                    for t in backlog
                    if any(
                        t[f"{clock}_breached"] and t[f"{clock}_due_at"] < end
                        for clock in ("response", "resolution")
                    )
                )
            )
        if key in ("sla.response.breached", "sla.resolution.breached"):
            clock = key.split(".")[1]
            return count(
                sum(1 for t in tickets if t[f"{clock}_breached"] and inside(t[f"{clock}_due_at"]))
            )
        if key in ("sla.response.met_rate", "sla.resolution.met_rate"):
            return self._sla(key.split(".")[1], tickets, inside)
        if key.startswith("tickets.first_response."):
            values = [
                t["response_business_seconds"]
                for t in tickets
                if inside(t["first_response_at"]) and t["response_business_seconds"] is not None
            ]
            return average_or(values, key)
        resolved = [t for t in tickets if inside(r.latest_resolution(t["id"]))]
        if key == "tickets.first_contact_resolution_rate":
            first_contact = [
                t
                for t in resolved
                if r.reopenings(t["id"]) == 0 and r.staff_replies.get(t["id"], 0) <= 1
            ]
            return rate(len(first_contact), len(resolved))
        if key.startswith("tickets.resolution_time."):
            values = [
                t["resolution_business_seconds"]
                for t in resolved
                if t["resolution_business_seconds"] is not None
            ]
            return average_or(values, key)
        ratings = [t["rating"] for t in resolved if t["rating"] is not None]
        if key == "csat.average":
            return Figure(mean(ratings))
        if key == "csat.satisfied_share":
            return rate(sum(1 for x in ratings if x >= 4), len(ratings))
        if key == "csat.response_rate":
            return rate(len(ratings), len(resolved))
        if key == "complaints.followup_rate":
            resolved_complaints = [t for t in resolved if t["type"] == "complaint"]
            visited = [t for t in resolved_complaints if t["id"] in r.visited]
            return rate(len(visited), len(resolved_complaints))
        raise KeyError(key)

    def _sla(
        self, clock: str, tickets: list[dict], inside: Callable[[datetime | None], bool]
    ) -> Figure:
        """Met at the first public staff reply (response) or the latest resolution
        (resolution); breached at the due instant; each target once; running ones and those of
        tickets cancelled before an outcome are left out."""
        met = breached = 0
        for t in tickets:
            if t[f"{clock}_target_seconds"] is None:
                continue
            if t[f"{clock}_breached"]:
                breached += inside(t[f"{clock}_due_at"])
                continue
            if clock == "response":
                outcome = t["first_response_at"]
            else:
                outcome = self.rows.latest_resolution(t["id"])
            met += inside(outcome)
        return rate(met, met + breached)

    @staticmethod
    def _routines(
        key: str, occurrences: list[dict], inside: Callable[[datetime | None], bool]
    ) -> Figure:
        """Occurrences due in P, except cancelled ones (never owed: the routines' coverage
        report leaves them out too); on time = done by the due time; the on-time rate leaves
        skipped ones out of its denominator."""
        due = [o for o in occurrences if inside(o["due_at"]) and o["status"] != "cancelled"]
        done = [o for o in due if o["status"] == "done"]
        if key == "routines.coverage":
            return rate(len(done), len(due))
        on_time = [o for o in done if o["completed_at"] <= o["due_at"]]
        return rate(len(on_time), len([o for o in due if o["status"] != "skipped"]))

    # --- cuts by a dimension ---------------------------------------------------------------
    def codes(self, key: str, dimension: str) -> set[str]:
        """Every code the rows of ``key`` hold in ``dimension`` ("" for none)."""
        if key in ROUTINE_KEYS:
            field = OCCURRENCE_DIMENSIONS[dimension]
            return {o[field] or NONE_CODE for o in self.rows.occurrences}
        field = TICKET_DIMENSIONS[dimension]
        return {t[field] or NONE_CODE for t in self.rows.tickets.values()}

    def by(self, key: str, period: Period, dimension: str) -> dict[str, Figure]:
        fields = OCCURRENCE_DIMENSIONS if key in ROUTINE_KEYS else TICKET_DIMENSIONS
        field = fields[dimension]

        def of(code: str) -> Filter:
            return lambda row: (row[field] or NONE_CODE) == code

        return {code: self.figure(key, period, of(code)) for code in self.codes(key, dimension)}
