"""What every channel adapter shares: the message it is given, the outcome it reports, the
request a chat adapter builds, and truncation by UTF-8 bytes.

A chat adapter is two pure halves around one HTTP POST through the SSRF guard: ``build()``
turns a message into the vendor's request (URL with any query-string signature, JSON body,
headers) and ``interpret()`` reads the vendor's answer, including the error code a vendor puts
in a 200 answer, as sent, retry later, or failed for good. Both halves are unit-tested against
the vendors' documented formats; ``send()`` joins them.
"""

import json
import re
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import urllib3
from django.utils import translation
from django.utils.translation import gettext as _

from .. import ssrf

ELLIPSIS = "…"

# What chat markdown reads as markup in user-written text (a ticket's title, a note, a rating's
# comment), each turned into its full-width look-alike so the words stay readable and nothing
# becomes markup: ``<`` ``>`` start HTML, ``<font>`` and mentions (WeCom ``<@userid>``, Feishu
# ``<at user_id="all">``); ``[`` ``]`` start links and images (``[领奖](http://…)``,
# ``![](http://tracker/…)``); ``*`` `` ` `` and ``~`` emphasis, code and strike; a ``#`` that
# starts a line a heading (elsewhere, as in "工单 #42", it stays).
MARKUP_LOOKALIKES = str.maketrans(
    {"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "~": "～"}
)
HEADING = re.compile(r"^(\s*)#", re.MULTILINE)


def plain(text: str) -> str:
    """``text`` (written by a user) with every character chat markdown would read as markup
    replaced by its full-width look-alike (see ``MARKUP_LOOKALIKES``)."""
    return HEADING.sub("\\1＃", text.translate(MARKUP_LOOKALIKES))


@dataclass(frozen=True)
class Message:
    """One delivery's content. ``link`` is absolute (under ``OPSBOOK_BASE_URL``)."""

    event: str
    subject: str
    body: str
    link: str
    sent_at: datetime
    html: str = ""
    address: str = ""  # e-mail only


@dataclass(frozen=True)
class Destination:
    """A chat channel's decrypted settings, for the time of one send."""

    kind: str
    url: str
    secret: str = ""
    keyword: str = ""


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a passing problem: try again later
    FAILED = "failed"  # retrying will not help (bad key, bad sign, keyword missing, …)


@dataclass(frozen=True)
class Outcome:
    result: Result
    error: str = ""
    retry_after: float | None = None  # seconds the vendor asked us to wait

    @classmethod
    def sent(cls) -> "Outcome":
        return cls(Result.SENT)

    @classmethod
    def retry(cls, error: str, retry_after: float | None = None) -> "Outcome":
        return cls(Result.RETRY, error, retry_after)

    @classmethod
    def failed(cls, error: str) -> "Outcome":
        return cls(Result.FAILED, error)


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def truncate_utf8(text: str, max_bytes: int, *, suffix: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``max_bytes`` bytes of UTF-8, never inside a character, with
    ``suffix`` (counted) when anything was cut."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    room = max_bytes - len(suffix.encode("utf-8"))
    if room <= 0:
        return suffix.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    return data[:room].decode("utf-8", errors="ignore") + suffix


def fit(text: str, max_bytes: int, *, keyword: str = "") -> str:
    """``text`` truncated so that, with ``keyword`` appended on its own line, it stays within
    ``max_bytes``; the keyword is never cut (vendors refuse a message without it)."""
    tail = f"\n{keyword}" if keyword and keyword not in text else ""
    return truncate_utf8(text, max_bytes - len(tail.encode("utf-8"))) + tail


def in_language(language: str) -> AbstractContextManager[object]:
    """``language`` active inside (the active one stays when it is empty)."""
    return translation.override(language) if language else nullcontext()


def json_body(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_answer(answer: ssrf.Answer) -> dict[str, Any] | None:
    try:
        data = json.loads(answer.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, min(seconds, 86400.0))


def http_status_outcome(answer: ssrf.Answer) -> Outcome | None:
    """The outcome an HTTP status decides alone, before the vendor's body is read: None for 200."""
    if 300 <= answer.status < 400:
        return Outcome.failed(
            _("The webhook answered with a redirect (HTTP %(status)d), which is not followed.")
            % {"status": answer.status}
        )
    if answer.status == 429:
        return Outcome.retry(
            _("Rate limited by the service (HTTP 429)."),
            parse_retry_after(answer.headers.get("retry-after")),
        )
    if answer.status >= 500 or answer.status == 408:
        return Outcome.retry(_("The service answered HTTP %(status)d.") % {"status": answer.status})
    if answer.status >= 400:
        return Outcome.failed(
            _("The service refused the message (HTTP %(status)d): %(answer)s")
            % {"status": answer.status, "answer": answer.text[:300]}
        )
    if not 200 <= answer.status < 300:
        return Outcome.failed(_("Unexpected HTTP status %(status)d.") % {"status": answer.status})
    return None


class ChatAdapter(Protocol):
    kind: ClassVar[str]

    def build(self, message: Message, destination: Destination) -> Request: ...

    def interpret(self, answer: ssrf.Answer) -> Outcome: ...


def send_chat(
    adapter: ChatAdapter, message: Message, destination: Destination, language: str = ""
) -> Outcome:
    """Build (in ``language``: the words Opsbook adds to a message), POST through the SSRF
    guard, interpret. A refused URL fails at once; a network error is retried. Errors are
    worded in the active language (the site's, in a worker), for whoever reads the outbox."""
    try:
        with in_language(language):
            request = adapter.build(message, destination)
        answer = ssrf.post(request.url, request.body, request.headers)
    except ssrf.Unresolvable as exc:  # DNS may be down for a while: try again later
        return Outcome.retry(str(exc))
    except ssrf.UnsafeURL as exc:
        return Outcome.failed(str(exc))
    except urllib3.exceptions.HTTPError as exc:
        return Outcome.retry(
            _("Could not reach the service: %(error)s") % {"error": type(exc).__name__}
        )
    except OSError as exc:
        return Outcome.retry(_("Could not reach the service: %(error)s") % {"error": exc})
    return adapter.interpret(answer)
