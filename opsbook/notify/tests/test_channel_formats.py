"""Each chat adapter writes the vendor's format, within the vendor's size, with the keyword,
and escapes what the vendor would read as markup."""

import json
from datetime import UTC, datetime

import pytest

from opsbook.notify.channels import CHAT_ADAPTERS
from opsbook.notify.channels.base import Destination, Message, fit, truncate_utf8

AT = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
URLS = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=t",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/t",
    "slack": "https://hooks.slack.com/services/T/B/x",
    "webhook": "http://hooks.example.com/in",
}


def build(kind, body="正文", subject="工单已分派", keyword="", link="https://ops.example.com/t/1/"):
    request = CHAT_ADAPTERS[kind].build(
        Message("ticket_assigned", subject, body, link, AT),
        Destination(kind, URLS[kind], keyword=keyword),
    )
    return json.loads(request.body)


def test_truncation_counts_bytes_and_never_splits_a_character():
    text = "汉" * 100  # 3 bytes each
    cut = truncate_utf8(text, 10)
    assert cut == "汉汉…" and len(cut.encode()) <= 10
    for limit in range(1, 40):
        assert len(truncate_utf8(text, limit).encode()) <= limit
    assert truncate_utf8("short", 10) == "short"


def test_keyword_is_appended_and_never_cut():
    text = fit("长" * 5000, 100, keyword="运维通知")
    assert text.endswith("\n运维通知")
    assert len(text.encode()) <= 100
    assert fit("已有运维通知", 100, keyword="运维通知") == "已有运维通知"


def test_wecom_sends_markdown_within_4096_bytes():
    payload = build("wecom", body="故障" * 3000, keyword="告警")
    assert payload["msgtype"] == "markdown"
    content = payload["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.startswith("**工单已分派**")
    assert content.endswith("\n告警")


def test_wecom_neutralises_font_tags_and_mentions_in_user_text():
    content = build("wecom", body='<font color="warning">x</font> <@all>')["markdown"]["content"]
    assert "<font" not in content and "<@" not in content


def test_dingtalk_sends_markdown_with_title_and_no_mentions():
    payload = build("dingtalk", keyword="运维")
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"].startswith("工单已分派")
    assert "https://ops.example.com/t/1/" in payload["markdown"]["text"]
    assert payload["markdown"]["text"].endswith("运维")
    assert payload["at"] == {"atMobiles": [], "isAtAll": False}


def test_feishu_sends_text_with_the_keyword():
    payload = build("feishu", keyword="运维")
    assert payload["msg_type"] == "text"
    assert payload["content"]["text"].endswith("\n运维")
    assert "sign" not in payload


def test_slack_escapes_ampersand_and_angle_brackets():
    text = build("slack", subject="A & B", body="<!channel> <https://evil|x>")["text"]
    assert "<!channel>" not in text and "<https://evil" not in text
    assert "&amp;" in text and "&lt;!channel&gt;" in text
    assert text.endswith("|Open in Opsbook>")


def test_generic_webhook_body_has_the_documented_fields():
    payload = build("webhook")
    assert payload == {
        "event": "ticket_assigned",
        "subject": "工单已分派",
        "text": "正文",
        "link": "https://ops.example.com/t/1/",
        "sent_at": "2026-10-01T02:00:00+00:00",
    }


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack", "webhook"])
def test_every_chat_body_is_utf8_json_with_chinese_kept(kind):
    request = CHAT_ADAPTERS[kind].build(
        Message("test", "中文标题", "中文", "", AT), Destination(kind, URLS[kind])
    )
    assert "中文标题".encode() in request.body
