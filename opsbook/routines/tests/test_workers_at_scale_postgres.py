"""The scale proof with the project's own work: three workers and two schedulers at once against
one PostgreSQL, one worker killed with SIGKILL while it is sending, and

* the generation of occurrences, run by many workers at once (enqueued several times together
  and by the schedulers every second), creates each (content, period start, number) once, as
  many as one run alone computes;
* several hundred chat notifications written by ``do_notify`` are delivered by the outbox
  passes of all the workers to a local HTTP server: each arrives once, except at most one
  message of the killed worker, the one it had handed to the server and not yet recorded
  (docs/operators/notifications.md: a crash between the vendor's answer and our UPDATE re-sends
  that row); every row ends sent, those the killed worker held after the delivery lease;
* the killed worker's running task is requeued by the reaper and run again;
* no schedule slot is claimed or enqueued twice.

It lives here rather than beside opsbook/jobs/tests/test_workers_at_scale.py because it drives
routines and notify (the jobs app may not import them) and runs the same harness
(opsbook.jobs.testing). PostgreSQL only, like that one.
"""

import os
import re
from collections import Counter
from functools import partial

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from opsbook.catalog.models import Ownership
from opsbook.core import clock
from opsbook.jobs.models import ScheduleClaim, WorkerHeartbeat
from opsbook.jobs.testing import (
    database_url,
    kill,
    kill_all,
    start_schedulers,
    start_workers,
    stop,
    wait_until,
)
from opsbook.notify.choices import Audience, ChannelKind, DeliveryStatus, Event
from opsbook.notify.jobs import send_outbox
from opsbook.notify.models import Delivery, Rule
from opsbook.notify.services import do_notify
from opsbook.notify.testing import WebhookServer, allow_local, make_channel
from opsbook.routines.choices import Source
from opsbook.routines.generation import generate
from opsbook.routines.jobs import generate_occurrences_task, reschedule_contents_task
from opsbook.routines.models import ContentSchedule, Occurrence
from opsbook.routines.testing import SHANGHAI, make_office_calendar, make_routine

from . import scale_schedules

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="many writers at once: the PostgreSQL suite runs it (SQLite has one writer)",
    ),
]

WORKERS = 3
SCHEDULERS = 2
CONTENTS = 200
NOTICES = 400
GENERATIONS_AT_ONCE = 4
OUTBOX_PASSES_AT_ONCE = 3
FREQUENCIES = ("工作日每天", "每周两次", "每周一", "每月5日前", "每日")
GENERATION_TASKS = (generate_occurrences_task.module_path, reschedule_contents_task.module_path)
NOTICE = re.compile(rb"scale-notice-(\d+)")
ENQUEUED = re.compile(r"Enqueued (\S+) for (\S+) \(task result ([0-9a-f-]+)\)")


def seed_contents(personas) -> None:
    """CONTENTS recurring contents of mixed frequencies, committed at once: their rescheduling
    (contents_changed) is one task, queued for the workers."""
    make_office_calendar()
    item = None
    with transaction.atomic():
        for n in range(CONTENTS):
            content = make_routine(
                owners=[
                    Ownership(user=personas.alice, is_primary=True),
                    Ownership(user=personas.bob),
                ],
                item=item,
                frequency_text=FREQUENCIES[n % len(FREQUENCIES)],
            )
            item = content.item


def notice(n: int) -> tuple[str, str]:
    return f"scale-notice-{n}", f"工单 scale-notice-{n} 已分派"


def seed_notices(channel) -> None:
    """NOTICES chat messages through do_notify, to a rule whose audience is the chat group, in
    one transaction (as one change telling many would), so that they all arrive at once."""
    Rule.objects.create(
        event=Event.TICKET_ASSIGNED,
        audience=Audience.CHAT_GROUP,
        channel=channel,
        in_app=False,
        email=False,
    )
    now = clock.now()
    with transaction.atomic():
        for n in range(NOTICES):
            do_notify(
                Event.TICKET_ASSIGNED,
                key=f"scale:{n}",
                message=partial(notice, n),
                link=f"/tickets/{n}/",
                audiences={},
                now=now,
            )


def sending_by(pid: int) -> int:
    """Rows the outbox pass of process ``pid`` has claimed and not recorded yet (the claim
    token is host:pid:random)."""
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_by__contains=f":{pid}:"
    ).count()


def outbox_state(deliveries, processes) -> str:
    """What a failed wait shows: the rows by status and last error, and the processes' logs."""
    rows = Counter(deliveries.values_list("status", "last_error"))
    tasks = Counter(DBTaskResult.objects.values_list("task_path", "status"))
    logs = "\n".join(f"--- {p.name}\n{p.output()[-3000:]}" for p in processes)
    return f"deliveries {dict(rows)}\ntasks {dict(tasks)}\n{logs}"


def running_on(worker_id: str) -> list[DBTaskResult]:
    return [
        row
        for row in DBTaskResult.objects.filter(status="RUNNING")
        if row.worker_ids and row.worker_ids[-1] == worker_id
    ]


def test_workers_and_schedulers_with_one_killed_generate_and_notify_exactly_once(
    personas, database_tasks, tmp_path
):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_LEASE_SECONDS": "5",
        "TASK_REAPER_SECONDS": "1",
        "NOTIFY_BATCH_SIZE": "10",
        "NOTIFY_LEASE_SECONDS": "30",  # the setting's minimum: the killed worker's rows wait it
        "NOTIFY_RETRY_BASE_SECONDS": "1",  # then are tried again after this
    }
    started = clock.now()
    allow_local()
    with WebhookServer(delay=0.01) as server:
        # A generic JSON webhook (signed): a chat channel without a vendor's rate limit.
        channel = make_channel(ChannelKind.WEBHOOK, server.url(), secret="scale-secret")
        ours = Delivery.objects.filter(channel=channel)
        # The work, committed before the processes start.
        seed_contents(personas)
        seed_notices(channel)
        assert ours.count() == NOTICES
        workers = start_workers(WORKERS, env=env, logs=tmp_path)
        schedulers = start_schedulers(
            SCHEDULERS,
            env=env,
            logs=tmp_path,
            setup=f"{scale_schedules.__name__}.add_fast_schedules",
        )
        victim, survivors = workers[0], workers[1:]
        try:
            # Every worker beating before more work is enqueued, so that all compete for it.
            wait_until(
                lambda: WorkerHeartbeat.objects.filter(stopped_at__isnull=True).count() == WORKERS,
                "the workers",
                seconds=60,
            )
            for _ in range(GENERATIONS_AT_ONCE):
                generate_occurrences_task.enqueue()
            for _ in range(OUTBOX_PASSES_AT_ONCE):
                send_outbox.enqueue()

            # The kill lands while the victim runs an outbox pass holding claimed rows.
            wait_until(
                lambda: sending_by(victim.pid) and running_on(victim.worker_id),
                "worker-1 in the middle of an outbox pass",
                seconds=60,
            )
            assert kill(victim) == -9
            held = sending_by(victim.pid)
            lost_tasks = [row.id for row in running_on(victim.worker_id)]
            assert held and lost_tasks, "the kill came after the pass ended"

            wait_until(
                lambda: not ours.exclude(status=DeliveryStatus.SENT).exists(),
                "every delivery sent, the killed worker's after the lease",
                seconds=90,
                state=lambda: outbox_state(ours, workers + schedulers),
            )
            wait_until(
                lambda: (
                    DBTaskResult.objects.filter(id__in=lost_tasks, status="SUCCESSFUL").count()
                    == len(lost_tasks)
                ),
                "the reaper to requeue the killed worker's task and a survivor to run it",
                seconds=30,
            )
            scheduler_statuses = stop(schedulers)
            wait_until(
                lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(),
                "the queue to drain",
                seconds=60,
            )
            worker_statuses = stop(survivors)
        finally:
            kill_all(workers + schedulers)
        received = Counter(
            int(match.group(1))
            for request in server.received
            if (match := NOTICE.search(request.body))
        )

    logs = "\n".join(process.output() for process in workers + schedulers)
    assert scheduler_statuses == [0] * SCHEDULERS, logs
    assert worker_statuses == [0] * (WORKERS - 1), logs
    assert not DBTaskResult.objects.filter(status="FAILED").exists(), logs

    # (a) Each occurrence once, and the same ones one run alone creates on an empty table.
    scheduled = Occurrence.objects.filter(source=Source.SCHEDULE)
    twice = (
        scheduled.values("content_id", "period_start", "index")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(twice) == []
    runs = DBTaskResult.objects.filter(task_path__in=GENERATION_TASKS)
    assert runs.filter(task_path=generate_occurrences_task.module_path).count() > (
        GENERATIONS_AT_ONCE
    )  # the schedulers' too
    assert len({row.worker_ids[-1] for row in runs}) >= 2, "one worker did all the generating"
    made_by_many = set(scheduled.values_list("content_id", "period_start", "index"))
    assert len(made_by_many) > CONTENTS * 5
    after = clock.now()
    again = generate(after, dry_run=True)
    assert (again.created, again.updated, again.cancelled) == (0, 0, 0)
    Occurrence.objects.all().delete()
    ContentSchedule.objects.all().delete()
    alone = generate(after)
    assert not alone.unschedulable
    if started.astimezone(SHANGHAI).date() == after.astimezone(SHANGHAI).date():
        assert alone.created == len(made_by_many)
        assert set(scheduled.values_list("content_id", "period_start", "index")) == made_by_many

    # (b) Every notification sent and received; twice at most the one the killed worker had
    # handed over when it died (sent, not recorded), and only one of the rows it held.
    assert ours.filter(status=DeliveryStatus.SENT).count() == NOTICES
    assert set(received) == set(range(NOTICES))
    resent = [n for n, times in received.items() if times > 1]
    assert len(resent) <= 1 and all(received[n] == 2 for n in resent), resent
    assert sum(received.values()) == NOTICES + len(resent)

    print(  # the figures docs/operators/workers.md quotes (pytest -s shows them)
        f"scale: {len(made_by_many)} occurrences by {runs.count()} generation runs; "
        f"{NOTICES} notices, {sum(received.values())} requests, resent {resent}, "
        f"{held} rows held by the killed worker"
    )

    # (c) The killed worker's task was taken back by the reaper and run to the end.
    for row in DBTaskResult.objects.filter(id__in=lost_tasks):
        assert row.worker_ids[0] == victim.worker_id and len(row.worker_ids) > 1, row.worker_ids
    assert f"requeued: worker {victim.worker_id}" in logs

    # (d) No schedule slot claimed twice: each slot enqueued once, by one scheduler, and each
    # claim row is the one task result the log names.
    enqueued = [m for s in schedulers for m in ENQUEUED.findall(s.output())]
    slots = Counter((name, slot) for name, slot, _ in enqueued)
    assert slots and max(slots.values()) == 1, slots
    assert {name for name, _ in slots} >= {scale_schedules.GENERATE, scale_schedules.OUTBOX}
    claims = {
        str(task_result)
        for task_result in ScheduleClaim.objects.values_list("task_result_id", flat=True)
    }
    assert claims == {task_result for _, _, task_result in enqueued}
