from datetime import datetime

import pytest

from opsbook.jobs.schedule import registry as schedules
from opsbook.metrics import engine, jobs, snapshots
from opsbook.metrics.models import Snapshot
from opsbook.metrics.periods import month
from opsbook.tickets.models import TicketEvent

from .helpers import SH, at, ticket

pytestmark = pytest.mark.django_db
NOV = month(2026, 11)
CLOSE = datetime(2026, 12, 1, 0, 20, tzinfo=SH)


def backlog(now, period=NOV, **kw):
    return engine.evaluate(["tickets.backlog"], period, now=now, **kw).figures["tickets.backlog"]


def test_closing_a_month_freezes_its_backlog(personas):
    ticket(at(2026, 11, 2), assignee=personas.alice)
    ticket(at(2026, 11, 3))
    taken = snapshots.close_periods(CLOSE)
    assert "2026-11" in taken and "2026-11-30" in taken
    row = Snapshot.objects.get(
        metric="tickets.backlog", period_kind="month", period_start=NOV.start, dimension=""
    )
    assert (row.value, row.final) == (2, True)
    assert Snapshot.objects.get(
        metric="tickets.backlog", period_start=NOV.start, period_kind="month",
        dimension="owner", code="alice",
    ).value == 1  # fmt: skip
    # History rewritten afterwards (an event back-dated into November): the snapshot holds.
    t = ticket(at(2026, 11, 4))
    TicketEvent.objects.create(
        ticket=t, at=at(2026, 11, 5), kind="status", from_status="new", to_status="resolved"
    )
    later = datetime(2027, 1, 5, tzinfo=SH)
    f = backlog(later)
    assert f.value == 2 and not f.live
    assert backlog(later, by="owner").by["alice"].value == 1
    # Without a snapshot the same question is answered live, and says so.
    live = backlog(later, month(2026, 9))
    assert live.live and live.value == 0
    # Flow metrics are always computed from the tickets as they stand.
    created = engine.evaluate(["tickets.created"], NOV, now=later).figures["tickets.created"]
    assert created.value == 3


def test_running_the_jobs_again_is_safe():
    ticket(at(2026, 11, 2))
    snapshots.close_periods(CLOSE)
    count = Snapshot.objects.count()
    assert snapshots.close_periods(CLOSE) == {}
    snapshots.take(NOV, now=CLOSE, final=True)
    assert Snapshot.objects.count() == count
    n = snapshots.refresh_current(datetime(2026, 12, 3, tzinfo=SH))
    assert n and snapshots.refresh_current(datetime(2026, 12, 3, 0, 15, tzinfo=SH)) == n
    current = Snapshot.objects.filter(period_start=month(2026, 12).start, period_kind="month")
    assert current.count() == n and not current.filter(final=True).exists()


def test_the_jobs_are_scheduled():
    names = {s.name for s in schedules}
    assert jobs.close_metric_periods_task.module_path in names
    assert jobs.refresh_metric_snapshots_task.module_path in names


def test_the_current_month_reads_its_comparisons_from_snapshots():
    ticket(at(2025, 11, 3))
    ticket(at(2026, 10, 3))
    for closed in (month(2025, 11), month(2026, 10)):
        snapshots.take(closed, now=closed.end_at(), final=True)
    TicketEvent.objects.all().delete()  # history lost: only the snapshots remember
    now = datetime(2026, 11, 20, tzinfo=SH)
    ticket(at(2026, 11, 3))
    f = backlog(now)
    assert (f.value, f.previous, f.last_year) == (3, 2, 1)
    assert not f.live and f.live_windows == ()
