"""Many workers running the follow-up job at the same instant, against one PostgreSQL: each
owner is reminded once and each lead told once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from opsbook.notify.choices import Event
from opsbook.notify.models import Delivery, Notification
from opsbook.tickets import jobs, services
from opsbook.tickets.models import FollowUpTask

from .followup_helpers import DUE, RESOLVED, complaint, scene

WORKERS = 6


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time (and its test database lives in one connection)",
)
def test_workers_in_parallel_remind_and_escalate_once(transactional_db, personas):
    item = scene(personas)
    for n in range(5):
        ticket = complaint(personas, item, title=f"投诉 {n}")
        services.resolve(personas.alice, ticket, now=RESOLVED)
    after = DUE + timedelta(minutes=1)
    start = threading.Barrier(WORKERS)
    counts: list[int] = []

    def run():
        try:
            start.wait(timeout=10)
            counts.append(jobs.remind_follow_ups(after) + jobs.escalate_follow_ups(after))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(counts) == 10  # 5 reminders and 5 escalations, whoever sent them
    assert Notification.objects.filter(event=Event.FOLLOWUP_DUE).count() == 5
    assert Notification.objects.filter(event=Event.FOLLOWUP_OVERDUE).count() == 5
    assert Delivery.objects.filter(event=Event.FOLLOWUP_DUE).count() == 5
    assert not FollowUpTask.objects.filter(reminded_at__isnull=True).exists()
