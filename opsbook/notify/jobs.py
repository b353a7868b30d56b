"""Periodic jobs of the notify app, registered with the scheduler by importing them here: the
daily digest and the release of held messages (digest.py), and the outbox worker, every 10
seconds and as a task enqueued after a commit that wants its message out at once (a test
message, a resend). Outbox passes may run on any number of workers at once: rows are claimed
with a conditional UPDATE (see delivery.py), so ``send_outbox`` is declared idempotent: a pass
that failed is retried, and one lost with its worker is requeued by the reaper."""

import time

from django.conf import settings
from django.tasks import task

from opsbook.core import clock
from opsbook.jobs.retry import idempotent
from opsbook.jobs.schedule import daily, every

from .delivery import prune_deliveries, run_outbox
from .digest import release_held_task, send_digests_task

__all__ = ["prune_old_deliveries", "release_held_task", "send_digests_task", "send_outbox"]

# A pass claims NOTIFY_BATCH_SIZE rows; while full batches keep coming the job goes on for up to
# this long, so a backlog drains without waiting for the next slot.
BUDGET_SECONDS = 8


@every(seconds=10)
@idempotent(max_attempts=3, backoff=5)
@task
def send_outbox() -> dict[str, int]:
    """Send what is due; returns the counts of the passes (taken back, claimed, by outcome)."""
    started = time.monotonic()
    totals: dict[str, int] = {}
    while True:
        summary = run_outbox(clock.now(), clock=clock.now)
        for name, count in summary.as_dict().items():
            totals[name] = totals.get(name, 0) + count
        if summary.claimed < settings.NOTIFY_BATCH_SIZE:
            break
        if time.monotonic() - started > BUDGET_SECONDS:
            break
    return totals


@daily(at="03:40")
@task
def prune_old_deliveries() -> dict[str, int]:
    """The outbox's housekeeping: old sent and failed deliveries (see prune_deliveries)."""
    return prune_deliveries(clock.now())
