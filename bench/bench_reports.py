"""The monthly report (issue 11) for a month with many tickets: the metrics overview, the draft
and each export, with time and peak memory of each step.

The data are bench_metrics' (its ``populate``): ``BENCH_REPORT_TICKETS`` tickets created in
November 2026 (default 20,000 so that ``make bench`` stays quick; the issue's figure is
1,000,000) and ``BENCH_REPORT_HISTORY`` in each of the twelve months before (default 2,000;
100,000 in the documented run), with status events and 回访, generated set-wise in SQL.

Each step runs in a fresh process of its own (``python -m bench.bench_reports STEP``) so that
its peak memory is its own: ``peak_rss_mb`` is that process's peak resident set (getrusage
ru_maxrss: Python, C libraries, fonts), ``rss_before_mb`` the same process just before the step
(Django loaded, the step's libraries imported), ``python_peak_mb`` the tracemalloc peak of
Python allocations during a second, traced run of the step (the time is from the untraced
run). Steps:
- ``overview``: every built-in metric for the month with previous month and last year, the
  total, by service category and by owner (three ``engine.evaluate`` calls, as bench_metrics);
- ``draft``: ``reports.drafting.build_document`` of the default organisation template;
  ``ratio_to_overview`` is its time over the overview's (aim: at most 2);
- ``docx``, ``pdf``, ``xlsx``: ``reports.export.export(document, fmt)`` of that draft (aim:
  each under 5 s and 300 MB). The PDF reads the cut-down fonts of ``opsbook report fonts``
  from ``var/fonts`` (``REPORT_FONT_DIR``), as an installed server does; ``font_cuts`` says
  whether it found them (without them it embeds the whole installed faces: ~100 MB more).

Run on SQLite (default) or PostgreSQL (``BENCH_DATABASE_URL``); ``BENCH_KEEP=1`` keeps the
database (var/bench/reports-N.sqlite3 on SQLite) and reuses it on the next run.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

MONTH_TICKETS = int(os.environ.get("BENCH_REPORT_TICKETS", "20000"))
HISTORY_TICKETS = int(os.environ.get("BENCH_REPORT_HISTORY", "2000"))
KEEP = os.environ.get("BENCH_KEEP", "") == "1"
BENCH_DB = "opsbook_bench_reports"
STEPS = ("overview", "draft", "docx", "pdf", "xlsx")
NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
MEASURED = (2026, 11)


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def rss_mb() -> float:
    """The current resident set of this process."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _bench_metrics():
    # bench_metrics reads its sizes when imported.
    os.environ["BENCH_MONTH_TICKETS"] = str(MONTH_TICKETS)
    os.environ["BENCH_HISTORY_TICKETS"] = str(HISTORY_TICKETS)
    from bench import bench_metrics

    return bench_metrics


# --- one step, in its own process ---------------------------------------------------------


def prepare(step: str, scratch: Path):
    """Everything the step needs loaded before it is measured; returns the step as a call."""
    from opsbook.metrics import periods

    period = periods.month(*MEASURED)
    if step == "overview":
        from opsbook.metrics import engine, registry

        keys = [m.key for m in registry.metrics(dynamic=False) if m.family != "surveys"]

        def overview():
            engine.evaluate(keys, period, now=NOW)
            engine.evaluate(keys, period, by="category", now=NOW)
            engine.evaluate(keys, period, by="owner", now=NOW)

        return overview
    if step == "draft":
        from opsbook.reports import drafting
        from opsbook.reports.defaults import ensure_default_template

        template = ensure_default_template(now=NOW)

        def draft():
            document = drafting.build_document(template, period, now=NOW)
            (scratch / "document.json").write_text(json.dumps(document, ensure_ascii=False))

        return draft
    from opsbook.reports.export import export

    document = json.loads((scratch / "document.json").read_text())
    # Import the format's module (WeasyPrint, python-docx…) and warm matplotlib's font cache
    # outside the measurement: a server process has them loaded already.
    export({**document, "sections": []}, step)

    def render():
        out = export(document, step)
        (scratch / f"report.{step}").write_bytes(out.content)

    return render


def run_step(step: str, scratch: Path) -> None:
    import django

    django.setup()
    work = prepare(step, scratch)
    before = rss_mb()
    t0 = time.perf_counter()
    work()
    seconds = time.perf_counter() - t0
    peak = peak_rss_mb()
    tracemalloc.start()
    work()
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out = {
        "seconds": round(seconds, 2),
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "python_peak_mb": round(python_peak / 2**20, 1),
    }
    if step in ("docx", "pdf", "xlsx"):
        out["bytes"] = (scratch / f"report.{step}").stat().st_size
    if step == "pdf":
        from opsbook.reports.export import fonts

        out["font_cuts"] = bool(fonts.font_urls())
    if step == "draft":
        document = json.loads((scratch / "document.json").read_text())
        out["figures"] = len(document.get("figures") or {})
        out["sections"] = len(document.get("sections") or [])
    print(json.dumps(out), flush=True)


# --- the driver ---------------------------------------------------------------------------


def populate(db: str) -> float:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from opsbook.accounts.models import User

    call_command("migrate", verbosity=0)
    if KEEP and User.objects.filter(username="manager").exists():
        return 0.0
    metrics = _bench_metrics()
    t0 = time.perf_counter()
    metrics.populate(metrics.populate_people(), connection.vendor)
    return round(time.perf_counter() - t0, 1)


def measure_steps(db: str, scratch: Path) -> int:
    """Runs each step in its own process; returns how many failed."""
    from django.db import connections

    connections.close_all()
    base = {"db": db, "month_tickets": MONTH_TICKETS, "history_tickets": HISTORY_TICKETS}
    seconds: dict[str, float] = {}
    failed = 0
    for step in STEPS:
        result = subprocess.run(  # noqa: S603 (our own module, our own interpreter)
            [sys.executable, "-m", "bench.bench_reports", step, str(scratch)],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            sys.stderr.write(result.stderr[-4000:])
            emit(bench=f"report_{step}", **base, error=f"exit status {result.returncode}")
            failed += 1
            if step == "draft":
                return failed
            continue
        figures = json.loads(lines[-1])
        seconds[step] = figures["seconds"]
        if step == "draft" and seconds.get("overview"):
            figures["ratio_to_overview"] = round(figures["seconds"] / seconds["overview"], 2)
        emit(bench=f"report_{step}", **base, **figures)
    return failed


def use_postgres(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    name = sql.Identifier(BENCH_DB)
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and not KEEP:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        if not (exists and KEEP):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] in STEPS:
        run_step(sys.argv[1], Path(sys.argv[2]))
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    # The PDF uses the cut-down fonts `make setup` wrote, as an installed server does.
    os.environ.setdefault("REPORT_FONT_DIR", str(Path("var/fonts").resolve()))
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if server:
        os.environ["DATABASE_URL"] = use_postgres(server)
        db = "postgresql"
    else:
        database = scratch / "bench.sqlite3"
        if KEEP:
            database = Path(f"var/bench/reports-{MONTH_TICKETS}.sqlite3").resolve()
            database.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
        db = "sqlite"
    try:
        setup_s = populate(db)
        emit(
            bench="report_data",
            db=db,
            month_tickets=MONTH_TICKETS,
            history_tickets=HISTORY_TICKETS,
            setup_s=setup_s,
        )
        return 1 if measure_steps(db, scratch) else 0
    finally:
        if server and not KEEP:
            from django.db import connections

            connections.close_all()
            drop_postgres(server)


if __name__ == "__main__":
    sys.exit(main())
