"""Automatic actions are the system's (or the rule's), never the person whose action set them
off: a portal ticket assigned to the service's owner, a ticket resumed by the customer's reply,
a ticket closed after the reopen window. Issue 8: "陈静 将工单分派给 张三" is gone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from opsbook.accounts.testing import make_user
from opsbook.tickets import presenters, services
from opsbook.tickets.choices import AutoRule, EventKind, Status
from opsbook.tickets.models import TicketEvent
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket
from opsbook.tickets.tests.views_helpers import client_for

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a Monday
pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    return item


@pytest.fixture
def chenjing(personas):
    return make_user("chenjing", "customer", display_name="陈静", customer=personas.customer_a)


def assignment(ticket) -> TicketEvent:
    return ticket.events.get(kind=EventKind.ASSIGNED)


def test_a_portal_ticket_is_assigned_by_the_system_not_by_the_customer(personas, item, chenjing):
    ticket = make_ticket(chenjing, item, channel="portal", now=NOW)

    event = assignment(ticket)
    assert event.actor is None and event.data["rule"] == AutoRule.ASSIGNMENT
    assert ticket.events.get(kind=EventKind.CREATED).actor == chenjing  # she did open it
    with translation.override("zh-hans"):
        entry = next(e for e in presenters.timeline(ticket, TZ) if e.event == event)
        assert entry.actor == "系统（自动分派）"
        assert "张三" in entry.text
        assert "陈静" not in entry.actor


def test_the_staff_ticket_page_never_names_the_customer_as_the_assigner(personas, item, chenjing):
    ticket = make_ticket(chenjing, item, channel="portal", now=NOW)
    client = client_for(personas.alice)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "系统（自动分派）" in page
    assert "陈静</strong> 将工单分派给" not in page


def test_a_default_assignment_when_staff_name_nobody_is_the_systems_too(personas, item):
    ticket = make_ticket(personas.mia, item, now=NOW)

    assert assignment(ticket).actor is None
    assert assignment(ticket).data["rule"] == AutoRule.ASSIGNMENT


def test_a_chosen_assignee_is_the_openers_choice(personas, item):
    ticket = make_ticket(personas.mia, item, assignee=personas.bob, now=NOW)

    event = assignment(ticket)
    assert event.actor == personas.mia and "rule" not in event.data
    assert presenters.event_actor(event) == "米娅"


def test_a_customer_reply_resumes_the_ticket_as_the_system(personas, item):
    ticket = make_ticket(personas.dana, item, channel="portal", now=NOW)
    services.wait_on_customer(personas.alice, ticket, now=NOW + timedelta(minutes=5))
    ticket.refresh_from_db()

    services.do_reply(personas.dana, ticket, "补充信息", now=NOW + timedelta(minutes=30))

    resumed = ticket.events.filter(kind=EventKind.STATUS).last()
    assert resumed.to_status == Status.IN_PROGRESS
    assert resumed.actor is None and resumed.data["rule"] == AutoRule.CUSTOMER_REPLY
    public = presenters.public_timeline(personas.dana, ticket)
    with translation.override("zh-hans"):
        entry = next(e for e in public if e.event == resumed)
        assert presenters.event_actor(resumed) == "系统（客户回复后自动恢复处理）"
    assert entry.kind == "status"


def test_rows_written_before_rules_were_recorded_read_as_the_system(personas, item, chenjing):
    """Old rows: the customer as the actor of an assignment or a status change, and "auto"."""
    ticket = make_ticket(chenjing, item, channel="portal", now=NOW)
    TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).update(
        actor=chenjing, data={"assignee": personas.alice.pk, "name": "张三"}
    )
    old_close = TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.STATUS, at=NOW, data={"note": "auto"}
    )

    with translation.override("zh-hans"):
        assert presenters.event_actor(assignment(ticket)) == "系统（自动分派）"
        assert presenters.event_actor(old_close) == "系统（自动关闭）"


def test_closing_after_the_reopen_window_is_the_systems(personas, item):
    ticket = make_ticket(personas.mia, item, now=NOW)
    services.resolve(personas.alice, ticket, now=NOW + timedelta(hours=1))
    ticket.refresh_from_db()

    services.system_close(ticket, NOW + timedelta(days=30))

    closed = ticket.events.filter(kind=EventKind.STATUS).last()
    assert closed.actor is None and closed.data["rule"] == AutoRule.AUTO_CLOSE
