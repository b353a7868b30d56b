"""How often a problem happens: its linked tickets counted by the month they were created (in
the organisation's zone), for the problem's page."""

from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth

from opsbook.metrics.periods import Period, current, org_tz

from .models import Problem, ProblemTicket

MONTHS = 12


def monthly(problem: Problem, now: datetime, *, months: int = MONTHS) -> list[tuple[Period, int]]:
    """The last ``months`` months up to this one, oldest first, with the count of linked
    tickets created in each (one query)."""
    periods = current("month", now).trailing(months)
    zone = org_tz()
    rows = (
        ProblemTicket.objects.filter(
            problem=problem,
            ticket__created_at__gte=periods[0].start_at(zone),
            ticket__created_at__lt=periods[-1].end_at(zone),
        )
        .annotate(month=TruncMonth("ticket__created_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    counts: dict[str, int] = {}
    for start, n in rows:
        local = start.astimezone(zone) if isinstance(start, datetime) else start
        code = f"{local:%Y-%m}"
        counts[code] = counts.get(code, 0) + n
    return [(p, counts.get(p.code, 0)) for p in periods]
