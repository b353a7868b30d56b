"""How fast the metrics overview computes at 1,000,000 tickets in the measured month.

The data (issue 10): 1,000,000 tickets created in November 2026 and 100,000 in each of the
twelve months before (November 2025 is the "same month last year"), generated in SQL with the
mix of a real helpdesk (about 3 % still open, a fortieth cancelled, ratings on a third,
complaints a ninth with their 回访, breaches), each with its status events (created, resolved,
closed or cancelled) as the services record them. They are not the code under test.

Measured in one run, on SQLite (default) or PostgreSQL (``BENCH_DATABASE_URL``):
- ``raw_count_by_category``: one raw SQL query counting the month's tickets by service
  category, the yardstick;
- ``overview``: every built-in metric for the month with previous month and last year, the
  total, by service category and by owner (three ``engine.evaluate`` calls), live from the
  tickets: time, and peak memory (tracemalloc peak of Python allocations, and the process's
  peak RSS); the aim is within 5x of the raw query and under 300 MB;
- ``snapshot``: the period-close job writing the month's snapshots;
- ``overview_from_snapshots``: the same three cuts as the dashboards read them once the month,
  the month before and last year are snapshotted (p50/p95 over ``BENCH_REQUESTS`` repetitions).
``BENCH_MONTH_TICKETS`` (default 1,000,000) and ``BENCH_HISTORY_TICKETS`` (100,000 a month)
scale it down for a quick run; ``BENCH_KEEP=1`` keeps and reuses the database as in
bench_ticket_list.
"""

import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

MONTH_TICKETS = int(os.environ.get("BENCH_MONTH_TICKETS", "1000000"))
HISTORY_TICKETS = int(os.environ.get("BENCH_HISTORY_TICKETS", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
ITEMS, CATEGORIES, CUSTOMERS, TEAMS, AGENTS = 200, 12, 300, 6, 60
BATCH = 100_000
KEEP = os.environ.get("BENCH_KEEP", "") == "1"
BENCH_DB = "opsbook_bench_metrics"
KEPT_SQLITE = Path("var/bench/metrics.sqlite3")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MEASURED = (2026, 11)


def month_start(y: int, m: int) -> int:
    return int(datetime(y, m, 1, tzinfo=SHANGHAI).astimezone(UTC).timestamp())


def months():
    """(year, month, ticket count) for the twelve months before the measured one, then it."""
    y, m = MEASURED
    found = []
    for back in range(12, 0, -1):
        index = y * 12 + (m - 1) - back
        found.append((index // 12, index % 12 + 1, HISTORY_TICKETS))
    found.append((y, m, MONTH_TICKETS))
    return found


def populate_people():
    from opsbook.accounts.models import Customer, Team, User
    from opsbook.catalog.models import Category, ServiceItem

    teams = Team.objects.bulk_create([Team(name=f"团队{n}") for n in range(TEAMS)])
    agents = User.objects.bulk_create(
        [
            User(username=f"agent{n:03d}", display_name=f"客服{n:03d}", team=teams[n % TEAMS])
            for n in range(AGENTS)
        ]
    )
    customers = Customer.objects.bulk_create(
        [Customer(code=f"c{n:04d}", name=f"客户{n:04d}") for n in range(CUSTOMERS)]
    )
    categories = [Category.objects.create(name=f"服务类别{n:02d}") for n in range(CATEGORIES)]
    items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                code=f"S{n:04d}", name=f"服务项目{n:04d}", category=categories[n % CATEGORIES]
            )
            for n in range(ITEMS)
        ]
    )
    User.objects.create(username="manager", role="manager", display_name="经理")
    return {
        "team": teams[0].pk,
        "agent": agents[0].pk,
        "customer": customers[0].pk,
        "item": items[0].pk,
    }


def insert_month(first: int, count: int, start: int, span: int, ids: dict, vendor: str) -> None:
    """Tickets numbered first..first+count-1 spread evenly over [start, start+span), and their
    status events and 回访 records, in SQL."""
    from django.db import connection

    last = first + count - 1
    if vendor == "postgresql":
        i = "g.i::bigint"
        ts = "to_timestamp({s})"
        source = f"generate_series({first}, {last}) AS g(i)"
        prefix = ""
        true, false = "TRUE", "FALSE"
    else:
        i = "n.i"
        ts = "strftime('%Y-%m-%d %H:%M:%S', {s}, 'unixepoch')"
        source = "n"
        prefix = (
            f"WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n "  # noqa: S608 (integers)
            f"WHERE i < {last}) "
        )
        true, false = "1", "0"
    hv = f"(({i} * 2654435761) % 1000003)"
    created = f"({start} + ({i} - {first}) * {span} / {count})"
    is_open = f"({hv} % 33 = 0)"
    status = (
        f"CASE WHEN {is_open} THEN (CASE {hv} % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' "
        f"WHEN 2 THEN 'in_progress' ELSE 'waiting' END) "
        f"ELSE (CASE WHEN {hv} % 40 = 0 THEN 'cancelled' WHEN {hv} % 7 = 0 THEN 'resolved' "
        f"ELSE 'closed' END) END"
    )
    done = f"({created} + 20000 + {hv} % 90000)"
    cancelled = f"(NOT {is_open} AND {hv} % 40 = 0)"
    resolved = f"(NOT {is_open} AND {hv} % 40 <> 0)"
    columns = [
        ("title", f"'工单标题 ' || {i}"),
        ("description", "''"),
        ("type", f"CASE {hv} % 9 WHEN 0 THEN 'complaint' WHEN 1 THEN 'suggestion' "
                 f"WHEN 2 THEN 'incident' WHEN 3 THEN 'incident' ELSE 'consultation' END"),
        ("channel", f"CASE {hv} % 6 WHEN 0 THEN 'phone' WHEN 1 THEN 'email' WHEN 2 THEN 'chat' "
                    f"WHEN 3 THEN 'portal' WHEN 4 THEN 'wecom' ELSE 'api' END"),
        ("priority", f"CASE {hv} % 10 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'high' "
                     f"WHEN 9 THEN 'low' ELSE 'normal' END"),
        ("status", status),
        ("item_id", f"{ids['item']} + {hv} % {ITEMS}"),
        ("customer_id", f"{ids['customer']} + ({hv} / 7) % {CUSTOMERS}"),
        ("team_id", f"{ids['team']} + ({hv} / 3) % {TEAMS}"),
        ("assignee_id", f"{ids['agent']} + ({hv} / 11) % {AGENTS}"),
        ("requester_name", "''"),
        ("requester_email", "''"),
        ("requester_phone", "''"),
        ("source", "'web'"),
        ("created_at", ts.format(s=created)),
        # The last change: every status event is at or before it, as the services keep it.
        ("updated_at", f"CASE WHEN {is_open} THEN {ts.format(s=f'{created} + 600')} "
                       f"WHEN {resolved} AND {hv} % 7 <> 0 THEN {ts.format(s=f'{done} + 86400')} "
                       f"ELSE {ts.format(s=done)} END"),
        ("first_response_at", f"CASE WHEN {hv} % 50 = 0 THEN NULL ELSE "
                              f"{ts.format(s=f'{created} + 600 + {hv} % 3000')} END"),
        ("resolved_at", f"CASE WHEN {resolved} THEN {ts.format(s=done)} ELSE NULL END"),
        ("closed_at", f"CASE WHEN {resolved} AND {hv} % 7 <> 0 THEN "
                      f"{ts.format(s=f'{done} + 86400')} ELSE NULL END"),
        ("cancelled_at", f"CASE WHEN {cancelled} THEN {ts.format(s=done)} ELSE NULL END"),
        ("reopened_count", "0"),
        ("root_cause", "''"),
        ("version", "3"),
        ("sla_time_basis", "'business'"),
        ("response_target_seconds", "1800"),
        ("resolution_target_seconds", "28800"),
        ("response_due_at", ts.format(s=f"{created} + 1800")),
        ("resolution_due_at", ts.format(s=f"{created} + 28800 + {hv} % 50000")),
        ("response_warn_at", ts.format(s=f"{created} + 1350")),
        ("resolution_warn_at", ts.format(s=f"{created} + 21600")),
        ("response_business_seconds", f"600 + {hv} % 3000"),
        ("resolution_business_seconds", f"CASE WHEN {is_open} THEN NULL ELSE {hv} % 40000 END"),
        ("paused_business_seconds", f"{hv} % 2000"),
        ("response_breached", f"CASE WHEN {hv} % 13 = 0 THEN {true} ELSE {false} END"),
        ("resolution_breached", f"CASE WHEN {hv} % 17 = 0 THEN {true} ELSE {false} END"),
        ("calendar_incomplete", false),
        ("rating", f"CASE WHEN {resolved} AND {hv} % 3 = 0 THEN 1 + {hv} % 5 ELSE NULL END"),
        ("rating_comment", "''"),
    ]  # fmt: skip
    names = ", ".join(name for name, _ in columns)
    values = ", ".join(expr for _, expr in columns)
    ev = "tickets_ticketevent (ticket_id, at, kind, from_status, to_status, data, is_public)"
    t = f"tickets_ticket WHERE id BETWEEN {first} AND {last}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}INSERT INTO tickets_ticket (id, {names}) SELECT {i}, {values} FROM {source}"  # noqa: S608 (constants)
        )
        cursor.execute(
            f"INSERT INTO {ev} SELECT id, created_at, 'created', '', 'new', '{{}}', {true} FROM {t}"  # noqa: S608
        )
        cursor.execute(
            f"INSERT INTO {ev} SELECT id, created_at, 'status', 'new', status, '{{}}', {true} "  # noqa: S608
            f"FROM {t} AND status IN ('acknowledged', 'in_progress', 'waiting')"
        )
        cursor.execute(
            f"INSERT INTO {ev} SELECT id, resolved_at, 'status', 'new', 'resolved', '{{}}', "  # noqa: S608
            f"{true} FROM {t} AND resolved_at IS NOT NULL"
        )
        cursor.execute(
            f"INSERT INTO {ev} SELECT id, closed_at, 'status', 'resolved', 'closed', '{{}}', "  # noqa: S608
            f"{true} FROM {t} AND closed_at IS NOT NULL"
        )
        cursor.execute(
            f"INSERT INTO {ev} SELECT id, cancelled_at, 'status', 'new', 'cancelled', '{{}}', "  # noqa: S608
            f"{true} FROM {t} AND cancelled_at IS NOT NULL"
        )
        cursor.execute(
            "INSERT INTO tickets_followup (ticket_id, at, method, outcome) "  # noqa: S608
            f"SELECT id, resolved_at, 'phone', '已回访' FROM {t} AND type = 'complaint' "
            f"AND resolved_at IS NOT NULL AND id % 10 <> 0"
        )


def populate(ids: dict, vendor: str) -> None:
    from django.db import connection, transaction

    first = 1
    for y, m, count in months():
        start = month_start(y, m)
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        span = month_start(ny, nm) - start
        done = 0
        while done < count:
            batch = min(BATCH, count - done)
            # Each batch covers its share of the month, so batches stay in time order.
            with transaction.atomic():
                insert_month(
                    first + done,
                    batch,
                    start + span * done // count,
                    span * batch // count,
                    ids,
                    vendor,
                )
            done += batch
        first += count
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
                "(SELECT max(id) FROM tickets_ticket))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(db: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from opsbook.accounts.models import User
    from opsbook.metrics import engine, periods, registry

    call_command("migrate", verbosity=0)
    kept = KEEP and User.objects.filter(username="manager").exists()
    started = time.perf_counter()
    if not kept:
        populate(populate_people(), connection.vendor)
    setup_s = round(time.perf_counter() - started, 1)
    period = periods.month(*MEASURED)
    now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    keys = [m.key for m in registry.metrics(dynamic=False) if m.family != "surveys"]
    base = {"db": db, "month_tickets": MONTH_TICKETS, "history_tickets": HISTORY_TICKETS}

    start_at, end_at = period.start_at(), period.end_at()
    raw = (
        "SELECT c.id, COUNT(*) FROM tickets_ticket t "
        "JOIN catalog_serviceitem i ON i.id = t.item_id "
        "JOIN catalog_category c ON c.id = i.category_id "
        "WHERE t.created_at >= %s AND t.created_at < %s GROUP BY c.id"
    )
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(raw, [start_at, end_at])
            rows = cursor.fetchall()
        times.append(time.perf_counter() - t0)
    raw_s = min(times)
    emit(
        bench="raw_count_by_category",
        **base,
        setup_s=setup_s,
        seconds=round(raw_s, 3),
        rows=sum(n for _c, n in rows),
    )

    def overview():
        engine.evaluate(keys, period, now=now)
        engine.evaluate(keys, period, by="category", now=now)
        engine.evaluate(keys, period, by="owner", now=now)

    # Timed without tracemalloc (it slows allocation-heavy code), then once more under it for
    # the memory figure.
    t0 = time.perf_counter()
    overview()
    live_s = time.perf_counter() - t0
    tracemalloc.start()
    overview()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    emit(
        bench="overview",
        **base,
        metrics=len(keys),
        seconds=round(live_s, 2),
        ratio_to_raw=round(live_s / raw_s, 1),
        python_peak_mb=round(peak / 2**20, 1),
        process_peak_rss_mb=peak_rss_mb(),
    )

    from opsbook.metrics import snapshots

    t0 = time.perf_counter()
    snapshots.take(period, now=now, final=True)
    emit(bench="snapshot", **base, seconds=round(time.perf_counter() - t0, 2))
    # What the dashboards read once the month is snapshotted (dashboards.snapshots): the same
    # three cuts from the snapshot rows.
    from opsbook.dashboards import snapshots as dashboard_snapshots

    def from_snapshots():
        for by in (None, "category", "owner"):
            found = dashboard_snapshots.evaluate(keys, period, by=by, now=now)
            assert found is not None, "the month, the month before and last year are snapshotted"

    for back in (period.previous(), period.last_year()):
        snapshots.take(back, now=now, final=True)
    samples = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        from_snapshots()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    emit(
        bench="overview_from_snapshots",
        **base,
        p50_ms=round(statistics.median(samples) * 1000, 1),
        p95_ms=round(samples[int(0.95 * (len(samples) - 1))] * 1000, 1),
    )


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def use_postgres(url: str) -> str:
    from psycopg import sql

    name = sql.Identifier(BENCH_DB)
    with admin_connection(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and not KEEP:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        if not (exists and KEEP):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def drop_postgres(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


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
            if not KEEP:
                drop_postgres(server)
    else:
        database = scratch / "bench.sqlite3"
        if KEEP:
            KEPT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
            database = KEPT_SQLITE.resolve()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
        run("sqlite")


if __name__ == "__main__":
    sys.exit(main())
