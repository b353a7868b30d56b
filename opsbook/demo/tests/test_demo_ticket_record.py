"""The demo's ticket record is one a team could trust (issue 8): nothing written about a closed
complaint after it closed, automatic assignments are the system's, every ticket has a clock."""

import pytest
from django.core.management import call_command

from opsbook.accounts.choices import Role
from opsbook.tickets.choices import EventKind, SlaState, Status, TicketType
from opsbook.tickets.filters import sla_state
from opsbook.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", "--no-snapshots", verbosity=0)


def test_nothing_is_written_about_a_closed_complaint_after_it_closed(demo):
    closed = Ticket.objects.filter(type=TicketType.COMPLAINT, status=Status.CLOSED)
    assert closed.exists()
    for ticket in closed:
        closed_at = ticket.closed_at
        assert closed_at is not None
        cause = ticket.events.filter(kind=EventKind.CHANGED, data__has_key="changes")
        cause_at = [e.at for e in cause if "root_cause" in e.data["changes"]]
        assert cause_at and max(cause_at) < closed_at
        visits = ticket.events.filter(kind=EventKind.FOLLOW_UP)
        assert all(v.at <= closed_at for v in visits)
        assert all(f.at <= closed_at for f in ticket.follow_ups.all())


def test_no_customer_is_shown_assigning_or_moving_a_ticket(demo):
    by_customers = TicketEvent.objects.filter(
        kind__in=[EventKind.ASSIGNED, EventKind.STATUS], actor__role=Role.CUSTOMER
    )
    assert not by_customers.exists()
    assert TicketEvent.objects.filter(kind=EventKind.ASSIGNED, actor__isnull=True).exists()


def test_every_demo_ticket_that_is_not_cancelled_has_a_clock(demo):
    open_complaints = Ticket.objects.open().filter(type=TicketType.COMPLAINT)
    assert open_complaints.exists()
    for ticket in Ticket.objects.exclude(status=Status.CANCELLED):
        assert ticket.response_target_seconds or ticket.resolution_target_seconds, ticket.title
    for ticket in open_complaints:
        assert ticket.response_due_at is not None
        assert sla_state(ticket, ticket.updated_at) != SlaState.NO_CLOCK
