"""Closing resolved tickets after the reopen window (jobs.close_resolved_tickets); complaints
wait for their root cause and follow-up visit (回访)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbook.jobs.schedule import registry
from opsbook.tickets import jobs, services
from opsbook.tickets.choices import EventKind, Status, TicketType
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
RESOLVED_AT = T0 + timedelta(hours=2)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def window(settings):
    settings.OPSBOOK_TICKET_REOPEN_DAYS = 7


@pytest.fixture
def item(personas):
    make_calendar()
    return make_service(personas.alice)


def resolved_ticket(personas, item, **fields):
    ticket = make_ticket(personas.alice, item, now=T0, **fields)
    return services.resolve(personas.alice, ticket, now=RESOLVED_AT)


def status_of(ticket):
    return Ticket.objects.get(pk=ticket.pk).status


def test_a_resolved_ticket_closes_once_the_reopen_window_has_passed(personas, item):
    ticket = resolved_ticket(personas, item)

    assert jobs.close_resolved_tickets(RESOLVED_AT + timedelta(days=7)) == 0
    assert status_of(ticket) == Status.RESOLVED

    closed_at = RESOLVED_AT + timedelta(days=7, seconds=1)
    assert jobs.close_resolved_tickets(closed_at) == 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.CLOSED and ticket.closed_at == closed_at
    event = ticket.events.filter(kind=EventKind.STATUS).last()
    assert event is not None
    assert (event.to_status, event.actor, event.data) == (
        Status.CLOSED,
        None,
        {"note": "auto", "rule": "auto_close"},  # the system's, by its rule (issue 8)
    )


def test_closing_twice_closes_once(personas, item):
    resolved_ticket(personas, item)
    later = RESOLVED_AT + timedelta(days=8)

    assert jobs.close_resolved_tickets(later) == 1
    assert jobs.close_resolved_tickets(later) == 0
    assert Ticket.objects.get().events.filter(to_status=Status.CLOSED).count() == 1


def test_open_and_reopened_tickets_are_left_alone(personas, item):
    open_ticket = make_ticket(personas.alice, item, now=T0)
    reopened = resolved_ticket(personas, item)
    services.reopen(personas.alice, reopened, now=RESOLVED_AT + timedelta(days=1))

    assert jobs.close_resolved_tickets(RESOLVED_AT + timedelta(days=30)) == 0
    assert status_of(open_ticket) == Status.NEW
    assert status_of(reopened) == Status.IN_PROGRESS


def test_a_complaint_without_root_cause_or_follow_up_stays_resolved(personas, item):
    no_root_cause = resolved_ticket(personas, item, type=TicketType.COMPLAINT)
    services.do_add_follow_up(personas.alice, no_root_cause, method="phone", outcome="已回访")
    no_visit = resolved_ticket(personas, item, type=TicketType.COMPLAINT)
    Ticket.objects.filter(pk=no_visit.pk).update(root_cause="排班不足")
    blank_root_cause = resolved_ticket(personas, item, type=TicketType.COMPLAINT)
    Ticket.objects.filter(pk=blank_root_cause.pk).update(root_cause="   ")
    services.do_add_follow_up(personas.alice, blank_root_cause, method="visit", outcome="已上门")
    plain = resolved_ticket(personas, item)

    assert jobs.close_resolved_tickets(RESOLVED_AT + timedelta(days=8)) == 1

    assert status_of(plain) == Status.CLOSED
    for complaint in (no_root_cause, no_visit, blank_root_cause):
        assert status_of(complaint) == Status.RESOLVED


def test_a_complaint_with_root_cause_and_follow_up_closes(personas, item):
    complaint = resolved_ticket(personas, item, type=TicketType.COMPLAINT)
    Ticket.objects.filter(pk=complaint.pk).update(root_cause="系统升级未提前通知")
    services.do_add_follow_up(personas.alice, complaint, method="wecom", outcome="客户认可")

    assert jobs.close_resolved_tickets(RESOLVED_AT + timedelta(days=8)) == 1
    assert status_of(complaint) == Status.CLOSED


def test_blocked_complaints_do_not_hold_up_the_others(personas, item, monkeypatch):
    monkeypatch.setattr(jobs, "CLOSE_LIMIT", 2)
    for _ in range(3):
        resolved_ticket(personas, item, type=TicketType.COMPLAINT)
    plain = resolved_ticket(personas, item)

    assert jobs.close_resolved_tickets(RESOLVED_AT + timedelta(days=8)) == 1
    assert status_of(plain) == Status.CLOSED


def test_closing_never_fills_in_a_rating(personas, item):
    ticket = resolved_ticket(personas, item)

    jobs.close_resolved_tickets(RESOLVED_AT + timedelta(days=8))

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.rating is None and ticket.rating_comment == "" and ticket.rated_at is None
    assert not ticket.events.filter(kind=EventKind.RATED).exists()


def test_the_job_and_its_schedule_are_registered():
    names = {schedule.name for schedule in registry}
    assert "opsbook.tickets.jobs.check_sla_task" in names
    assert "opsbook.tickets.jobs.close_resolved_tickets_task" in names
