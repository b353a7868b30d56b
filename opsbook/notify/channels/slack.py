"""Slack incoming webhook: ``POST https://hooks.slack.com/services/…`` with ``{"text": …}`` in
Slack's mrkdwn, where ``&``, ``<`` and ``>`` must be escaped (they start links and mentions).
The URL is the only credential. Success is HTTP 200 with the body ``ok``; 429 comes with
``Retry-After`` (honoured); other 4xx answers name the problem in text (``invalid_token``,
``channel_is_archived``, ``no_service``): retrying will not help."""

from typing import ClassVar

from django.utils.translation import gettext as _

from .. import ssrf
from .base import Destination, Message, Outcome, Request, fit, http_status_outcome
from .base import json_body as to_json

MAX_BYTES = 3000


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackAdapter:
    kind: ClassVar[str] = "slack"

    def text(self, message: Message, keyword: str = "") -> str:
        lines = [f"*{escape(message.subject)}*"]
        if message.body:
            lines.append(escape(message.body))
        text = fit("\n".join(lines), MAX_BYTES - len(message.link.encode()) - 40, keyword=keyword)
        if message.link:
            text += f"\n<{escape(message.link).replace('|', '%7C')}|{escape(_('Open in Opsbook'))}>"
        return text

    def build(self, message: Message, destination: Destination) -> Request:
        payload = {"text": self.text(message, destination.keyword)}
        return Request(destination.url, to_json(payload), {"Content-Type": "application/json"})

    def interpret(self, answer: ssrf.Answer) -> Outcome:
        decided = http_status_outcome(answer)
        if decided is not None:
            return decided
        if answer.text.strip() == "ok":
            return Outcome.sent()
        return Outcome.failed(
            _("Slack answered %(answer)s instead of ok.") % {"answer": answer.text[:200]}
        )
