"""The overdue job warns once about each current step past its due time: the person
responsible (else the holder's assignee) and the team lead."""

from datetime import UTC, datetime, timedelta

import pytest

from opsbook.accounts.choices import Role
from opsbook.accounts.testing import make_user
from opsbook.notify.choices import Event
from opsbook.notify.models import Delivery, Notification
from opsbook.sops import jobs, services
from opsbook.sops.testing import make_procedure, step

pytestmark = pytest.mark.django_db
START = datetime(2026, 9, 29, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, round the clock (no calendar)


@pytest.fixture
def run(personas):
    team = personas.support_team
    team.lead = personas.mia
    team.save()
    personas.alice.email = "alice@example.com"
    personas.alice.save()
    procedure = make_procedure(
        steps=[
            step("受理", responsible_user=personas.alice, time_limit_minutes=30),
            step("处理", time_limit_minutes=60),
        ]
    )
    return services.do_start_run(procedure, calendar=None, now=START)


def test_nothing_is_sent_before_the_due_time(run):
    assert jobs.notify_overdue_steps(START + timedelta(minutes=29)) == 0
    assert not Notification.objects.exists()


def test_an_overdue_step_is_announced_once_to_the_responsible_person_and_team_lead(personas, run):
    late = START + timedelta(minutes=31)

    assert jobs.notify_overdue_steps(late) == 1
    assert jobs.notify_overdue_steps(late + timedelta(minutes=5)) == 0

    notes = Notification.objects.filter(event=Event.SOP_STEP_OVERDUE)
    assert sorted(n.user.username for n in notes) == ["alice", "mia"]
    note = notes.get(user=personas.alice)
    assert "受理" in note.title and f"/sops/runs/{run.pk}/" == note.link
    assert Delivery.objects.filter(address="alice@example.com").count() == 1
    step_run = run.step_runs.get(step__position=1)
    assert step_run.overdue_notified_at == late


def test_a_second_worker_finds_the_step_already_claimed(run):
    late = START + timedelta(minutes=31)
    pk = jobs.overdue_steps(late).get().pk

    assert jobs.notify_one(pk, late) is True
    assert jobs.notify_one(pk, late) is False
    assert Notification.objects.filter(event=Event.SOP_STEP_OVERDUE).count() == 2


def test_done_steps_and_waiting_steps_are_never_announced(personas, run):
    first = run.step_runs.get(step__position=1)
    services.do_complete_step(personas.mia, first, now=START + timedelta(minutes=10))

    # The second step's clock started at 09:10 with 60 minutes: due 10:10, not before.
    assert jobs.notify_overdue_steps(START + timedelta(minutes=69)) == 0
    assert jobs.notify_overdue_steps(START + timedelta(minutes=71)) == 1


def test_a_reopened_step_gets_a_new_warning_when_its_new_clock_runs_out(personas, run):
    first = run.step_runs.get(step__position=1)
    jobs.notify_overdue_steps(START + timedelta(minutes=31))
    services.do_complete_step(personas.mia, first, now=START + timedelta(minutes=40))
    services.do_reopen_step(personas.mia, first, now=START + timedelta(minutes=50))

    assert jobs.notify_overdue_steps(START + timedelta(minutes=81)) == 1
    assert Notification.objects.filter(user=personas.alice).count() == 2


def test_without_a_responsible_person_nobody_but_the_lead_is_told(personas):
    someone = make_user("lead2", Role.MANAGER)
    procedure = make_procedure("无人负责", steps=[step("处理", time_limit_minutes=1)])
    services.do_start_run(procedure, calendar=None, now=START)

    assert jobs.notify_overdue_steps(START + timedelta(minutes=2)) == 1
    assert not Notification.objects.filter(user=someone).exists()
