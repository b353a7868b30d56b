"""A generic JSON webhook, for any receiver an administrator allowlists. The body is

    {"event": "ticket_assigned", "subject": "…", "text": "…", "link": "https://…",
     "sent_at": "2026-12-05T08:00:00+00:00"}

With a secret set, two headers let the receiver check it: ``X-Opsbook-Timestamp`` (Unix
seconds) and ``X-Opsbook-Signature: sha256=<hex>``, the hex HMAC-SHA256 with the secret as key
of ``f"{timestamp}.".encode() + body`` (the raw body bytes). Receivers should refuse a
timestamp more than five minutes off. Any 2xx is success; 429 and 5xx are retried
(``Retry-After`` honoured); other answers fail."""

import hashlib
import hmac
from typing import ClassVar

from .. import ssrf
from .base import Destination, Message, Outcome, Request, fit, http_status_outcome
from .base import json_body as to_json

MAX_BYTES = 16000


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookAdapter:
    kind: ClassVar[str] = "webhook"

    def build(self, message: Message, destination: Destination) -> Request:
        payload = {
            "event": message.event,
            "subject": message.subject,
            "text": fit(message.body, MAX_BYTES, keyword=destination.keyword),
            "link": message.link,
            "sent_at": message.sent_at.isoformat(),
        }
        body = to_json(payload)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if destination.secret:
            timestamp = int(message.sent_at.timestamp())
            headers["X-Opsbook-Timestamp"] = str(timestamp)
            headers["X-Opsbook-Signature"] = signature(destination.secret, timestamp, body)
        return Request(destination.url, body, headers)

    def interpret(self, answer: ssrf.Answer) -> Outcome:
        decided = http_status_outcome(answer)
        return decided if decided is not None else Outcome.sent()
