"""Feishu (飞书) / Lark custom bot: ``POST https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN``
(Lark: ``open.larksuite.com``) with a text message; the body is at most 20 KB. With 签名校验
the bot has a secret: ``timestamp`` (seconds) and ``sign`` go in the **JSON body**, where

    sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))   (not URL-encoded)

Success is HTTP 200 with ``{"code": 0}`` (older bots: ``{"StatusCode": 0}``). 11232 is the
rate limit (100 a minute, 5 a second): retried. 19021 is a bad sign or a timestamp more than an
hour off, 19024 a missing keyword, 19001 a bad token: retrying will not help."""

import base64
import hashlib
import hmac
from datetime import datetime
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import ssrf
from .base import Destination, Message, Outcome, Request, fit, http_status_outcome, json_answer
from .base import json_body as to_json

MAX_BYTES = 18000  # the text, leaving room for the rest of the 20 KB body
KNOWN_ERRORS: dict[object, object] = {
    19021: _lazy("The signature does not match (check the secret) or the server clock is off."),
    19024: _lazy("The message lacks the bot's keyword (set the keyword on this channel)."),
    19001: _lazy("The webhook token is wrong or the bot was removed."),
    19022: _lazy("This server's address is not in the bot's IP allowlist."),
    9499: _lazy("Bad request."),
}
RETRY_CODES = {11232}


def mention_free(text: str) -> str:
    return text.replace("<", "＜").replace(">", "＞")


def sign(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


class FeishuAdapter:
    kind: ClassVar[str] = "feishu"

    def text(self, message: Message, keyword: str = "") -> str:
        # A text message still reads ``<at user_id="all">``: user-written words may not mention
        # anybody (its ``<`` and ``>`` become full-width look-alikes).
        lines = [mention_free(message.subject)]
        if message.body:
            lines.append(mention_free(message.body))
        if message.link:
            lines.append(message.link)
        return fit("\n".join(lines), MAX_BYTES, keyword=keyword)

    def payload(self, message: Message, destination: Destination, now: datetime) -> dict:
        payload: dict = {}
        if destination.secret:
            timestamp = int(now.timestamp())
            payload = {"timestamp": str(timestamp), "sign": sign(timestamp, destination.secret)}
        payload["msg_type"] = "text"
        payload["content"] = {"text": self.text(message, destination.keyword)}
        return payload

    def build(self, message: Message, destination: Destination) -> Request:
        return Request(
            destination.url,
            to_json(self.payload(message, destination, message.sent_at)),
            {"Content-Type": "application/json"},
        )

    def interpret(self, answer: ssrf.Answer) -> Outcome:
        decided = http_status_outcome(answer)
        if decided is not None:
            return decided
        data = json_answer(answer)
        if data is None or not ({"code", "StatusCode"} & data.keys()):
            return Outcome.failed(
                _("Feishu gave an answer that is not its JSON: %(answer)s")
                % {"answer": answer.text[:200]}
            )
        code = data.get("code", data.get("StatusCode"))
        if code == 0:
            return Outcome.sent()
        detail = f"{code} {data.get('msg', data.get('StatusMessage', ''))}".strip()
        if code in RETRY_CODES:
            return Outcome.retry(
                _("Feishu rate limited the bot (%(detail)s).") % {"detail": detail}
            )
        return Outcome.failed(
            _("Feishu refused the message (%(detail)s). %(hint)s")
            % {"detail": detail, "hint": KNOWN_ERRORS.get(code, "")}
        )
