"""How fast the dashboards read: the manager's overview of a closed month and of the current
month, the twelve-month trends, a service owner's services, a drill-down and the customer's
portal dashboard, after the snapshot jobs have run (final snapshots of the closed months, the
current month's 15-minute refresh).

Run with `python -m bench.bench_dashboards` (or `make bench`); ``BENCH_DATABASE_URL`` selects
PostgreSQL as in bench_catalog_pages. ``BENCH_DASHBOARD_TICKETS`` tickets (default 20,000) in
the measured month and a tenth of that in each of the twelve months before; rows are written
with ``bulk_create`` (not the code under test). Aim (issue 10): p95 under 300 ms from
snapshots. A month's pages read snapshots only (``dashboards.snapshots``); the drill-down counts
and lists live rows (one page); ``dashboard_overview_quarter`` has no snapshots and shows what a
live evaluation costs.
"""

import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.bench_catalog_pages import drop_postgres, measure, use_postgres

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
TICKETS = int(os.environ.get("BENCH_DASHBOARD_TICKETS", "20000"))
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 2026-12-03 10:00 in Shanghai
SEED = 20261203


def populate() -> tuple:
    from opsbook.accounts.choices import Role
    from opsbook.accounts.models import Customer, Team, User
    from opsbook.catalog.models import Category, Ownership, ServiceItem
    from opsbook.metrics import periods
    from opsbook.tickets.choices import Status
    from opsbook.tickets.models import Ticket

    rnd = random.Random(SEED)
    team = Team.objects.create(name="客服部")
    manager = User.objects.create(username="mia", role=Role.MANAGER)
    agents = [
        User.objects.create(username=f"agent{n}", role=Role.AGENT, team=team) for n in range(10)
    ]
    customers = [Customer.objects.create(code=f"c{n}", name=f"客户{n}") for n in range(20)]
    contact = User.objects.create(username="dana", role=Role.CUSTOMER, customer=customers[0])
    categories = [Category.objects.create(name=f"类别{n}") for n in range(5)]
    items = [
        ServiceItem.objects.create(category=categories[n % 5], code=f"S{n:02d}", name=f"服务{n}")
        for n in range(30)
    ]
    Ownership.objects.bulk_create(
        Ownership(item=item, user=agents[n % 10], is_primary=True) for n, item in enumerate(items)
    )
    november = periods.month(2026, 11)
    months = [(november, TICKETS)] + [(november.shift(-k), TICKETS // 10) for k in range(1, 13)]
    rows = []
    for month, count in months:
        start, span = month.start_at(), (month.end_at() - month.start_at()).total_seconds()
        for n in range(count):
            created = start + timedelta(seconds=rnd.random() * span)
            done = rnd.random() < 0.8
            replied = created + timedelta(minutes=rnd.randint(1, 120))
            resolved = replied + timedelta(hours=rnd.randint(1, 48))
            rows.append(
                Ticket(
                    title=f"工单{n}",
                    channel=rnd.choice(["phone", "email", "chat", "portal"]),
                    type=rnd.choice(["consultation", "fault", "request", "complaint"]),
                    status=Status.CLOSED if done else Status.IN_PROGRESS,
                    item=rnd.choice(items),
                    customer=rnd.choice(customers),
                    assignee=rnd.choice(agents),
                    team=team,
                    created_at=created,
                    updated_at=created,
                    first_response_at=replied,
                    response_due_at=created + timedelta(minutes=60),
                    response_business_seconds=int((replied - created).total_seconds()),
                    response_breached=(replied - created) > timedelta(minutes=60),
                    resolution_due_at=created + timedelta(hours=24),
                    resolved_at=resolved if done else None,
                    closed_at=resolved if done else None,
                    resolution_business_seconds=(
                        int((resolved - created).total_seconds()) if done else None
                    ),
                    resolution_breached=done and (resolved - created) > timedelta(hours=24),
                    rating=rnd.choice([None, None, 3, 4, 5]) if done else None,
                )
            )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    return manager, agents[0], contact, november


def run(db: str) -> None:
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opsbook.metrics import snapshots

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW, tick=False):
        started = time.perf_counter()
        manager, agent, contact, november = populate()
        setup_s = time.perf_counter() - started
        started = time.perf_counter()
        for month in november.trailing(14):  # back to the year-ago window's previous month
            snapshots.take(month, now=NOW, final=True)
        snapshots.refresh_current(NOW)
        snapshot_s = time.perf_counter() - started
        clients = {}
        for name, user in (("manager", manager), ("agent", agent), ("customer", contact)):
            clients[name] = Client()
            clients[name].force_login(user)
        for name, who, url in (
            ("dashboard_overview_closed_month", "manager", "/dashboards/?period=2026-11"),
            ("dashboard_overview_current_month", "manager", "/dashboards/"),
            ("dashboard_overview_quarter", "manager", "/dashboards/?period=2026-Q4"),
            ("dashboard_trends", "manager", "/dashboards/trends/?period=2026-11"),
            ("dashboard_mine", "agent", "/dashboards/mine/?period=2026-11"),
            (
                "dashboard_drill",
                "manager",
                "/dashboards/drill/?metric=sla.response.met_rate&period=2026-11&part=denominator",
            ),
            ("dashboard_portal", "customer", "/portal/dashboard/?period=2026-11"),
        ):
            result = {"bench": name, "url": url, **measure(clients[who], url, {}, REQUESTS)}
            result.update(
                db=db,
                tickets_in_month=TICKETS,
                setup_s=round(setup_s, 1),
                snapshots_s=round(snapshot_s, 1),
            )
            print(json.dumps(result, ensure_ascii=False), flush=True)


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
