"""Recurring work at 10,000 service contents: one year of occurrences, and a scheduler tick.

Run with `python -m bench.bench_routines` (or `make bench`). Uses a fresh SQLite database in a
temporary directory, or, when ``BENCH_DATABASE_URL`` names a PostgreSQL server, a throwaway
database on it (``opsbook_bench_routines``). The checklist is 10,000 active contents in 500
items with the mix of frequencies of a real checklist (daily, working days, weekly, twice a
week, monthly deadlines, quarterly, yearly …), one owner each, on the China calendar
(``calendar sync-cn``). Setup rows are written with ``bulk_create``: they are not the code
under test.

Figures (one JSON line each). ``seconds`` is wall time; ``cpu_s`` the process's CPU time (on
SQLite the database's work too), which a busy machine inflates far less; ``load_average``
says how busy the machine was.

* ``routines_generate_year_10k``: ``generation.generate`` with a 365-day horizon from empty:
  seconds, occurrences created, peak resident memory of the process; then the second run,
  which must create nothing. Aim (issue 9): under 60 s and 300 MB.
* ``routines_scheduler_tick_10k``: one scheduler pass (enqueueing what is due) plus the
  routines' frequent jobs it starts (missed, reminders and escalation), at 10:00 on a working
  day with the morning's reminders and escalations already sent: the cost of a tick when there
  is nothing new to tell. Aim: under 2 s. ``busy_tick_s`` is the tick at 09:00 that marks the
  day before's daily work missed and sends the first reminders and escalations (at most
  ``NOTIFY_BATCH`` of each per run, each through ``do_notify``).
"""

import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

CONTENTS = int(os.environ.get("BENCH_CONTENTS", "10000"))
ITEMS = 500
USERS = 24
SEED = 20260914
BENCH_DB = "opsbook_bench_routines"
# (phrase, share of contents): most work is weekly or monthly, some daily.
MIX = (
    ("每日", 3),
    ("工作日每天", 7),
    ("每周一", 15),
    ("每周两次", 10),
    ("每周一、三、五", 5),
    ("每两周", 5),
    ("每月5日前", 15),
    ("每月", 10),
    ("每月最后一个工作日", 5),
    ("每季度", 10),
    ("每半年", 5),
    ("每年", 5),
    ("按需", 5),
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 5, 2, tzinfo=SHANGHAI)  # a Monday night, when the daily job runs


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def use_postgres(url: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def drop_postgres(url: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def populate(rnd: random.Random) -> None:
    from opsbook.accounts.models import Team, User
    from opsbook.calendars.sync import do_sync_china_calendar
    from opsbook.catalog.frequency import parse_frequency
    from opsbook.catalog.models import Category, Ownership, ServiceContent, ServiceItem

    do_sync_china_calendar()
    teams = Team.objects.bulk_create([Team(name=f"团队{n}") for n in range(6)])
    users = User.objects.bulk_create(
        [
            User(username=f"agent{n:02d}", team=teams[n % 6], email=f"agent{n:02d}@example.com")
            for n in range(USERS)
        ]
    )
    for team in teams:
        team.lead = users[teams.index(team)]
    Team.objects.bulk_update(teams, ["lead"])
    category = Category.objects.create(name="服务")
    items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(code=f"S{n:04d}", name=f"服务项目{n:04d}", category=category)
            for n in range(ITEMS)
        ]
    )
    phrases = [phrase for phrase, share in MIX for _ in range(share)]
    parsed = {}
    for phrase in set(phrases):
        freq = parse_frequency(phrase)
        parsed[phrase] = (freq.as_dict(), freq.kind, freq.period or "")
    contents = []
    for n in range(CONTENTS):
        phrase = rnd.choice(phrases)
        data, kind, period = parsed[phrase]
        contents.append(
            ServiceContent(
                item=items[n % ITEMS],
                code=f"C{n:05d}",
                name=f"服务内容{n:05d}",
                frequency_text=phrase,
                frequency=data,
                frequency_kind=kind,
                frequency_period=period,
                effort_minutes=rnd.choice((15, 30, 60, 120)),
                due_shift=rnd.choice(("previous", "previous", "previous", "next", "keep")),
            )
        )
    ServiceContent.objects.bulk_create(contents, batch_size=2000)
    ids = list(ServiceContent.objects.order_by("pk").values_list("pk", "item_id"))
    Ownership.objects.bulk_create(
        [
            Ownership(item_id=item_id, content_id=pk, user=rnd.choice(users), is_primary=True)
            for pk, item_id in ids
        ],
        batch_size=2000,
    )


def run(db: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.urls import NoReverseMatch, clear_url_caches, reverse

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate(random.Random(SEED))
    setup_s = time.perf_counter() - started

    from opsbook.jobs.schedule import registry
    from opsbook.jobs.scheduler import Scheduler
    from opsbook.routines.generation import generate
    from opsbook.routines.jobs import escalate_overdue, mark_missed, remind_due
    from opsbook.routines.models import Occurrence

    try:
        reverse("routines:occurrence", args=[1])
    except NoReverseMatch:  # the routines pages are not in this tree yet: the tests' stand-in
        settings.ROOT_URLCONF = "opsbook.routines.tests.notice_urls"
        clear_url_caches()
    settings.ROUTINES_HORIZON_DAYS = 365
    before_mb = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    first = generate(START)
    first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    second = generate(START)
    second_s, second_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "bench": "routines_generate_year_10k",
                "contents": CONTENTS,
                "scheduled_contents": first.contents,
                "created": first.created,
                "occurrences": Occurrence.objects.count(),
                "seconds": round(first_s, 2),
                "cpu_s": round(first_cpu, 2),
                "load_average": round(os.getloadavg()[0], 1),
                "peak_rss_mb": peak_mb,
                "rss_before_mb": before_mb,
                "second_run_s": round(second_s, 2),
                "second_run_cpu_s": round(second_cpu, 2),
                "second_run_created": second.created,
                "second_run_updated": second.updated,
                "second_run_cancelled": second.cancelled,
                "db": db,
                "setup_s": round(setup_s, 1),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )

    def tick(now: datetime) -> tuple[float, dict]:
        began, cpu = time.perf_counter(), time.process_time()
        Scheduler(registry).run_pass(now)  # enqueues the slots due (rows for the worker)
        done = {
            "missed": mark_missed(now),
            "reminded": remind_due(now),
            "escalated": escalate_overdue(now),
        }
        done["cpu_s"] = round(time.process_time() - cpu, 3)
        return time.perf_counter() - began, done

    # The next morning, Tuesday 6 January: Monday's daily work is missed, what was not done by
    # Monday evening is escalated, and Tuesday's work is reminded at 09:00.
    busy_s, busy = tick(datetime(2026, 1, 6, 9, tzinfo=SHANGHAI))
    settle = datetime(2026, 1, 6, 9, 1, tzinfo=SHANGHAI)
    while remind_due(settle) or escalate_overdue(settle):
        pass  # the rest, as the next runs would send them
    quiet_s, quiet = tick(datetime(2026, 1, 6, 10, tzinfo=SHANGHAI))
    print(
        json.dumps(
            {
                "bench": "routines_scheduler_tick_10k",
                "contents": CONTENTS,
                "occurrences": Occurrence.objects.count(),
                "seconds": round(quiet_s, 3),
                "quiet_tick": quiet,
                "busy_tick_s": round(busy_s, 3),
                "busy_tick": busy,
                "db": db,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    os.environ["DEBUG"] = "false"  # as in production: no query log
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
