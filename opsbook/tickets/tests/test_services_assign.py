"""Assignment (services.do_assign_ticket) and watchers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.tickets import access, services
from opsbook.tickets.choices import EventKind
from opsbook.tickets.tests.factories import make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(personas):
    make_calendar()
    item = make_service(personas.alice)
    return make_ticket(personas.mia, item, now=datetime(2026, 11, 23, 9, tzinfo=TZ))


def test_an_agent_hands_a_ticket_to_a_colleague_in_the_team(personas, ticket):
    ticket = services.do_assign_ticket(personas.alice, ticket, assignee=personas.bob)

    assert (ticket.assignee, ticket.team) == (personas.bob, personas.support_team)
    event = ticket.events.filter(kind=EventKind.ASSIGNED).last()
    assert event.data["name"] == str(personas.bob) and event.actor == personas.alice


def test_unassigning_leaves_the_ticket_in_its_teams_queue(personas, ticket):
    ticket = services.do_assign_ticket(personas.alice, ticket, assignee=None)

    assert ticket.assignee is None and ticket.team == personas.support_team
    assert access.visible_tickets(personas.bob).filter(pk=ticket.pk).exists()


def test_assigning_to_someone_in_no_team_keeps_the_tickets_team(personas, ticket):
    ticket = services.do_assign_ticket(personas.mia, ticket, assignee=personas.mia)

    assert (ticket.assignee, ticket.team) == (personas.mia, personas.support_team)


def test_only_managers_move_a_ticket_to_another_team(personas, ticket):
    with pytest.raises(PermissionDenied):
        services.do_assign_ticket(personas.alice, ticket, assignee=personas.charlie)
    with pytest.raises(PermissionDenied):
        services.do_assign_ticket(personas.alice, ticket, assignee=None, team=personas.tech_team)

    ticket = services.do_assign_ticket(personas.mia, ticket, assignee=personas.charlie)
    assert (ticket.assignee, ticket.team) == (personas.charlie, personas.tech_team)


def test_viewers_and_customers_cannot_be_assigned(personas, ticket):
    for person in (personas.vera, personas.dana):
        with pytest.raises(ValidationError):
            services.do_assign_ticket(personas.mia, ticket, assignee=person)


def test_assigning_the_same_person_again_changes_nothing(personas, ticket):
    version = ticket.version

    same = services.do_assign_ticket(personas.alice, ticket, assignee=personas.alice)

    assert same.version == version
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1


def test_watchers_are_active_staff_and_see_the_ticket(personas, ticket):
    services.do_set_watchers(personas.alice, ticket, add=[personas.charlie, personas.dana])

    assert list(ticket.watchers.all()) == [personas.charlie]
    assert access.visible_tickets(personas.charlie).filter(pk=ticket.pk).exists()
    services.do_set_watchers(personas.alice, ticket, remove=[personas.charlie])
    assert not access.visible_tickets(personas.charlie).filter(pk=ticket.pk).exists()
