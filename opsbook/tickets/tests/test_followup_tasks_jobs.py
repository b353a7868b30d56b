"""The follow-up job: the owner is reminded on the due day (once), the team lead (else the
managers) is told when the visit is overdue (once), however often and by however many workers
the job runs."""

from datetime import datetime, timedelta

import pytest

from opsbook.notify.choices import Event
from opsbook.notify.models import Delivery, Notification
from opsbook.tickets import jobs, services
from opsbook.tickets.models import FollowUpTask, Ticket

from .followup_helpers import DUE, RESOLVED, SH, complaint, scene

pytestmark = pytest.mark.django_db
DUE_DAY_START = datetime(2026, 10, 10, 9, 0, tzinfo=SH)  # the 调休 Saturday's first window


@pytest.fixture
def task(personas):
    item = scene(personas)
    ticket = complaint(personas, item)
    services.resolve(personas.alice, ticket, now=RESOLVED)
    return FollowUpTask.objects.get(ticket=ticket)


def told(event):
    return sorted(n.user.username for n in Notification.objects.filter(event=event))


def test_nobody_is_reminded_before_the_due_day_begins(task):
    assert jobs.remind_follow_ups(DUE_DAY_START - timedelta(seconds=1)) == 0
    assert jobs.remind_follow_ups(RESOLVED + timedelta(days=1)) == 0
    assert told(Event.FOLLOWUP_DUE) == []


def test_the_owner_is_reminded_once_on_the_due_day(task):
    assert jobs.remind_follow_ups(DUE_DAY_START) == 1
    assert jobs.remind_follow_ups(DUE_DAY_START + timedelta(hours=2)) == 0

    assert told(Event.FOLLOWUP_DUE) == ["alice"]
    assert Delivery.objects.filter(event=Event.FOLLOWUP_DUE, address="alice@example.com").count()
    task.refresh_from_db()
    assert task.reminded_at == DUE_DAY_START


def test_an_overdue_visit_is_escalated_to_the_team_lead_once(task):
    assert jobs.escalate_follow_ups(DUE) == 0  # due at 18:00, overdue after it
    after = DUE + timedelta(minutes=5)

    assert jobs.escalate_follow_ups(after) == 1
    assert jobs.escalate_follow_ups(after + timedelta(hours=1)) == 0

    assert told(Event.FOLLOWUP_OVERDUE) == ["bob"]
    task.refresh_from_db()
    assert task.escalated_at == after


def test_when_the_lead_owns_the_overdue_visit_the_managers_are_told(personas, task):
    FollowUpTask.objects.filter(pk=task.pk).update(owner=personas.bob)

    jobs.escalate_follow_ups(DUE + timedelta(hours=1))

    assert told(Event.FOLLOWUP_OVERDUE) == ["mia"]


def test_an_unowned_visit_reminds_the_managers(personas, task):
    FollowUpTask.objects.filter(pk=task.pk).update(owner=None)

    jobs.remind_follow_ups(DUE_DAY_START)

    assert told(Event.FOLLOWUP_DUE) == ["mia"]


def test_a_done_or_cancelled_visit_is_neither_reminded_nor_escalated(personas, task):
    services.do_add_follow_up(
        personas.alice,
        Ticket.objects.get(pk=task.ticket_id),
        method="visit",
        outcome="上门回访，已解决",
        now=RESOLVED + timedelta(days=8),
    )

    assert jobs.remind_follow_ups(DUE_DAY_START) == 0
    assert jobs.escalate_follow_ups(DUE + timedelta(days=1)) == 0


def test_a_claim_taken_by_another_worker_is_left_alone(task):
    # Another worker reminded it between this run's read and its claim.
    FollowUpTask.objects.filter(pk=task.pk).update(reminded_at=DUE_DAY_START)

    assert jobs.remind_follow_ups(DUE_DAY_START + timedelta(minutes=1)) == 0
    assert told(Event.FOLLOWUP_DUE) == []


def test_the_scheduled_task_runs_both_at_the_clocks_time(task, time_machine):
    time_machine.move_to(DUE + timedelta(minutes=1), tick=False)

    assert jobs.follow_ups_task.call() == 2  # reminded (never was) and escalated

    assert told(Event.FOLLOWUP_DUE) == ["alice"] and told(Event.FOLLOWUP_OVERDUE) == ["bob"]
