"""The delivery pages: managers and administrators manage chat channels and deliveries, only
administrators the allowlist; secrets are never shown; "send test" and "send again" work."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.notify import secrets
from opsbook.notify.choices import DeliveryStatus, Event
from opsbook.notify.models import AllowedHost, Channel, Delivery
from opsbook.notify.testing import Reply, WebhookServer, allow_local, make_channel, make_delivery

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa1a2b"
NOW = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)


@pytest.fixture
def manager(client, personas):
    client.force_login(personas.mia)
    return client


PAGES = [
    ("notify:channels", ()),
    ("notify:channel_new", ()),
    ("notify:deliveries", ()),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_agents_are_refused_and_customers_see_nothing(client, personas, name, args):
    client.force_login(personas.alice)
    assert client.get(reverse(name, args=args)).status_code == 403
    client.force_login(personas.dana)
    assert client.get(reverse(name, args=args)).status_code == 404
    client.logout()
    assert reverse("accounts:login") in client.get(reverse(name, args=args))["Location"]


def test_only_administrators_edit_the_allowlist(client, personas):
    client.force_login(personas.mia)
    assert client.get(reverse("notify:allowed_hosts")).status_code == 403
    assert client.post(reverse("notify:allowed_hosts"), {"host": "x.example"}).status_code == 403
    client.force_login(personas.erin)
    response = client.post(
        reverse("notify:allowed_hosts"), {"host": "HTTPS://Hooks.Example.com/x", "note": "CI"}
    )
    assert response.status_code == 302
    assert AllowedHost.objects.get().host == "hooks.example.com"


def test_the_allowlist_refuses_vendor_hosts_and_duplicates(client, personas):
    client.force_login(personas.erin)
    response = client.post(reverse("notify:allowed_hosts"), {"host": "hooks.slack.com"})
    assert "always allowed" in response.content.decode() or "始终允许" in response.content.decode()
    AllowedHost.objects.create(host="a.example")
    client.post(reverse("notify:allowed_hosts"), {"host": "a.example"})
    assert AllowedHost.objects.count() == 1


def test_a_manager_creates_a_channel_and_never_sees_its_secret_again(manager):
    response = manager.post(
        reverse("notify:channel_new"),
        {"name": "运维群", "kind": "wecom", "url": WECOM, "keyword": "", "is_active": "on"},
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert secrets.channel_url(channel) == WECOM
    for page in (response["Location"], reverse("notify:channels")):
        html = manager.get(page).content.decode()
        assert "693a91f6" not in html and "sifa1a2b" not in html
        assert "••••1a2b" in html
    entry = AuditEntry.objects.get(object_type="notify.channel")
    assert "693a91f6" not in str(entry.changes)


def test_leaving_url_and_secret_empty_keeps_them(manager):
    channel = make_channel(
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=tok0123456789abc",
        secret="SECsecretsecretsecret",
    )
    response = manager.post(
        reverse("notify:channel_edit", args=[channel.pk]),
        {
            "name": "新名字",
            "kind": "dingtalk",
            "url": "",
            "secret": "",
            "keyword": "运维",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.name == "新名字" and channel.keyword == "运维"
    assert secrets.channel_secret(channel) == "SECsecretsecretsecret"
    assert secrets.channel_url(channel).endswith("tok0123456789abc")


@pytest.mark.parametrize(
    ("kind", "url", "secret", "words"),
    [
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", "https://"),
        ("wecom", "https://evil.example/hook", "", "allowed webhook hosts"),
        ("wecom", "http://2130706433/hook", "", "dotted form"),
        ("slack", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", "is not where"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "nope", "SEC"),
        ("slack", "https://hooks.slack.com/services/x", "s", "no signing secret"),
        ("wecom", "https://u:p@qyapi.weixin.qq.com/x?key=k", "", "user name"),
    ],
)
def test_bad_urls_and_secrets_are_refused_with_clear_messages(
    client, personas, kind, url, secret, words
):
    client.force_login(personas.mia)
    response = client.post(
        reverse("notify:channel_new"),
        {"name": "x", "kind": kind, "url": url, "secret": secret, "is_active": "on"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Channel.objects.exists()


def test_send_test_queues_a_test_delivery_and_shows_its_outcome(
    manager, django_capture_on_commit_callbacks
):
    allow_local()
    with WebhookServer(Reply(200, {"errcode": 0})) as server:
        channel = make_channel("wecom", server.url())
        with django_capture_on_commit_callbacks(execute=True):
            response = manager.post(reverse("notify:channel_test", args=[channel.pk]))
        assert len(server.received) == 1
    test = Delivery.objects.get(event=Event.TEST)
    assert response["Location"].endswith(f"?test={test.pk}")
    assert test.status == DeliveryStatus.SENT
    page = manager.get(response["Location"]).content.decode()
    assert 'id="test-outcome"' in page and "alert-success" in page
    fragment = manager.get(reverse("notify:delivery_status", args=[test.pk])).content.decode()
    assert "hx-trigger" not in fragment  # final: no more polling


def test_a_pending_test_polls_for_its_outcome(manager):
    channel = make_channel("wecom", WECOM)
    test = make_delivery(channel, event=Event.TEST)
    fragment = manager.get(reverse("notify:delivery_status", args=[test.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment


def test_deliveries_filter_by_status_and_show_the_last_error(
    manager, django_assert_max_num_queries
):
    channel = make_channel("wecom", WECOM)
    for n in range(30):
        make_delivery(
            channel,
            status=DeliveryStatus.FAILED if n % 2 else DeliveryStatus.SENT,
            last_error="19024 Key Words Not Found" if n % 2 else "",
        )
    with django_assert_max_num_queries(10):
        response = manager.get(reverse("notify:deliveries"), {"status": "failed"})
    html = response.content.decode()
    assert html.count("19024 Key Words Not Found") == 15
    assert "Send again" in html or "重新发送" in html


def test_send_again_puts_a_failed_row_back_in_the_queue(manager):
    row = make_delivery(
        make_channel("wecom", WECOM), status=DeliveryStatus.FAILED, attempts=5, last_error="x"
    )
    response = manager.post(
        reverse("notify:delivery_resend", args=[row.pk]), {"next": "//evil.example/"}
    )
    assert response["Location"] == reverse("notify:deliveries")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.PENDING, 0, "")


def test_send_again_refuses_a_row_that_did_not_fail(manager):
    row = make_delivery(make_channel("wecom", WECOM), status=DeliveryStatus.SENT)
    manager.post(reverse("notify:delivery_resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


def test_deleting_a_channel_removes_its_deliveries(manager):
    channel = make_channel("wecom", WECOM)
    make_delivery(channel)
    manager.post(reverse("notify:channel_delete", args=[channel.pk]))
    assert not Channel.objects.exists() and not Delivery.objects.exists()


def test_the_manager_menu_links_to_the_channels(manager, personas, client):
    assert reverse("notify:channels") in manager.get(reverse("notify:deliveries")).content.decode()


def test_the_channel_list_reads_in_a_fixed_number_of_queries(
    manager, django_assert_max_num_queries
):
    for n in range(15):
        channel = make_channel("wecom", WECOM, name=f"群{n}")
        make_delivery(channel, status=DeliveryStatus.FAILED)
    with django_assert_max_num_queries(8):
        response = manager.get(reverse("notify:channels"))
    assert response.content.decode().count("••••1a2b") == 15
