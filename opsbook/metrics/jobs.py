"""Background jobs of the metrics engine, both ``@idempotent`` (a re-run upserts the same rows):

* ``close_metric_periods_task`` (daily, 00:20 in the organisation's zone): the final snapshots
  of the day, week and month that have just closed, so that their point-in-time figures
  (backlog, breached open) stay reproducible;
* ``refresh_metric_snapshots_task`` (every 15 minutes): the current month's snapshot.
"""

from django.tasks import task

from opsbook.core import clock
from opsbook.jobs.retry import idempotent
from opsbook.jobs.schedule import daily, every

from . import snapshots


@daily(at="00:20")
@idempotent()
@task()
def close_metric_periods_task() -> dict:
    return snapshots.close_periods(clock.now())


@every(minutes=15)
@idempotent()
@task()
def refresh_metric_snapshots_task() -> int:
    return snapshots.refresh_current(clock.now())
