"""Tasks the jobs tests enqueue; module-level so a worker can import them by path."""

import time
from datetime import UTC, datetime

from django.db import transaction
from django.tasks import task
from django.utils.crypto import get_random_string

from opsbook.core import clock
from opsbook.jobs.claims import claim_insert
from opsbook.jobs.models import ScheduleClaim
from opsbook.jobs.retry import idempotent
from opsbook.jobs.schedule import registry

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@task
def say_done() -> str:
    return "done"


@task
def break_down() -> None:
    raise RuntimeError("the job broke")


@task
def needs_a_ticket(ticket_id: int) -> int:
    return ticket_id


@task(takes_context=True)
def counts_attempts(context, extra: int = 0) -> int:
    return context.attempt + extra


@idempotent(max_attempts=3, backoff=60, jitter=0)
@task
def always_breaks() -> None:
    raise RuntimeError("still broken")


@idempotent(max_attempts=4, backoff=10, jitter=0)
@task(takes_context=True)
def works_on_third_attempt(context) -> int:
    if context.attempt < 3:
        raise ConnectionError(f"peer away on attempt {context.attempt}")
    return context.attempt


@idempotent(max_attempts=5, backoff=1, retry_on=(ConnectionError,))
@task
def refuses_bad_input() -> None:
    raise ValueError("bad input is not worth another attempt")


@idempotent(max_attempts=3, backoff=1)
@task
def idempotent_sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


@task
def plain_sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


# --- Work for the processes of test_workers_at_scale ---------------------------------------
# A piece of work is claimed by a unique ScheduleClaim row ("scale-piece:N"); its effect is a
# row without a unique key ("scale-effect:N", one per run that did the work), written in the
# same transaction: more than one effect for a piece would be work done twice.
PIECE = "scale-piece"
EFFECT = "scale-effect"
TICK = "scale-tick"


@idempotent(max_attempts=5, backoff=0.2)
@task(takes_context=True)
def do_piece(context, number: int, hold_seconds: float = 0.0) -> str:
    worker = context.task_result.worker_ids[-1]
    with transaction.atomic():
        if claim_insert(ScheduleClaim, schedule=f"{PIECE}:{number}", slot=EPOCH, claimed_by=worker):
            ScheduleClaim.objects.create(
                schedule=f"{EFFECT}:{number}:{get_random_string(8)}",
                slot=clock.now(),
                claimed_by=worker,
            )
            time.sleep(hold_seconds)  # the work takes a while: a kill lands in the middle
            return "done"
    return "already done"


@idempotent(max_attempts=3, backoff=0.2)
@task
def tick() -> str:
    return "tick"


def add_tick_schedule() -> None:
    """``setup`` for the scheduler processes: the tick, due every second."""
    registry.every(seconds=1, name=TICK)(tick)
