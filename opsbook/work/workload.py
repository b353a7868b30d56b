"""Workload per person and month: planned hours against capacity.

Planned hours are
* routine work: the occurrences due that month assigned to the person (open, done, skipped or
  missed: everything that was planned; cancelled ones are not), each counted at its content's
  effort estimate; occurrences without an estimate are counted apart, never guessed;
* tickets: in the current month only, the person's open tickets, each counted at
  ``WORKLOAD_MINUTES_PER_TICKET`` (default 60; tickets have no estimate of their own). Past and
  future months show routine work alone: which tickets were open then is not known.

Capacity is the person's ``capacity_hours`` (hours per month). Over 100 % is overloaded; a
person without a capacity is shown without a percentage.

Everything is aggregated in SQL: two grouped queries, whatever the number of people.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from opsbook.accounts.models import User
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Occurrence
from opsbook.tickets.choices import OPEN_STATUSES
from opsbook.tickets.models import Ticket

NEAR = Decimal("0.9")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """``2026-10`` → Month(2026, 10); ValueError for anything else."""
        year, _, month = text.partition("-")
        if not (year.isdigit() and month.isdigit() and len(year) == 4 and len(month) in (1, 2)):
            raise ValueError(text)
        value = cls(int(year), int(month))
        if not (1 <= value.month <= 12 and 2000 <= value.year <= 2100):
            raise ValueError(text)
        return value

    @classmethod
    def of(cls, now: datetime) -> "Month":
        local = timezone.localdate(now)
        return cls(local.year, local.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        nxt = self.next
        return date.fromordinal(date(nxt.year, nxt.month, 1).toordinal() - 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Load:
    person: User
    occurrences: int
    unestimated: int
    routine_hours: Decimal
    tickets: int
    ticket_hours: Decimal
    capacity: int | None

    @property
    def planned_hours(self) -> Decimal:
        return self.routine_hours + self.ticket_hours

    @property
    def ratio(self) -> Decimal | None:
        if not self.capacity:
            return None
        return self.planned_hours / self.capacity

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else int((ratio * 100).to_integral_value())

    @property
    def overloaded(self) -> bool:
        ratio = self.ratio
        return ratio is not None and ratio > 1

    @property
    def near_capacity(self) -> bool:
        ratio = self.ratio
        return ratio is not None and NEAR <= ratio <= 1


def hours_per_ticket() -> Decimal:
    return Decimal(settings.WORKLOAD_MINUTES_PER_TICKET) / 60


def workload(people: QuerySet[User], month: Month, now: datetime) -> list[Load]:
    """One ``Load`` per person in ``people`` (ordered by name), for ``month``."""
    routine: dict[int, dict[str, Any]] = {
        row["assignee"]: dict(row)
        for row in Occurrence.objects.filter(
            assignee__in=people, due_on__gte=month.first, due_on__lte=month.last
        )
        .exclude(status=OccurrenceStatus.CANCELLED)
        .values("assignee")
        .annotate(
            n=Count("pk"),
            minutes=Sum("effort_minutes"),
            unestimated=Count("pk", filter=Q(effort_minutes__isnull=True)),
        )
    }
    open_tickets: dict[int, int] = {}
    if month == Month.of(now):
        open_tickets = dict(
            Ticket.objects.filter(assignee__in=people, status__in=OPEN_STATUSES)
            .values("assignee")
            .annotate(n=Count("pk"))
            .values_list("assignee", "n")
        )
    per_ticket = hours_per_ticket()
    loads = []
    for person in people.order_by("first_name", "username"):
        row: dict[str, Any] = routine.get(person.pk, {})
        n_tickets = open_tickets.get(person.pk, 0)
        loads.append(
            Load(
                person=person,
                occurrences=row.get("n", 0),
                unestimated=row.get("unestimated", 0),
                routine_hours=(Decimal(row.get("minutes") or 0) / 60).quantize(Decimal("0.1")),
                tickets=n_tickets,
                ticket_hours=(per_ticket * n_tickets).quantize(Decimal("0.1")),
                capacity=person.capacity_hours,
            )
        )
    return loads
