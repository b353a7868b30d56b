"""WeCom (企业微信) group robot: ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY``
with a markdown message of at most 4096 bytes. The key in the URL is the only credential (no
signing). Success is HTTP 200 with ``{"errcode": 0}``; 45009 means rate limited (20 a minute a
robot), -1 busy: both are retried; any other code (93000 bad key, 40058 too long, …) fails."""

from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import ssrf
from .base import (
    Destination,
    Message,
    Outcome,
    Request,
    fit,
    http_status_outcome,
    json_answer,
    plain,
)
from .base import json_body as to_json

MAX_BYTES = 4096
RETRY_CODES = {45009: None, -1: None}
KNOWN_ERRORS: dict[object, object] = {
    93000: _lazy("Invalid webhook URL (the key is wrong or the robot was removed)."),
    40058: _lazy("Message too long."),
    40008: _lazy("Invalid message type."),
}


def escape(text: str) -> str:
    """WeCom markdown renders ``<font …>``, ``<@userid>`` mentions and ``[links](…)``:
    user-written text may produce none of them (``base.plain``)."""
    return plain(text)


class WeComAdapter:
    kind: ClassVar[str] = "wecom"

    def content(self, message: Message, keyword: str = "") -> str:
        lines = [f"**{escape(message.subject)}**"]
        if message.body:
            lines.append(escape(message.body))
        if message.link:
            lines.append(f"[{_('Open in Opsbook')}]({message.link})")
        return fit("\n".join(lines), MAX_BYTES, keyword=keyword)

    def build(self, message: Message, destination: Destination) -> Request:
        payload = {
            "msgtype": "markdown",
            "markdown": {"content": self.content(message, destination.keyword)},
        }
        return Request(destination.url, to_json(payload), {"Content-Type": "application/json"})

    def interpret(self, answer: ssrf.Answer) -> Outcome:
        decided = http_status_outcome(answer)
        if decided is not None:
            return decided
        data = json_answer(answer)
        if data is None or "errcode" not in data:
            return Outcome.failed(
                _("WeCom gave an answer that is not its JSON: %(answer)s")
                % {"answer": answer.text[:200]}
            )
        code = data.get("errcode")
        if code == 0:
            return Outcome.sent()
        detail = f"{code} {data.get('errmsg', '')}".strip()
        if code in RETRY_CODES:
            return Outcome.retry(
                _("WeCom is busy or rate limited (%(detail)s).") % {"detail": detail}
            )
        return Outcome.failed(
            _("WeCom refused the message (%(detail)s). %(hint)s")
            % {"detail": detail, "hint": KNOWN_ERRORS.get(code, "")}
        )
