"""/api/notify/ delivery routes: managers and administrators manage channels (secrets masked in
every answer) and deliveries; only administrators the allowlist; everybody else gets 403."""

import json

import pytest
from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.notify import secrets
from opsbook.notify.choices import DeliveryStatus
from opsbook.notify.models import AllowedHost, Channel
from opsbook.notify.testing import make_channel, make_delivery

FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/2f9d3c1e-aaaa-bbbb-cccc-0123456789ab"


class Api:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"Accept-Language": "en"}
        if user is not None:
            _token, raw = do_create_api_token(user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path, **params):
        return self.client.get("/api/notifications" + path, params, headers=self.headers)

    def send(self, method, path, payload=None):
        return getattr(self.client, method)(
            "/api/notifications" + path,
            json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def api(personas):
    return Api(personas.mia)


@pytest.mark.parametrize("path", ["/channels", "/deliveries", "/allowed-hosts"])
def test_only_managers_and_admins_may_use_it(personas, path):
    assert Api().get(path).status_code == 401
    for person in (personas.alice, personas.vera, personas.dana):
        assert Api(person).get(path).status_code == 403


def test_the_allowlist_is_for_administrators(personas):
    assert Api(personas.mia).get("/allowed-hosts").status_code == 403
    admin = Api(personas.erin)
    response = admin.send(
        "post", "/allowed-hosts", {"host": "relay.example", "allow_private": True}
    )
    assert response.status_code == 201 and response.json()["host"] == "relay.example"
    assert admin.send("delete", f"/allowed-hosts/{response.json()['id']}").status_code == 204
    assert not AllowedHost.objects.exists()


def test_channels_are_created_and_answered_masked(api):
    response = api.send(
        "post",
        "/channels",
        {"name": "飞书群", "kind": "feishu", "url": FEISHU, "secret": "feishu-signing-secret-9876"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url_masked"] == "https://open.feishu.cn/…/••••89ab"
    assert body["secret_masked"] == "••••9876"
    assert "2f9d3c1e" not in response.content.decode()
    listed = api.get("/channels").content.decode()
    assert "2f9d3c1e" not in listed and "feishu-signing" not in listed


def test_patch_keeps_what_is_left_out(api):
    channel = make_channel("feishu", FEISHU, secret="feishu-signing-secret-9876")
    response = api.send("patch", f"/channels/{channel.pk}", {"keyword": "运维"})
    assert response.status_code == 200
    channel.refresh_from_db()
    assert channel.keyword == "运维"
    assert secrets.channel_url(channel) == FEISHU
    assert secrets.channel_secret(channel) == "feishu-signing-secret-9876"
    api.send("patch", f"/channels/{channel.pk}", {"clear_secret": True})
    channel.refresh_from_db()
    assert channel.secret_encrypted == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://0x7f.1/hook",
        "https://169.254.169.254/latest",
        "https://hooks.slack.com@evil.example/x",
    ],
)
def test_unsafe_urls_are_a_422_naming_the_url(api, url):
    response = api.send("post", "/channels", {"name": "x", "kind": "webhook", "url": url})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "url"
    assert not Channel.objects.exists()


def test_ids_out_of_range_and_unknown_are_404(api):
    assert api.get("/channels/999").status_code == 404
    assert api.get(f"/channels/{2**70}").status_code in (404, 422)


def test_deliveries_list_filter_and_resend(api, django_assert_max_num_queries):
    channel = make_channel("feishu", FEISHU)
    failed = make_delivery(channel, status=DeliveryStatus.FAILED, last_error="19021 sign")
    for _ in range(20):
        make_delivery(channel, status=DeliveryStatus.SENT)
    with django_assert_max_num_queries(8):
        response = api.get("/deliveries", status="failed")
    assert response.json()["count"] == 1
    assert response.json()["items"][0]["last_error"] == "19021 sign"
    response = api.send("post", f"/deliveries/{failed.pk}/resend")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert api.send("post", f"/deliveries/{failed.pk}/resend").status_code == 409


def test_send_test_answers_the_queued_delivery(api):
    channel = make_channel("feishu", FEISHU)
    response = api.send("post", f"/channels/{channel.pk}/test")
    assert response.status_code == 202
    assert response.json()["event"] == "test" and response.json()["channel_id"] == channel.pk


@pytest.mark.parametrize("field", ["name", "url", "secret", "keyword"])
def test_control_characters_are_a_422_not_a_server_error(api, field):
    payload = {"name": "群", "kind": "feishu", "url": FEISHU, "secret": "s" * 12, "keyword": ""}
    payload[field] = payload[field] + "\x00\r\n"
    response = api.send("post", "/channels", payload)
    assert response.status_code == 422
    assert not Channel.objects.exists()


def test_hostile_allowlist_input_is_a_422(personas):
    admin = Api(personas.erin)
    for host in ["a\x00b", "http://", "a b.example", "x" * 300, "hooks.slack.com"]:
        assert admin.send("post", "/allowed-hosts", {"host": host}).status_code == 422, host
    assert not AllowedHost.objects.exists()
