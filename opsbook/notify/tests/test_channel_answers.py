"""Vendors' answers, read as a worker must: the error code inside an HTTP 200 decides between
sent, retry later and failed for good."""

import json

import pytest

from opsbook.notify.channels import CHAT_ADAPTERS
from opsbook.notify.channels.base import Result
from opsbook.notify.ssrf import Answer


def answer(status=200, body=b"", **headers):
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    return Answer(status, {k.replace("_", "-"): v for k, v in headers.items()}, body)


@pytest.mark.parametrize(
    ("kind", "reply", "result"),
    [
        ("wecom", {"errcode": 0, "errmsg": "ok"}, Result.SENT),
        ("wecom", {"errcode": 45009, "errmsg": "api freq out of limit"}, Result.RETRY),
        ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, Result.FAILED),
        ("dingtalk", {"errcode": 0, "errmsg": "ok"}, Result.SENT),
        ("dingtalk", {"errcode": 130101, "errmsg": "send too fast"}, Result.RETRY),
        ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, Result.FAILED),
        ("dingtalk", {"errcode": 300001, "errmsg": "token is not exist"}, Result.FAILED),
        ("feishu", {"code": 0, "msg": "success"}, Result.SENT),
        ("feishu", {"StatusCode": 0, "StatusMessage": "success"}, Result.SENT),
        (
            "feishu",
            {"code": 0, "msg": "success", "data": {}, "Extra": None, "StatusCode": 0},
            Result.SENT,
        ),
        ("feishu", {"code": 9499, "msg": "Bad Request", "data": {}}, Result.FAILED),
        ("feishu", {"code": 11232, "msg": "frequency limited"}, Result.RETRY),
        ("feishu", {"code": 19021, "msg": "sign match fail"}, Result.FAILED),
        ("feishu", {"code": 19024, "msg": "Key Words Not Found"}, Result.FAILED),
    ],
)
def test_vendor_error_codes_in_a_200_answer(kind, reply, result):
    assert CHAT_ADAPTERS[kind].interpret(answer(200, reply)).result == result


def test_dingtalk_throttle_waits_ten_minutes():
    outcome = CHAT_ADAPTERS["dingtalk"].interpret(answer(200, {"errcode": 130101}))
    assert outcome.retry_after == 600


def test_failures_say_what_to_fix():
    outcome = CHAT_ADAPTERS["feishu"].interpret(answer(200, {"code": 19024, "msg": "kw"}))
    assert "keyword" in outcome.error
    outcome = CHAT_ADAPTERS["dingtalk"].interpret(answer(200, {"errcode": 310000}))
    assert "signing secret" in outcome.error


def test_slack_ok_429_and_text_errors():
    slack = CHAT_ADAPTERS["slack"]
    assert slack.interpret(answer(200, b"ok")).result == Result.SENT
    limited = slack.interpret(answer(429, b"", retry_after="30"))
    assert limited.result == Result.RETRY and limited.retry_after == 30
    refused = slack.interpret(answer(403, b"invalid_token"))
    assert refused.result == Result.FAILED and "invalid_token" in refused.error
    assert slack.interpret(answer(200, b"no_text")).result == Result.FAILED


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack", "webhook"])
def test_server_errors_retry_and_redirects_fail(kind):
    adapter = CHAT_ADAPTERS[kind]
    assert adapter.interpret(answer(502, b"bad gateway")).result == Result.RETRY
    moved = adapter.interpret(answer(302, b"", location="http://10.0.0.1/"))
    assert moved.result == Result.FAILED and "redirect" in moved.error


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_an_answer_that_is_not_the_vendors_json_fails(kind):
    assert CHAT_ADAPTERS[kind].interpret(answer(200, b"<html>")).result == Result.FAILED
