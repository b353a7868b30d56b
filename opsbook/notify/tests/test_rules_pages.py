"""The rules pages: managers list rules by event, add, edit, delete and send a test; agents
get 403, customers 404."""

import pytest
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.notify.choices import Audience, ChannelKind, DeliveryStatus, Event
from opsbook.notify.models import Channel, Delivery, Notification, Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, personas):
    personas.mia.email = "mia@example.com"
    personas.mia.save()
    client.force_login(personas.mia)
    return client


@pytest.fixture
def channel():
    return Channel.objects.create(
        name="值班群", kind=ChannelKind.WECOM, url="https://qyapi.weixin.qq.com/x"
    )


def test_managers_see_the_rules_by_event_with_the_fallback_named(
    manager, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        page = manager.get(reverse("notify:rules")).text
    assert page.count('id="rule-') == Rule.objects.count()
    assert "rules-fallback" in page  # e.g. "ticket created" has no rule
    assert reverse("notify:rule_new") + "?event=ticket_created" in page


@pytest.mark.parametrize(
    "name,args",
    [
        ("notify:rules", []),
        ("notify:rule_new", []),
        ("notify:rule_edit", [1]),
    ],
)
def test_agents_get_403_and_customers_404(client, personas, name, args):
    if args:
        args = [Rule.objects.earliest("id").pk]
    client.force_login(personas.alice)
    assert client.get(reverse(name, args=args)).status_code == 403
    client.force_login(personas.vera)
    assert client.get(reverse(name, args=args)).status_code == 403
    client.force_login(personas.dana)
    assert client.get(reverse(name, args=args)).status_code == 404


def test_an_agent_cannot_delete_or_test_a_rule(client, personas):
    rule = Rule.objects.earliest("id")
    client.force_login(personas.alice)
    assert client.post(reverse("notify:rule_delete", args=[rule.pk])).status_code == 403
    assert client.post(reverse("notify:rule_test", args=[rule.pk])).status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists() and not Notification.objects.exists()


def test_the_navigation_links_to_the_rules_for_managers_only(client, personas):
    client.force_login(personas.mia)
    assert reverse("notify:rules") in client.get(reverse("notify:inbox")).text
    client.force_login(personas.alice)
    assert reverse("notify:rules") not in client.get(reverse("notify:inbox")).text


def test_a_manager_adds_edits_and_deletes_a_rule(manager):
    response = manager.post(
        reverse("notify:rule_new"),
        {"event": "ticket_created", "audience": "managers", "email": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    rule = Rule.objects.get(event=Event.TICKET_CREATED)
    assert rule.audience == Audience.MANAGERS and rule.email and not rule.in_app
    manager.post(
        reverse("notify:rule_edit", args=[rule.pk]),
        {"event": "ticket_created", "audience": "managers", "in_app": "on"},
    )
    rule.refresh_from_db()
    assert rule.in_app and not rule.email and not rule.is_active
    manager.post(reverse("notify:rule_delete", args=[rule.pk]))
    assert not Rule.objects.filter(pk=rule.pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_type="notify.rule", object_id=str(rule.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_a_chat_group_rule_offers_active_channels_only_and_needs_one(manager, channel):
    Channel.objects.create(name="旧群", kind=ChannelKind.DINGTALK, is_active=False)
    form = manager.get(reverse("notify:rule_new")).text
    assert "值班群" in form and "旧群" not in form
    missing = manager.post(
        reverse("notify:rule_new"), {"event": "sla_breach", "audience": "chat_group"}
    )
    assert missing.status_code == 200 and missing.context["form"].errors["channel"]
    manager.post(
        reverse("notify:rule_new"),
        {"event": "sla_breach", "audience": "chat_group", "channel": channel.pk, "in_app": "on"},
    )
    rule = Rule.objects.get(audience=Audience.CHAT_GROUP)
    assert rule.channel == channel and not rule.in_app and not rule.email


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"event": "ticket_assigned", "audience": "assignee", "in_app": "on"}, "audience"),
        ({"event": "ticket_created", "audience": "owners"}, "in_app"),
        ({"event": "test", "audience": "owners", "in_app": "on"}, "event"),
        ({"event": "ticket_created", "audience": "everyone", "in_app": "on"}, "audience"),
    ],
)
def test_bad_rules_are_refused_with_the_field_named(manager, data, field):
    before = Rule.objects.count()
    response = manager.post(reverse("notify:rule_new"), data)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert Rule.objects.count() == before


def test_send_test_reaches_me_by_inbox_and_email(manager, personas):
    rule = Rule.objects.get(event=Event.SLA_BREACH, audience=Audience.TEAM_LEAD)
    response = manager.post(reverse("notify:rule_test", args=[rule.pk]), follow=True)
    assert "mia@example.com" in response.text
    note = Notification.objects.get(user=personas.mia)
    assert note.event == Event.TEST
    mail = Delivery.objects.get(recipient=personas.mia)
    assert mail.status == DeliveryStatus.PENDING and mail.subject == "测试：SLA 已超时"
    manager.post(reverse("notify:rule_test", args=[rule.pk]))
    assert Notification.objects.filter(user=personas.mia).count() == 2  # each press sends


def test_send_test_to_a_chat_group_queues_one_message_for_its_channel(manager, channel):
    rule = Rule.objects.create(
        event=Event.SLA_BREACH,
        audience=Audience.CHAT_GROUP,
        channel=channel,
        in_app=False,
        email=False,
    )
    manager.post(reverse("notify:rule_test", args=[rule.pk]))
    chat = Delivery.objects.get()
    assert chat.channel == channel and chat.kind == ChannelKind.WECOM and chat.event == Event.TEST
    assert not Notification.objects.exists()


def test_send_test_to_an_inactive_channel_says_so(manager, channel):
    rule = Rule.objects.create(
        event=Event.SLA_BREACH,
        audience=Audience.CHAT_GROUP,
        channel=channel,
        in_app=False,
        email=False,
    )
    Channel.objects.filter(pk=channel.pk).update(is_active=False)
    response = manager.post(reverse("notify:rule_test", args=[rule.pk]), follow=True)
    assert "not active" in response.text or "未启用" in response.text
    assert not Delivery.objects.exists()
