"""Overdue SOP steps of tickets: the assignee and the team lead are warned once; a resolved or
cancelled ticket's steps are not warned about."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.sops import jobs
from opsbook.sops.testing import make_procedure, step
from opsbook.tickets import services
from opsbook.tickets.choices import Status

from . import views_helpers
from .factories import frozen_time, make_ticket

world = views_helpers.world  # fixture
pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 9, 29, 9, 0, tzinfo=SH)


@pytest.fixture
def ticket(personas, world):
    team = personas.support_team
    team.lead = personas.mia
    team.save()
    make_procedure(
        "热线处理", items=[world["hotline"]], steps=[step("受理", time_limit_minutes=30)]
    )
    with frozen_time(OPENED):
        return make_ticket(personas.mia, world["hotline"])


def test_the_assignee_and_the_team_lead_are_warned_once(personas, ticket):
    late = OPENED + timedelta(minutes=45)

    assert jobs.notify_overdue_steps(late) == 1
    assert jobs.notify_overdue_steps(late) == 0

    warnings = Notification.objects.filter(event=Event.SOP_STEP_OVERDUE)
    told = sorted(warnings.values_list("user__username", flat=True))
    assert told == ["alice", "mia"]  # the assignee (no one named on the step) and the lead
    assert f"#{ticket.pk}" in warnings.get(user=personas.alice).body


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CANCELLED])
def test_a_finished_ticket_s_steps_are_not_warned_about(personas, ticket, status):
    with frozen_time(OPENED + timedelta(minutes=10)):
        services.do_change_status(personas.alice, ticket, status)

    assert jobs.notify_overdue_steps(OPENED + timedelta(hours=2)) == 0
    assert not Notification.objects.filter(event=Event.SOP_STEP_OVERDUE).exists()
