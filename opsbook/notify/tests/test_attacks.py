"""An attacker's pass over notifications (issue 9): every page and API route for every role,
another person's inbox entries, links that would leave the site, hostile words in e-mails and
chat messages, CSRF on the htmx buttons, and the lists' query counts."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbook.notify.channels import CHAT_ADAPTERS
from opsbook.notify.channels.base import Destination, Message
from opsbook.notify.channels.email import build as build_email
from opsbook.notify.choices import Audience, DeliveryStatus, Event
from opsbook.notify.models import AllowedHost, Channel, Delivery, Notification, Preference, Rule
from opsbook.notify.testing import make_channel, make_delivery

from .inbox_helpers import NOW, Api, make_entries

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [领奖](https://evil.example/x)"


@pytest.fixture
def world(personas):
    """Alice's inbox entry, a rule, a chat channel with a failed delivery, an allowed host."""
    channel = make_channel(name="值班群")
    return {
        "entry": make_entries(personas.alice, 1)[0],
        "rule": Rule.objects.create(event=Event.TICKET_ASSIGNED, audience=Audience.ASSIGNEE),
        "channel": channel,
        "delivery": make_delivery(channel, status=DeliveryStatus.FAILED),
        "host": AllowedHost.objects.create(host="hooks.example.com"),
    }


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(Notification.objects.values_list("pk", "read_at").order_by("pk")),
        list(Rule.objects.values_list("pk", "event", "audience", "is_active").order_by("pk")),
        list(Channel.objects.values_list("pk", "name", "is_active").order_by("pk")),
        list(Delivery.objects.values_list("pk", "status", "attempts").order_by("pk")),
        list(AllowedHost.objects.values_list("pk", "host").order_by("pk")),
        list(Preference.objects.values_list("pk", "email_enabled").order_by("pk")),
    )


def _own_pages(world) -> list[tuple[str, str, dict]]:
    """The inbox and preferences: every member of staff has them."""
    e = world["entry"].pk
    return [
        ("get", reverse("notify:inbox"), {}),
        ("post", reverse("notify:read", args=[e]), {}),
        ("get", reverse("notify:open", args=[e]), {}),
        ("post", reverse("notify:read_all"), {}),
        ("get", reverse("notify:preferences"), {}),
        ("post", reverse("notify:preferences"), {"email_enabled": ""}),
    ]


def _manager_pages(world) -> list[tuple[str, str, dict]]:
    r, c, d = (world[k].pk for k in ("rule", "channel", "delivery"))
    return [
        ("get", reverse("notify:rules"), {}),
        ("get", reverse("notify:rule_new"), {}),
        ("post", reverse("notify:rule_new"), {"event": Event.TICKET_ASSIGNED}),
        ("get", reverse("notify:rule_edit", args=[r]), {}),
        ("post", reverse("notify:rule_edit", args=[r]), {"event": Event.LOW_RATING}),
        ("post", reverse("notify:rule_delete", args=[r]), {}),
        ("post", reverse("notify:rule_test", args=[r]), {}),
        ("get", reverse("notify:channels"), {}),
        ("get", reverse("notify:channel_new"), {}),
        ("post", reverse("notify:channel_new"), {"name": "x", "kind": "webhook"}),
        ("get", reverse("notify:channel_edit", args=[c]), {}),
        ("post", reverse("notify:channel_edit", args=[c]), {"name": "pwned"}),
        ("post", reverse("notify:channel_delete", args=[c]), {}),
        ("post", reverse("notify:channel_test", args=[c]), {}),
        ("get", reverse("notify:deliveries"), {}),
        ("get", reverse("notify:delivery_status", args=[d]), {}),
        ("post", reverse("notify:delivery_resend", args=[d]), {}),
    ]


def _admin_pages(world) -> list[tuple[str, str, dict]]:
    h = world["host"].pk
    return [
        ("get", reverse("notify:allowed_hosts"), {}),
        ("post", reverse("notify:allowed_hosts"), {"host": "evil.example"}),
        ("post", reverse("notify:allowed_host_delete", args=[h]), {}),
    ]


def _manager_api(world) -> list[tuple[str, str, dict | None]]:
    r, c, d = world["rule"].pk, world["channel"].pk, world["delivery"].pk
    return [
        ("get", "/rules/", None),
        ("post", "/rules/", {"event": Event.TICKET_ASSIGNED, "audience": Audience.MANAGERS}),
        ("get", f"/rules/{r}", None),
        ("patch", f"/rules/{r}", {"is_active": False}),
        ("delete", f"/rules/{r}", None),
        ("post", f"/rules/{r}/test", None),
        ("get", "/channels", None),
        ("post", "/channels", {"name": "x", "kind": "webhook", "url": "http://10.0.0.1/"}),
        ("get", f"/channels/{c}", None),
        ("patch", f"/channels/{c}", {"name": "pwned"}),
        ("delete", f"/channels/{c}", None),
        ("post", f"/channels/{c}/test", None),
        ("get", "/deliveries", None),
        ("get", f"/deliveries/{d}", None),
        ("post", f"/deliveries/{d}/resend", None),
    ]


def _admin_api(world) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", "/allowed-hosts", None),
        ("post", "/allowed-hosts", {"host": "evil.example"}),
        ("delete", f"/allowed-hosts/{world['host'].pk}", None),
    ]


def _own_api(world) -> list[tuple[str, str, dict | None]]:
    e = world["entry"].pk
    return [
        ("get", "/", None),
        ("get", "/unread-count", None),
        ("post", "/read-all", None),
        ("get", f"/{e}", None),
        ("post", f"/{e}/read", None),
        ("get", "/preferences", None),
        ("patch", "/preferences", {"email_enabled": False}),
    ]


def _send(api: Api, method: str, path: str, payload):
    if method == "get":
        return api.get(path)
    return api.send(method, path, payload)


# --- who reaches what ---------------------------------------------------------------------------


def test_strangers_are_sent_to_the_login_page_from_every_notification_page(client, world):
    before = state()
    for method, url, data in _own_pages(world) + _manager_pages(world) + _admin_pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert reverse("accounts:login") in response["Location"]
    assert state() == before


@pytest.mark.parametrize("who", ["dana", "carl"])
def test_customers_find_no_notification_page_at_all(client, personas, world, who):
    client.force_login(getattr(personas, who))
    before = state()
    for method, url, data in _own_pages(world) + _manager_pages(world) + _admin_pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "值班群" not in response.text
    assert state() == before


@pytest.mark.parametrize("who", ["alice", "charlie", "vera"])
def test_agents_and_viewers_are_refused_rules_channels_deliveries_and_hosts(
    client, personas, world, who
):
    client.force_login(getattr(personas, who))
    before = state()
    for method, url, data in _manager_pages(world) + _admin_pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "值班群" not in response.text
    assert state() == before


def test_a_manager_is_refused_the_allowlist_that_opens_the_ssrf_guard(client, personas, world):
    client.force_login(personas.mia)
    before = state()
    for method, url, data in _admin_pages(world):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    api = Api(personas.mia)
    for method, path, payload in _admin_api(world):
        assert _send(api, method, path, payload).status_code == 403, (method, path)
    assert state() == before


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("dana", 403), ("carl", 403)])
def test_every_notification_api_route_refuses_strangers_and_customers(
    personas, world, who, expected
):
    api = Api(getattr(personas, who) if who else None)
    before = state()
    routes = _own_api(world) + _manager_api(world) + _admin_api(world)
    for method, path, payload in routes:
        response = _send(api, method, path, payload)
        assert response.status_code == expected, (method, path, response.status_code)
        assert "值班群" not in response.text and "工单" not in response.text
    assert state() == before


@pytest.mark.parametrize("who", ["alice", "charlie", "vera"])
def test_agents_and_viewers_get_403_on_the_managers_api_routes(personas, world, who):
    api = Api(getattr(personas, who))
    before = state()
    for method, path, payload in _manager_api(world) + _admin_api(world):
        response = _send(api, method, path, payload)
        assert response.status_code == 403, (method, path, response.status_code)
    assert state() == before


# --- another person's inbox ---------------------------------------------------------------------


def test_another_persons_inbox_entry_is_not_found_on_any_page_or_route(client, personas, world):
    """Bob is on Alice's team; still, her inbox is hers alone."""
    entry = world["entry"]
    client.force_login(personas.bob)
    assert client.post(reverse("notify:read", args=[entry.pk])).status_code == 404
    assert client.get(reverse("notify:open", args=[entry.pk])).status_code == 404
    client.post(reverse("notify:read_all"))
    assert entry.title not in client.get(reverse("notify:inbox")).text
    api = Api(personas.bob)
    assert api.get(f"/{entry.pk}").status_code == 404
    assert api.send("post", f"/{entry.pk}/read").status_code == 404
    assert api.get("/").json()["items"] == []
    # A manager neither: the inbox is personal, whatever the role.
    assert Api(personas.mia).get(f"/{entry.pk}").status_code == 404
    entry.refresh_from_db()
    assert entry.read_at is None


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1"])
def test_ids_out_of_range_are_not_found(client, personas, world, pk):
    client.force_login(personas.alice)
    assert client.get(f"/notifications/{pk}/open/").status_code == 404
    assert Api(personas.alice).get(f"/{pk}").status_code in (404, 422)


# --- links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        " //evil.example",
    ],
)
def test_an_inbox_entry_never_leads_off_the_site(client, personas, link):
    entry = make_entries(personas.alice, 1, link=link)[0]
    client.force_login(personas.alice)
    page = client.get(reverse("notify:inbox")).text
    assert "evil.example" not in page and "javascript:" not in page
    response = client.get(reverse("notify:open", args=[entry.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notify:inbox")
    answer = Api(personas.alice).get(f"/{entry.pk}").json()
    assert "evil.example" not in json.dumps(answer)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "javascript:alert(1)",
    ],
)
def test_send_again_never_redirects_off_the_site(client, personas, world, target):
    """Found: ``next`` was checked for "/" and "//" only, so "/\\evil.example" (a browser reads
    it as "//evil.example") left the site."""
    client.force_login(personas.mia)
    response = client.post(
        reverse("notify:delivery_resend", args=[world["delivery"].pk]), {"next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("notify:deliveries")


def test_send_again_returns_to_a_page_of_the_site(client, personas, world):
    client.force_login(personas.mia)
    back = reverse("notify:deliveries") + "?status=failed"
    response = client.post(
        reverse("notify:delivery_resend", args=[world["delivery"].pk]), {"next": back}
    )
    assert response["Location"] == back


# --- hostile words ------------------------------------------------------------------------------


def test_hostile_titles_and_bodies_are_text_in_the_inbox(client, personas):
    make_entries(personas.alice, 1, title=HOSTILE[:200], body=HOSTILE)
    client.force_login(personas.alice)
    page = client.get(reverse("notify:inbox")).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_hostile_words_are_text_in_the_html_e_mail():
    email = build_email(
        Message(
            "ticket_assigned", HOSTILE[:100], HOSTILE, "https://ops.example/t/1/", NOW, "", "a@b"
        )
    )
    html = str(email.alternatives[0][0])
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "\n" not in email.subject and "\r" not in email.subject


CHAT_URLS = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=t",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/t",
    "slack": "https://hooks.slack.com/services/T/B/x",
}
# What a customer may type as a ticket's title or a rating's comment, and what each would do in
# a group chat: mention everybody, show a phishing link or a tracking image, change the colour.
INJECTIONS = [
    "<@all> 请立即处理",
    '<at user_id="all">所有人</at>',
    "[点此领取补偿](https://evil.example/phish)",
    "![x](https://evil.example/track.png)",
    '<font color="warning">紧急</font>',
    "<!channel> <https://evil.example|点我>",
]


def _chat_text(kind: str, subject: str, body: str) -> str:
    request = CHAT_ADAPTERS[kind].build(
        Message("complaint_received", subject, body, "https://ops.example/tickets/7/", NOW),
        Destination(kind, CHAT_URLS[kind]),
    )
    payload = json.loads(request.body)
    if kind == "wecom":
        return payload["markdown"]["content"]
    if kind == "dingtalk":
        assert payload["at"] == {"atMobiles": [], "isAtAll": False}
        return payload["markdown"]["title"] + "\n" + payload["markdown"]["text"]
    if kind == "feishu":
        return payload["content"]["text"]
    return payload["text"]


@pytest.mark.parametrize("kind", sorted(CHAT_URLS))
@pytest.mark.parametrize("injection", INJECTIONS)
def test_user_words_never_become_chat_markup(kind, injection):
    """Found: DingTalk and WeCom sent a title or comment as markdown as it was typed (a link,
    an image loaded by every member's client) and Feishu's text kept ``<at user_id="all">``.
    Decision: in user-written words ``< > [ ] * ` ~`` and a heading's ``#`` become their
    full-width look-alikes (Slack's own escaping stays); only Opsbook's own link is markup."""
    text = _chat_text(kind, f"投诉：{injection}", f"评价：{injection}")
    markups = ["<@", "<at", "<font", "<!channel", "<https://evil"]
    if kind in {"wecom", "dingtalk"}:  # markdown: links and images (Feishu's text, Slack: none)
        markups.append("](https://evil")
    for markup in markups:
        assert markup not in text, (kind, markup, text)
    if "evil.example" in injection:
        assert "evil.example" in text  # the words stay readable, as words


def test_opsbooks_own_link_stays_a_link_in_markdown():
    assert "](https://ops.example/tickets/7/)" in _chat_text("wecom", "投诉", "x")
    assert "](https://ops.example/tickets/7/)" in _chat_text("dingtalk", "投诉", "x")


def test_a_ticket_number_keeps_its_hash_and_a_heading_does_not():
    text = _chat_text("dingtalk", "工单 #42", "# 大标题\n  # 又一个")
    assert "工单 #42" in text
    assert "\n# 大标题" not in text and "  # 又一个" not in text


# --- CSRF ---------------------------------------------------------------------------------------


def test_every_notification_post_needs_the_csrf_token(personas, world):
    """The htmx buttons send the token in a header; a forged form without it changes nothing."""
    before = state()
    for user, routes in (
        (personas.alice, _own_pages(world)),
        (personas.erin, _manager_pages(world) + _admin_pages(world)),
    ):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        for method, url, data in routes:
            if method == "post":
                response = client.post(url, data, headers={"HX-Request": "true"})
                assert response.status_code == 403, url
    assert state() == before


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["notify:inbox", "notify:deliveries"])
def test_lists_take_the_same_queries_for_3_or_30_rows(
    client, personas, django_assert_max_num_queries, path
):
    channel = make_channel()

    def fill(count: int) -> None:
        make_entries(personas.mia, count, start=NOW.replace(year=2000 + count))
        for _n in range(count):
            make_delivery(channel, status=DeliveryStatus.FAILED, last_error="<b>x</b>")

    client.force_login(personas.mia)
    fill(3)
    client.get(reverse(path))  # warm caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(path)).status_code == 200
    fill(27)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse(path)).status_code == 200
