"""The demo loader, at the top of the layers: it calls each app's own ``demo.py`` in order
(people, checklist, calendar, procedures, tickets, notifications, routine work) in one
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
from opsbook.notify import demo as notify_demo
from opsbook.routines import demo as routines_demo
from opsbook.sops.demo import load_procedures
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
def load_demo(today: date | None = None) -> Summary:
    """Create whatever of the demo data is missing; returns what was created."""
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
    return Summary(
        users=people.created_users,
        teams=people.created_teams,
        customers=people.created_customers,
        categories=checklist.categories,
        items=checklist.items,
        contents=checklist.contents,
        tickets=tickets,
        occurrences=routines_demo.load(now),
    )
