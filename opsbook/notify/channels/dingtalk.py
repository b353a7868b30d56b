"""DingTalk (钉钉) custom robot: ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN``
with a markdown message. With 加签 the robot has a secret ``SEC…``: ``timestamp`` (milliseconds)
and ``sign`` go in the **query string**, where

    sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))

Success is HTTP 200 with ``{"errcode": 0}``. 130101 means sent too fast: the robot is throttled
for 10 minutes, so the retry waits that long. 310000 is the security check (sign, keyword or IP
range), 300001 a bad token: retrying will not help."""

import base64
import hashlib
import hmac
from datetime import datetime
from typing import ClassVar
from urllib.parse import quote_plus

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

MAX_BYTES = 4000
THROTTLED_SECONDS = 600
KNOWN_ERRORS: dict[object, object] = {
    310000: _lazy(
        "Security check failed: check the signing secret (加签), the keyword or the IP range."
    ),
    300001: _lazy("The access_token is wrong or the robot was removed."),
    400102: _lazy("The robot is disabled."),
}


def sign(timestamp_ms: int, secret: str) -> str:
    """The 加签 ``sign`` parameter, already URL-encoded as DingTalk's sample code does."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def signed_url(url: str, secret: str, now: datetime) -> str:
    if not secret:
        return url
    timestamp = int(now.timestamp() * 1000)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign(timestamp, secret)}"


class DingTalkAdapter:
    kind: ClassVar[str] = "dingtalk"

    def text(self, message: Message, keyword: str = "") -> str:
        # User-written words never become markup (links, images, headings: base.plain).
        lines = [f"#### {plain(message.subject)}"]
        if message.body:
            lines.append(plain(message.body))
        if message.link:
            lines.append(f"[{_('Open in Opsbook')}]({message.link})")
        return fit("\n\n".join(lines), MAX_BYTES, keyword=keyword)

    def build(self, message: Message, destination: Destination) -> Request:
        payload = {
            "msgtype": "markdown",
            "markdown": {
                "title": fit(plain(message.subject), 200, keyword=destination.keyword),
                "text": self.text(message, destination.keyword),
            },
            "at": {"atMobiles": [], "isAtAll": False},
        }
        return Request(
            signed_url(destination.url, destination.secret, message.sent_at),
            to_json(payload),
            {"Content-Type": "application/json"},
        )

    def interpret(self, answer: ssrf.Answer) -> Outcome:
        decided = http_status_outcome(answer)
        if decided is not None:
            return decided
        data = json_answer(answer)
        if data is None or "errcode" not in data:
            return Outcome.failed(
                _("DingTalk gave an answer that is not its JSON: %(answer)s")
                % {"answer": answer.text[:200]}
            )
        code = data.get("errcode")
        if code == 0:
            return Outcome.sent()
        detail = f"{code} {data.get('errmsg', '')}".strip()
        if code == 130101:
            return Outcome.retry(
                _("DingTalk throttled the robot for 10 minutes (%(detail)s).") % {"detail": detail},
                THROTTLED_SECONDS,
            )
        if code == -1:
            return Outcome.retry(_("DingTalk is busy (%(detail)s).") % {"detail": detail})
        return Outcome.failed(
            _("DingTalk refused the message (%(detail)s). %(hint)s")
            % {"detail": detail, "hint": KNOWN_ERRORS.get(code, "")}
        )
