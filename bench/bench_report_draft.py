"""How fast the monthly report's draft builds, against the metrics overview of the same month
(issue 11: the draft within 2x of the overview).

The data are bench_metrics' (``BENCH_MONTH_TICKETS`` tickets in November 2026, default
1,000,000, and ``BENCH_HISTORY_TICKETS`` in each of the twelve months before, default 100,000),
generated in SQL; nothing of the month is snapshotted (everything computed live, the slow case).

Measured, on SQLite (default) or PostgreSQL (``BENCH_DATABASE_URL``):
- ``overview``: bench_metrics' overview (every built-in metric for the month with last month and
  last year: the total, by service category and by owner);
- ``report_draft``: ``reports.drafting.build_document`` of the organisation's default template
  for the month (every section, block, trend and breakdown): time, the ratio to the overview,
  the number of queries, the Python peak (tracemalloc) and the process's peak RSS.
"""

import sys
import time
import tracemalloc
from datetime import UTC, datetime

from bench import bench_metrics as data


def run(db: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opsbook.accounts.models import User
    from opsbook.metrics import engine, periods, registry
    from opsbook.reports import drafting
    from opsbook.reports.defaults import ensure_default_template

    call_command("migrate", verbosity=0)
    kept = data.KEEP and User.objects.filter(username="manager").exists()
    started = time.perf_counter()
    if not kept:
        data.populate(data.populate_people(), connection.vendor)
    setup_s = round(time.perf_counter() - started, 1)
    period = periods.month(*data.MEASURED)
    now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    keys = [m.key for m in registry.metrics(dynamic=False) if m.family != "surveys"]
    base = {
        "db": db,
        "month_tickets": data.MONTH_TICKETS,
        "history_tickets": data.HISTORY_TICKETS,
    }

    def overview():
        engine.evaluate(keys, period, now=now)
        engine.evaluate(keys, period, by="category", now=now)
        engine.evaluate(keys, period, by="owner", now=now)

    template = ensure_default_template(now=now)
    overview()  # warm the database's caches for both
    t0 = time.perf_counter()
    overview()
    overview_s = time.perf_counter() - t0
    data.emit(bench="overview", **base, setup_s=setup_s, seconds=round(overview_s, 2))

    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        drafting.build_document(template, period, now=now)
    draft_s = time.perf_counter() - t0
    tracemalloc.start()
    drafting.build_document(template, period, now=now)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    data.emit(
        bench="report_draft",
        **base,
        seconds=round(draft_s, 2),
        ratio_to_overview=round(draft_s / overview_s, 2),
        queries=len(queries),
        python_peak_mb=round(peak / 2**20, 1),
        process_peak_rss_mb=data.peak_rss_mb(),
    )


def main() -> None:
    data.run = run  # the same database set-up, our measurements
    data.BENCH_DB = "opsbook_bench_report_draft"  # our own database, beside bench_metrics'
    data.main()


if __name__ == "__main__":
    sys.exit(main())
