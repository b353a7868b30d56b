"""GET /api/tickets/follow-up-tasks: the follow-up visits owed, scoped like tickets; staff
only."""

from datetime import timedelta

import pytest

from opsbook.catalog.tests.api_helpers import api_as
from opsbook.tickets import services
from opsbook.tickets.models import FollowUpTask

from .followup_helpers import DUE, RESOLVED, complaint, scene

pytestmark = pytest.mark.django_db
PATH = "/tickets/follow-up-tasks"


@pytest.fixture
def owed(personas, time_machine):
    item = scene(personas)
    ticket = complaint(personas, item, title="投诉：等待太久")
    services.resolve(personas.alice, ticket, now=RESOLVED)
    time_machine.move_to(DUE + timedelta(hours=1), tick=False)
    return FollowUpTask.objects.get(ticket=ticket)


def test_staff_list_the_visits_owed_on_their_tickets(personas, owed):
    answer = api_as(personas.alice).get(PATH)

    assert answer.status_code == 200
    [row] = answer.json()["items"]
    assert row["ticket_id"] == owed.ticket_id and row["ticket_title"] == "投诉：等待太久"
    assert row["owner"]["username"] == "alice"
    assert row["reason"] == "resolved" and row["overdue"] is True
    assert row["due_at"].startswith("2026-10-10T10:00:00")  # 18:00 in Shanghai


def test_an_outsider_sees_none_of_another_teams_visits(personas, owed):
    assert api_as(personas.charlie).get(PATH).json()["items"] == []


def test_a_customer_is_refused(personas, owed):
    assert api_as(personas.dana).get(PATH).status_code == 403


def test_filters(personas, owed):
    api = api_as(personas.mia)
    assert len(api.get(PATH + "?owner=none").json()["items"]) == 0
    assert len(api.get(PATH + "?state=overdue&reason=resolved").json()["items"]) == 1
    assert len(api.get(PATH + "?state=done").json()["items"]) == 0
    assert api.get(PATH + "?state=nonsense").status_code == 422
    assert api.get(PATH + "?owner=42").status_code == 422
