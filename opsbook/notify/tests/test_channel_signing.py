"""The sign functions against fixed test vectors.

Each vector was derived outside Python with OpenSSL from the vendor's documented algorithm
(shared/notes/webhooks.md), so a mistake in our code cannot hide in the expected value:

DingTalk 加签 (secret and timestamp of the shape in DingTalk's sample code):
    printf '1577262236757\\nSEC000000000000000000000' \\
      | openssl dgst -sha256 -hmac 'SEC000000000000000000000' -binary | base64
    → xOJIB8eNoYWeLy26EMZOlc2RjOJbtPv9HYjm+E3uALU=   then URL-encoded (+ → %2B, / → %2F, = → %3D)

Feishu 签名校验 (key is "timestamp\\nsecret", message empty):
    printf '' | openssl dgst -sha256 -hmac "$(printf '1599360473\\ndemo-secret')" -binary | base64
    → 3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s=   (not URL-encoded)

Generic webhook (hex HMAC of "timestamp." + body):
    printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-test'
    → fed7a1a6c799a6367d73724d76bc70c16678908a32a879cd1ded6565ac05cece
"""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from opsbook.notify.channels import dingtalk, feishu, webhook
from opsbook.notify.channels.base import Destination, Message

DINGTALK_SIGN = "xOJIB8eNoYWeLy26EMZOlc2RjOJbtPv9HYjm+E3uALU="
FEISHU_SIGN = "3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s="
WEBHOOK_SIGN = "sha256=fed7a1a6c799a6367d73724d76bc70c16678908a32a879cd1ded6565ac05cece"


def message(at: datetime) -> Message:
    return Message("test", "测试", "正文", "https://ops.example.com/x/", at)


def test_dingtalk_sign_matches_the_documented_algorithm():
    expected = DINGTALK_SIGN.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    assert dingtalk.sign(1577262236757, "SEC000000000000000000000") == expected


def test_dingtalk_puts_millisecond_timestamp_and_sign_in_the_query_string():
    at = datetime.fromtimestamp(1577262236.757, tz=UTC)
    request = dingtalk.DingTalkAdapter().build(
        message(at),
        Destination(
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
            secret="SEC000000000000000000000",
        ),
    )
    query = parse_qs(urlsplit(request.url).query)
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["1577262236757"]
    assert query["sign"] == [DINGTALK_SIGN]  # parse_qs undoes the URL-encoding


def test_dingtalk_without_a_secret_sends_the_url_unchanged():
    request = dingtalk.DingTalkAdapter().build(
        message(datetime(2026, 1, 1, tzinfo=UTC)),
        Destination("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc"),
    )
    assert request.url == "https://oapi.dingtalk.com/robot/send?access_token=abc"


def test_feishu_sign_matches_the_documented_algorithm():
    assert feishu.sign(1599360473, "demo-secret") == FEISHU_SIGN


def test_feishu_puts_second_timestamp_and_sign_in_the_body():
    at = datetime.fromtimestamp(1599360473, tz=UTC)
    adapter = feishu.FeishuAdapter()
    payload = adapter.payload(
        message(at), Destination("feishu", "https://open.feishu.cn/x", secret="demo-secret"), at
    )
    assert payload["timestamp"] == "1599360473"
    assert payload["sign"] == FEISHU_SIGN
    assert payload["msg_type"] == "text"


def test_generic_webhook_signature_matches_its_documentation():
    assert webhook.signature("whsec-test", 1700000000, b'{"a":1}') == WEBHOOK_SIGN


def test_generic_webhook_signs_the_exact_body_it_sends():
    at = datetime.fromtimestamp(1700000000, tz=UTC)
    request = webhook.WebhookAdapter().build(
        message(at), Destination("webhook", "http://hooks.example.com/", secret="whsec-test")
    )
    assert request.headers["X-Opsbook-Timestamp"] == "1700000000"
    assert request.headers["X-Opsbook-Signature"] == webhook.signature(
        "whsec-test", 1700000000, request.body
    )


def test_generic_webhook_without_a_secret_sends_no_signature():
    request = webhook.WebhookAdapter().build(
        message(datetime(2026, 1, 1, tzinfo=UTC)), Destination("webhook", "http://h.example/")
    )
    assert "X-Opsbook-Signature" not in request.headers
