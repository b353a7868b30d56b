"""The demo's notifications: inbox entries for the demo people, and a chat group whose robot
cannot be reached, written like an administrator would (host allowlisted, URL encrypted), with
rules, so failed deliveries show; loading twice adds nothing."""

from datetime import UTC, datetime

import pytest

from opsbook.accounts.demo import load_people
from opsbook.accounts.models import User
from opsbook.notify import demo, secrets
from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import AllowedHost, Channel, Delivery, Notification, Rule

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)


def admin() -> User:
    return load_people().users["admin"]


def test_the_demo_fills_inboxes_and_queues_a_message_for_the_unreachable_chat_group():
    created = demo.load(NOW, admin())
    assert created == Notification.objects.count() >= 5
    assert Notification.objects.filter(user__username="alice").exists()
    assert Notification.objects.filter(user__username="manager").exists()
    channel = Channel.objects.get(name="值班群 (demo)")
    assert channel.kind == ChannelKind.WECOM
    assert secrets.channel_url(channel).split("/")[2] == "qyapi-demo.invalid"
    rules = Rule.objects.filter(channel=channel)
    assert {r.event for r in rules} == {Event.SLA_BREACH, Event.OCCURRENCE_OVERDUE}
    assert {r.audience for r in rules} == {Audience.CHAT_GROUP}
    assert Delivery.objects.filter(channel=channel).count() == 1


def test_the_demo_channel_url_is_encrypted_and_its_host_allowlisted_by_the_admin():
    demo.load(NOW, admin())

    channel = Channel.objects.get(name="值班群 (demo)")
    assert channel.url_encrypted
    assert "opsbook-demo" not in channel.url and ".invalid" not in channel.url
    assert AllowedHost.objects.get(host="qyapi-demo.invalid").allow_private is False


def test_without_an_administrator_the_demo_makes_no_chat_channel():
    load_people()

    demo.load(NOW)

    assert not Channel.objects.exists() and not AllowedHost.objects.exists()
    assert Notification.objects.exists()


def test_loading_twice_creates_nothing_more():
    user = admin()
    demo.load(NOW, user)
    counts = (Notification.objects.count(), Delivery.objects.count(), Rule.objects.count())
    assert demo.load(NOW, user) == 0
    assert counts == (Notification.objects.count(), Delivery.objects.count(), Rule.objects.count())
