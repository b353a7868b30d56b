"""The outbox worker against real peers: a local HTTP server standing in for each vendor and
a local SMTP server. Payloads and signatures arrive as the vendor expects; vendor errors retry
then fail; nothing is sent twice; a row left by a dead worker is sent once by the next run."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from opsbook.jobs.schedule import registry
from opsbook.notify import delivery, ssrf
from opsbook.notify.channels import Outcome, dingtalk, feishu, webhook
from opsbook.notify.choices import DeliveryStatus
from opsbook.notify.models import AllowedHost, Delivery
from opsbook.notify.testing import Reply, WebhookServer, allow_local, make_channel, make_delivery

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)


@pytest.fixture
def server():
    allow_local()
    with WebhookServer() as peer:
        yield peer


def run(now=NOW, **kwargs):
    return delivery.run_outbox(now, sleep=lambda s: None, **kwargs)


def reload(row):
    row.refresh_from_db()
    return row


def test_a_wecom_delivery_arrives_as_markdown(server):
    channel = make_channel("wecom", server.url("/cgi-bin/webhook/send?key=k1"))
    row = make_delivery(channel, now=NOW)
    assert run().outcomes == {"sent": 1}
    assert reload(row).status == DeliveryStatus.SENT and row.sent_at == NOW and row.attempts == 1
    (got,) = server.received
    assert got.path == "/cgi-bin/webhook/send?key=k1"
    body = got.json()
    assert body["msgtype"] == "markdown"
    assert "打印机卡纸" in body["markdown"]["content"]


def test_a_signed_dingtalk_delivery_carries_a_valid_sign(server):
    secret = "SEC" + "a1" * 20
    channel = make_channel(
        "dingtalk", server.url("/robot/send?access_token=t"), secret=secret, keyword="运维"
    )
    make_delivery(channel, now=NOW)
    run()
    query = parse_qs(urlsplit(server.received[0].path).query)
    timestamp = int(query["timestamp"][0])
    assert timestamp == int(NOW.timestamp() * 1000)
    assert dingtalk.sign(timestamp, secret).endswith(
        query["sign"][0].replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    )
    assert server.received[0].json()["markdown"]["text"].endswith("运维")


def test_a_signed_feishu_delivery_carries_a_valid_sign(server):
    server.default = Reply(200, {"code": 0, "msg": "success"})
    channel = make_channel("feishu", server.url("/open-apis/bot/v2/hook/x"), secret="fs-secret")
    make_delivery(channel, now=NOW)
    assert run().outcomes == {"sent": 1}
    body = server.received[0].json()
    assert body["timestamp"] == str(int(NOW.timestamp()))
    assert body["sign"] == feishu.sign(int(NOW.timestamp()), "fs-secret")


def test_a_generic_webhook_is_signed_over_the_raw_body(server):
    server.default = Reply(204, b"")
    channel = make_channel("webhook", server.url(), secret="whsec")
    row = make_delivery(channel, now=NOW)
    assert run().outcomes == {"sent": 1}
    got = server.received[0]
    assert got.headers["X-Opsbook-Signature"] == webhook.signature(
        "whsec", int(got.headers["X-Opsbook-Timestamp"]), got.body
    )
    assert json.loads(got.body)["subject"] == row.subject


@pytest.mark.parametrize(
    ("kind", "limited"),
    [
        ("wecom", Reply(200, {"errcode": 45009, "errmsg": "api freq out of limit"})),
        ("dingtalk", Reply(200, {"errcode": 130101, "errmsg": "send too fast"})),
        ("feishu", Reply(200, {"code": 11232, "msg": "frequency limited"})),
        ("slack", Reply(429, b"rate_limited", {"Retry-After": "120"})),
    ],
)
def test_rate_limited_answers_retry_with_backoff_then_fail_visibly(server, settings, kind, limited):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    server.default = limited
    row = make_delivery(make_channel(kind, server.url()), now=NOW)
    now = NOW
    for attempt in range(1, 4):
        run(now)
        reload(row)
        assert row.attempts == attempt
        if attempt < 3:
            assert row.status == DeliveryStatus.RETRYING
            assert row.next_attempt_at > now
            run(now)  # not due yet: nothing happens
            assert len(server.received) == attempt
            now = row.next_attempt_at
    assert row.status == DeliveryStatus.FAILED
    assert "Gave up after 3 attempts" in row.last_error
    assert len(server.received) == 3


def test_backoff_doubles_and_honours_the_vendors_wait(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 30
    assert delivery.retry_delay(1) == timedelta(seconds=30)
    assert delivery.retry_delay(3) == timedelta(seconds=120)
    assert delivery.retry_delay(30) == timedelta(seconds=settings.NOTIFY_RETRY_MAX_SECONDS)
    assert delivery.retry_delay(1, 600) == timedelta(seconds=600)


@pytest.mark.parametrize(
    ("kind", "answer", "words"),
    [
        ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, "signing secret"),
        ("feishu", {"code": 19021, "msg": "sign match fail"}, "signature"),
        ("feishu", {"code": 19024, "msg": "Key Words Not Found"}, "keyword"),
        ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, "key is wrong"),
    ],
)
def test_bad_sign_keyword_or_key_fail_at_once(server, kind, answer, words):
    server.default = Reply(200, answer)
    row = make_delivery(make_channel(kind, server.url()), now=NOW)
    run()
    reload(row)
    assert row.status == DeliveryStatus.FAILED and row.attempts == 1
    assert words in row.last_error
    run(NOW + timedelta(days=1))
    assert len(server.received) == 1


def test_a_row_left_sending_by_a_dead_worker_is_sent_once_by_the_next_run(server, settings):
    settings.NOTIFY_LEASE_SECONDS = 300
    row = make_delivery(make_channel("wecom", server.url()), now=NOW)
    Delivery.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=NOW, claimed_by="dead-worker", attempts=1
    )
    assert run(NOW + timedelta(seconds=60)).claimed == 0  # still within its lease
    summary = run(NOW + timedelta(seconds=301))
    assert summary.taken_back == 1 and summary.outcomes == {"sent": 1}
    assert reload(row).status == DeliveryStatus.SENT and row.attempts == 2
    run(NOW + timedelta(seconds=900))
    assert len(server.received) == 1


def test_the_dead_workers_late_update_cannot_overwrite_the_new_outcome(server):
    row = make_delivery(make_channel("wecom", server.url()), now=NOW)
    (claimed,) = delivery.claim_due(NOW, "worker-a", 10)
    Delivery.objects.filter(pk=row.pk).update(claimed_by="worker-b")  # taken back and re-claimed
    delivery.record(claimed, Outcome.failed("late"), "worker-a", NOW)
    assert reload(row).status == DeliveryStatus.SENDING and row.last_error == ""


def test_two_workers_never_claim_the_same_row(server):
    channel = make_channel("webhook", server.url())
    for _ in range(30):
        make_delivery(channel, now=NOW)
    first = delivery.claim_due(NOW, "worker-a", 20)
    second = delivery.claim_due(NOW, "worker-b", 20)
    assert len(first) == 20 and len(second) == 10
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert delivery.claim_due(NOW, "worker-c", 20) == []


def test_rows_over_the_rate_limit_wait_instead_of_failing(server):
    channel = make_channel("wecom", server.url(), rate_per_minute=5)
    rows = [make_delivery(channel, now=NOW) for _ in range(8)]
    assert run().claimed == 5
    assert run(NOW + timedelta(seconds=10)).claimed == 0  # the minute is used up
    assert run(NOW + timedelta(seconds=61)).claimed == 3
    assert {reload(r).status for r in rows} == {DeliveryStatus.SENT}
    assert len(server.received) == 8


def test_vendor_default_limits_apply_without_an_override(server):
    channel = make_channel("dingtalk", server.url())
    for _ in range(25):
        make_delivery(channel, now=NOW)
    assert run().claimed == 20


def test_a_throttled_channel_does_not_hold_up_others(server):
    slow = make_channel("wecom", server.url(), rate_per_minute=1)
    fast = make_channel("webhook", server.url())
    for _ in range(5):
        make_delivery(slow, now=NOW)
    others = [make_delivery(fast, now=NOW) for _ in range(3)]
    run()
    assert {reload(r).status for r in others} == {DeliveryStatus.SENT}


def test_a_peer_that_is_down_is_retried(settings):
    allow_local()
    with WebhookServer() as gone:
        url = gone.url()
    row = make_delivery(make_channel("webhook", url), now=NOW)
    run()
    assert reload(row).status == DeliveryStatus.RETRYING
    assert "Could not reach" in row.last_error


def test_a_url_the_guard_refuses_fails_at_once_without_a_request():
    row = make_delivery(make_channel("webhook", "http://127.0.0.1:9/hook"), now=NOW)
    run()
    assert reload(row).status == DeliveryStatus.FAILED
    assert "allowed webhook hosts" in row.last_error


def test_a_name_that_does_not_resolve_is_retried(monkeypatch):
    AllowedHost.objects.create(host="hooks.internal.example")

    def no_dns(host, port):
        raise ssrf.Unresolvable(f"The host name {host} does not resolve.")

    monkeypatch.setattr(ssrf, "resolver", no_dns)
    row = make_delivery(make_channel("webhook", "https://hooks.internal.example/x"), now=NOW)
    run()
    assert reload(row).status == DeliveryStatus.RETRYING and "does not resolve" in row.last_error


def test_a_switched_off_channel_fails_its_rows(server):
    row = make_delivery(make_channel("webhook", server.url(), is_active=False), now=NOW)
    run()
    assert reload(row).status == DeliveryStatus.FAILED and "switched off" in row.last_error
    assert server.received == []


def test_a_secret_that_cannot_be_decrypted_fails_clearly(server, settings):
    channel = make_channel("webhook", server.url())
    row = make_delivery(channel, now=NOW)
    settings.NOTIFY_SECRET_KEYS = ["a-different-key-than-before"]
    run()
    assert reload(row).status == DeliveryStatus.FAILED and "decrypted" in row.last_error


def test_the_periodic_job_is_in_the_schedule_registry():
    names = [s.name for s in registry]
    assert "opsbook.notify.jobs.send_outbox" in names


def test_vendors_with_a_per_second_limit_are_paced(server):
    server.default = Reply(200, {"code": 0})
    channel = make_channel("feishu", server.url())
    for _ in range(6):
        make_delivery(channel, now=NOW)
    waits: list[float] = []
    delivery.run_outbox(NOW, sleep=waits.append)
    assert len(server.received) == 6
    assert len(waits) == 5 and all(0 < w <= 0.2 for w in waits)  # Feishu: 5 a second


def test_a_long_pass_renews_its_claims_and_skips_rows_taken_back(server, settings):
    settings.NOTIFY_LEASE_SECONDS = 300
    channel = make_channel("webhook", server.url())
    rows = [make_delivery(channel, now=NOW) for _ in range(3)]
    times = iter([NOW, NOW + timedelta(seconds=120), NOW + timedelta(seconds=130)])

    def slow_clock():
        at = next(times)
        if at == NOW + timedelta(seconds=120):  # meanwhile another worker took the last row
            Delivery.objects.filter(pk=rows[2].pk).update(claimed_by="other-worker")
        return at

    summary = delivery.run_outbox(NOW, clock=slow_clock, sleep=lambda s: None)
    assert summary.outcomes == {"sent": 2}
    assert len(server.received) == 2
    assert reload(rows[1]).claimed_at == NOW + timedelta(seconds=120)  # renewed
    assert reload(rows[2]).status == DeliveryStatus.SENDING
    assert rows[2].claimed_by == "other-worker"
