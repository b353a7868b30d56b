"""The demo's notifications: inbox entries for the demo people, and a chat group whose robot
cannot be reached, with a rule, so failed deliveries show; loading twice adds nothing."""

from datetime import UTC, datetime

import pytest

from opsbook.accounts.demo import load_people
from opsbook.notify import demo
from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import Channel, Delivery, Notification, Rule

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)


def test_the_demo_fills_inboxes_and_queues_a_message_for_the_unreachable_chat_group():
    load_people()
    created = demo.load(NOW)
    assert created == Notification.objects.count() >= 5
    assert Notification.objects.filter(user__username="alice").exists()
    assert Notification.objects.filter(user__username="manager").exists()
    channel = Channel.objects.get(name="值班群 (demo)")
    assert channel.kind == ChannelKind.WECOM and channel.url.split("/")[2].endswith(".invalid")
    assert Rule.objects.get(channel=channel).event == Event.SLA_BREACH
    assert Rule.objects.get(channel=channel).audience == Audience.CHAT_GROUP
    assert Delivery.objects.filter(channel=channel).count() == 1


def test_loading_twice_creates_nothing_more():
    load_people()
    demo.load(NOW)
    counts = (Notification.objects.count(), Delivery.objects.count(), Rule.objects.count())
    assert demo.load(NOW) == 0
    assert counts == (Notification.objects.count(), Delivery.objects.count(), Rule.objects.count())
