"""Ticket events go through the notify outbox: inbox entries for staff, e-mail rows for staff
and the customer, chat groups as the rules say; written in the change's transaction."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse

from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import Channel, Delivery, Notification, Rule
from opsbook.tickets import services
from opsbook.tickets.choices import TicketType
from opsbook.tickets.tests.factories import make_ticket

from .followup_helpers import OPENED, complaint, scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas):
    return scene(personas)


def told(event):
    return sorted(n.user.username for n in Notification.objects.filter(event=event))


def test_a_complaint_reaches_the_team_lead_as_a_complaint(personas, item):
    ticket = complaint(personas, item)

    assert told(Event.COMPLAINT_RECEIVED) == ["bob"]
    assert told(Event.TICKET_CREATED) == ["alice"]
    note = Notification.objects.get(event=Event.COMPLAINT_RECEIVED)
    assert note.link == reverse("tickets:detail", args=[ticket.pk])
    assert "星火教育" in note.body


def test_without_a_team_lead_a_complaint_reaches_the_managers(personas, item):
    personas.support_team.lead = None
    personas.support_team.save()

    make_ticket(personas.alice, item, type=TicketType.COMPLAINT, now=OPENED)

    assert told(Event.COMPLAINT_RECEIVED) == ["mia"]


def test_other_types_are_no_complaint(personas, item):
    make_ticket(personas.mia, item, type=TicketType.INCIDENT, now=OPENED)

    assert told(Event.COMPLAINT_RECEIVED) == []


def test_each_assignment_is_its_own_notice(personas, item):
    ticket = make_ticket(personas.mia, item, now=OPENED)
    services.do_assign_ticket(personas.mia, ticket, assignee=personas.bob, now=OPENED)
    services.do_assign_ticket(personas.mia, ticket, assignee=personas.alice, now=OPENED)
    services.do_assign_ticket(personas.mia, ticket, assignee=personas.bob, now=OPENED)

    assert told(Event.TICKET_ASSIGNED) == ["alice", "bob", "bob"]


def test_a_rule_sends_complaints_to_a_chat_group_too(personas, item):
    channel = Channel.objects.create(
        name="投诉群", kind=ChannelKind.WECOM, url="https://qyapi.weixin.qq.com/x"
    )
    Rule.objects.create(event=Event.COMPLAINT_RECEIVED, audience=Audience.TEAM_LEAD)
    Rule.objects.create(
        event=Event.COMPLAINT_RECEIVED,
        audience=Audience.CHAT_GROUP,
        channel=channel,
        in_app=False,
        email=False,
    )

    complaint(personas, item)

    chat = Delivery.objects.get(channel=channel)
    assert chat.event == Event.COMPLAINT_RECEIVED and "无法登录" in chat.subject
    assert told(Event.COMPLAINT_RECEIVED) == ["bob"]


def test_inbox_entries_are_written_in_each_readers_language(personas, item):
    personas.bob.language = "zh-hans"
    personas.bob.save()

    complaint(personas, item)

    assert (
        "收到投诉"
        in Notification.objects.get(user=personas.bob, event=Event.COMPLAINT_RECEIVED).title
    )
    assert "New ticket" in Notification.objects.get(user=personas.alice).title


def test_a_rolled_back_change_notifies_nobody(personas, item):
    ticket = make_ticket(personas.mia, item, now=OPENED)
    before = (Notification.objects.count(), Delivery.objects.count())

    with pytest.raises(RuntimeError), transaction.atomic():
        services.do_reply(personas.bob, ticket, "会回滚的回复", now=OPENED + timedelta(hours=1))
        services.do_assign_ticket(personas.mia, ticket, assignee=personas.bob, now=OPENED)
        complaint(personas, item)
        assert Notification.objects.count() > before[0]
        raise RuntimeError

    assert (Notification.objects.count(), Delivery.objects.count()) == before


def test_customers_get_no_inbox_and_never_an_internal_note(personas, item):
    ticket = complaint(personas, item)

    services.do_add_note(personas.alice, ticket, "内部：客户难缠", now=OPENED + timedelta(hours=1))
    services.do_reply(personas.alice, ticket, "您好，已处理", now=OPENED + timedelta(hours=2))

    to_dana = list(Delivery.objects.filter(address="dana@example.com"))
    assert [m.body.splitlines()[0] for m in to_dana] == ["您好，已处理"]
    assert not Notification.objects.filter(user=personas.dana).exists()
    assert not Delivery.objects.filter(body__contains="内部", address="dana@example.com").exists()
