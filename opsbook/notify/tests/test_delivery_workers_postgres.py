"""Several outbox worker processes at once against one PostgreSQL database, one of them killed
with SIGKILL midway: every delivery is sent, none is sent by two workers, and the killed
worker's rows are taken back and sent by a later pass. The only message that may arrive twice
is the one the killed worker had handed to the receiver but not yet recorded."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from opsbook.core import clock
from opsbook.notify import delivery
from opsbook.notify.choices import DeliveryStatus
from opsbook.notify.models import Delivery
from opsbook.notify.testing import Reply, WebhookServer, allow_local, make_channel

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database other processes can open (the SQLite test database is in memory)",
)
ROWS = 200
WORKERS = 4
LEASE = 30
WORKER = """
import django
django.setup()
from opsbook.core import clock
from opsbook.notify.delivery import run_outbox
idle = 0
while idle < 3:
    summary = run_outbox(clock.now(), clock=clock.now)
    idle = idle + 1 if summary.claimed == 0 else 0
"""


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_workers_killed_midway_lose_nothing_and_send_nothing_twice(transactional_db, settings):
    settings.NOTIFY_LEASE_SECONDS = LEASE
    allow_local()
    with WebhookServer(Reply(204, b""), delay=0.01) as server:
        channel = make_channel("webhook", server.url())
        now = clock.now()
        Delivery.objects.bulk_create(
            Delivery(
                key=f"multi:{n}",
                event="ticket_assigned",
                kind="webhook",
                channel=channel,
                subject=f"message {n}",
                body="正文",
                next_attempt_at=now,
                created_at=now,
            )
            for n in range(ROWS)
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "NOTIFY_BATCH_SIZE": "10",
            "NOTIFY_LEASE_SECONDS": str(LEASE),
            "LOG_LEVEL": "ERROR",
        }
        workers = [
            subprocess.Popen(  # noqa: S603 (our own interpreter and script)
                [sys.executable, "-c", WORKER], env=env, stderr=subprocess.PIPE, text=True
            )
            for _ in range(WORKERS)
        ]
        deadline = time.monotonic() + 60
        while len(server.received) < ROWS // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        workers[0].send_signal(signal.SIGKILL)
        for worker in workers[1:]:
            _out, errors = worker.communicate(timeout=120)
            assert worker.returncode == 0, errors
        workers[0].wait(timeout=10)
        assert workers[0].returncode == -signal.SIGKILL

        left = Delivery.objects.exclude(status=DeliveryStatus.SENT)
        assert set(left.values_list("status", flat=True)) <= {DeliveryStatus.SENDING}
        # The next pass after the lease takes the dead worker's rows back and sends them.
        delivery.run_outbox(clock.now() + timedelta(seconds=LEASE + 1))
        received = Counter(r.json()["subject"] for r in server.received)

    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == ROWS
    assert set(received) == {f"message {n}" for n in range(ROWS)}
    twice = [subject for subject, count in received.items() if count > 1]
    assert len(twice) <= 1, twice
