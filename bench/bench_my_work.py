"""How fast "my work" reads for a busy agent: 200 open tickets and 100 routine occurrences of
hers (plus a team around her with the same again, which her list must not read), the page and
the API, and whether the query count stays flat when her work doubles.

Run with `python -m bench.bench_my_work` (or `make bench`); ``BENCH_DATABASE_URL`` selects
PostgreSQL as in bench_catalog_pages. Rows are written with ``bulk_create`` (not the code under
test). Aim (issue 9): p95 well under 200 ms; queries the same at 150 and at 300 entries.
"""

import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.bench_catalog_pages import drop_postgres, measure, queries_for, use_postgres

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
TICKETS, OCCURRENCES, COLLEAGUES = 200, 100, 5
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)


def populate(agent_tickets: int, agent_occurrences: int):
    from opsbook.accounts.choices import Role
    from opsbook.accounts.models import Team, User
    from opsbook.accounts.services import do_create_api_token
    from opsbook.catalog.models import Category, ServiceContent, ServiceItem
    from opsbook.routines.choices import Source
    from opsbook.routines.models import Occurrence
    from opsbook.tickets.choices import Status
    from opsbook.tickets.models import Ticket

    team = Team.objects.create(name="客服部")
    people = [
        User.objects.create(username=f"agent{n}", role=Role.AGENT, team=team)
        for n in range(COLLEAGUES + 1)
    ]
    agent = people[0]
    category = Category.objects.create(name="客户服务")
    item = ServiceItem.objects.create(category=category, code="OPS-001", name="巡检服务")
    contents = ServiceContent.objects.bulk_create(
        ServiceContent(item=item, code=f"OPS-001-{n:02d}", name=f"巡检{n}") for n in range(20)
    )
    tickets, occurrences = [], []
    for person in people:
        n_t = agent_tickets if person is agent else TICKETS
        n_o = agent_occurrences if person is agent else OCCURRENCES
        for n in range(n_t):
            due = NOW + timedelta(minutes=37 * n - 2000)
            tickets.append(
                Ticket(
                    title=f"工单 {person.username} {n}",
                    channel="phone",
                    status=Status.IN_PROGRESS,
                    assignee=person,
                    team=team,
                    first_response_at=NOW - timedelta(days=1),
                    resolution_due_at=due,
                )
            )
        for n in range(n_o):
            day = date(2026, 10, 9) - timedelta(days=n % 30)
            occurrences.append(
                Occurrence(
                    content=contents[n % 20],
                    source=Source.MANUAL,
                    period_start=day,
                    period_end=day,
                    planned_on=day,
                    due_on=day,
                    due_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                    assignee=person,
                    team=team,
                )
            )
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    Occurrence.objects.bulk_create(occurrences, batch_size=1000)
    return agent, do_create_api_token(agent)[1]


def run(db: str) -> None:
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW, tick=False):
        started = time.perf_counter()
        agent, raw = populate(TICKETS, OCCURRENCES)
        setup_s = time.perf_counter() - started
        page = Client()
        page.force_login(agent)
        api = Client()
        bearer = {"Authorization": f"Bearer {raw}"}
        for name, client, url, headers in (
            ("my_work_page", page, "/work/", {}),
            ("my_work_api", api, "/api/work/mine", bearer),
            ("my_work_count", page, "/work/count/", {}),
        ):
            result = {"bench": name, "url": url, **measure(client, url, headers, REQUESTS)}
            result.update(
                db=db, tickets=TICKETS, occurrences=OCCURRENCES, setup_s=round(setup_s, 1)
            )
            print(json.dumps(result, ensure_ascii=False), flush=True)
        before = queries_for(page, "/work/", {})
        populate_more(agent)
        after = queries_for(page, "/work/", {})
        print(
            json.dumps(
                {
                    "bench": "my_work_queries_flat",
                    "queries_at_300": before,
                    "queries_at_600": after,
                    "flat": before == after,
                    "db": db,
                }
            ),
            flush=True,
        )


def populate_more(agent) -> None:
    """Double her work: another 200 tickets and 100 occurrences."""
    from opsbook.routines.models import Occurrence
    from opsbook.tickets.models import Ticket

    for model in (Ticket, Occurrence):
        rows = list(model.objects.filter(assignee=agent))
        for row in rows:
            row.pk = None
            if model is Occurrence:
                row.source = "manual"
        model.objects.bulk_create(rows, batch_size=1000)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if server:
        os.environ["DATABASE_URL"] = use_postgres(server)
        try:
            run("postgresql")
        finally:
            drop_postgres(server)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        run("sqlite")


if __name__ == "__main__":
    sys.exit(main())
