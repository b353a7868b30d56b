"""Outbox throughput: deliveries per second from the outbox worker to a local webhook server,
rate limits off (generic JSON webhooks, which have no vendor limit), signed with HMAC-SHA256.

Run with `python -m bench.bench_outbox` (or `make bench`). Uses a fresh SQLite database in a
temporary directory, or a throwaway ``opsbook_bench_outbox`` database on the PostgreSQL server
``BENCH_DATABASE_URL`` names. ``BENCH_DELIVERIES`` (default 2,000) rows are queued for four
channels on one threaded HTTP server on 127.0.0.1 (allowlisted with private addresses allowed,
as an operator would for an internal receiver); then ``run_outbox`` passes run until the outbox
is empty, each one claiming a batch with one conditional UPDATE, sending each row through the
SSRF guard (resolve, check, connect to the pinned address) and recording its outcome. Prints
one JSON object: deliveries, seconds, deliveries_per_s, passes, and the server's count (which
must equal the deliveries: nothing lost, nothing twice). The loop is bounded in count and time.
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "2000"))
CHANNELS = 4
BENCH_DB = "opsbook_bench_outbox"
TIME_LIMIT_S = 300


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def use_postgres(url: str) -> str:
    from psycopg import sql

    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def drop_postgres(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def run(db: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from opsbook.core import clock
    from opsbook.notify.choices import DeliveryStatus
    from opsbook.notify.delivery import run_outbox
    from opsbook.notify.models import Delivery
    from opsbook.notify.testing import Reply, WebhookServer, allow_local, make_channel

    call_command("migrate", verbosity=0)
    allow_local()
    with WebhookServer(Reply(204, b"")) as server:
        channels = [
            make_channel("webhook", server.url(f"/in/{n}"), secret=f"bench-secret-{n}")
            for n in range(CHANNELS)
        ]
        now = clock.now()
        Delivery.objects.bulk_create(
            [
                Delivery(
                    key=f"bench:{n}",
                    event="ticket_assigned",
                    kind="webhook",
                    channel=channels[n % CHANNELS],
                    subject=f"工单 T-{n} 已分派给你",
                    body="打印机卡纸，需要上门处理。" * 4,
                    link=f"http://127.0.0.1:8000/tickets/{n}/",
                    next_attempt_at=now,
                    created_at=now,
                )
                for n in range(DELIVERIES)
            ],
            batch_size=1000,
        )
        passes = 0
        started = time.perf_counter()
        while time.perf_counter() - started < TIME_LIMIT_S:
            summary = run_outbox(clock.now(), clock=clock.now)
            passes += 1
            if summary.claimed == 0:
                break
        seconds = time.perf_counter() - started
        received = len(server.received)
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    print(
        json.dumps(
            {
                "bench": "outbox_throughput_webhook",
                "db": db,
                "deliveries": DELIVERIES,
                "sent": sent,
                "received_by_server": received,
                "seconds": round(seconds, 2),
                "deliveries_per_s": round(sent / seconds, 1) if seconds else None,
                "passes": passes,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    if sent != DELIVERIES or received != DELIVERIES:
        raise SystemExit("outbox bench: not every delivery was sent exactly once")


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
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
