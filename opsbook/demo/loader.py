"""The demo loader, at the top of the layers: it calls each app's own ``demo.py`` in order
(people, checklist, calendar, procedures, tickets and their history, notifications, routine
work, surveys, goals, problems, the past months' metric snapshots, monthly reports) in one
transaction, all at one moment of the clock.

``load_demo()`` is idempotent: each app's loader creates only what is missing.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from opsbook.accounts.access import can_manage_catalog
from opsbook.accounts.demo import load_people
from opsbook.calendars.demo import load_calendar
from opsbook.catalog.demo import load_checklist
from opsbook.core import clock
from opsbook.goals import demo as goals_demo
from opsbook.metrics import periods
from opsbook.metrics import snapshots as metric_snapshots
from opsbook.metrics.models import Snapshot
from opsbook.notify import demo as notify_demo
from opsbook.problems import demo as problems_demo
from opsbook.reports import demo as reports_demo
from opsbook.routines import demo as routines_demo
from opsbook.sops.demo import load_procedures
from opsbook.surveys import demo as surveys_demo
from opsbook.tickets.demo import load_demo_history, load_demo_tickets


@dataclass
class Summary:
    users: int = 0
    teams: int = 0
    customers: int = 0
    categories: int = 0
    items: int = 0
    contents: int = 0
    tickets: int = 0
    occurrences: int = 0

    @property
    def created_anything(self) -> bool:
        return any(vars(self).values())


@transaction.atomic
def load_demo(today: date | None = None, *, snapshots: bool = True) -> Summary:
    """Create whatever of the demo data is missing; returns what was created. ``snapshots``:
    also take the past months' metric snapshots (the dashboards read them; tests of the data
    alone skip the few seconds they take)."""
    now = clock.now()
    people = load_people()
    # Services check their actor: a "manager" who exists without that role loads as the system.
    manager = people.users["manager"]
    actor = manager if can_manage_catalog(manager) else None
    checklist = load_checklist(actor, people.users, people.teams, today or timezone.localdate(now))
    load_calendar(actor)
    load_procedures(actor)
    tickets = load_demo_tickets()
    # Thirteen months before now, so dashboards have trends and last year to compare with.
    tickets += load_demo_history(now)
    # The chat channel and its rules first: the routine work's escalations reach it.
    notify_demo.load(now, people.users["admin"])
    occurrences = routines_demo.load(now)
    surveys_demo.load(now, manager)
    goals_demo.load(now)
    problems_demo.load_demo(now=now)
    if snapshots:
        close_past_months(now)
    # Last, on everything above: last month's published report, this month's draft and a
    # customer's service report.
    reports_demo.load_demo(now=now)
    return Summary(
        users=people.created_users,
        teams=people.created_teams,
        customers=people.created_customers,
        categories=checklist.categories,
        items=checklist.items,
        contents=checklist.contents,
        tickets=tickets,
        occurrences=occurrences,
    )


def close_past_months(now, months: int = 13) -> None:
    """Take the period-close snapshots the scheduler would have taken for the demo's past
    months (and the current month's refresh), so the dashboards read them from the start."""
    current = periods.current(periods.PeriodKind.MONTH, now)
    for period in current.trailing(months + 1)[:-1]:
        done = Snapshot.objects.filter(
            period_kind=period.kind, period_start=period.start, final=True
        ).exists()
        if not done:
            metric_snapshots.take(period, now=now, final=True)
    metric_snapshots.refresh_current(now)
