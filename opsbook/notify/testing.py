"""Factories and real peers for the notify tests (and benchmarks): a local HTTP server that
records what it is sent and answers as a vendor would, a local SMTP server (aiosmtpd), and
channels pointing at them.

The local servers listen on 127.0.0.1 only; a channel that points at one needs the host in the
allowlist with private addresses allowed (``allow_local()``), exactly as an operator would
allowlist an internal receiver."""

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from opsbook.core import clock

from . import secrets
from .choices import ChannelKind
from .models import AllowedHost, Channel, Delivery

LOCAL = "127.0.0.1"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict = b""
    headers: dict[str, str] = field(default_factory=dict)


class WebhookServer:
    """A threaded HTTP server on 127.0.0.1. ``replies`` are answered in order (the last one
    again when they run out); ``received`` lists every request."""

    def __init__(self, default: Reply | None = None, *, delay: float = 0.0):
        self.delay = delay
        self.received: list[Received] = []
        self.replies: deque[Reply] = deque()
        self.default = default or Reply(200, {"errcode": 0, "errmsg": "ok"})
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if outer.delay:
                    time.sleep(outer.delay)
                with outer.lock:
                    outer.received.append(
                        Received("POST", self.path, dict(self.headers.items()), body)
                    )
                    reply = outer.replies.popleft() if outer.replies else outer.default
                payload = reply.body
                if isinstance(payload, dict):
                    payload = json.dumps(payload).encode()
                elif isinstance(payload, str):
                    payload = payload.encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer((LOCAL, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/hook") -> str:
        return f"http://{LOCAL}:{self.port}{path}"

    def answer(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def __enter__(self) -> "WebhookServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[object] = []  # the client's address per message: one per SMTP session

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content or envelope.content)
        self.messages.append(
            message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1; ``messages`` are the parsed e-mails, ``raw`` their bytes."""

    def __init__(self):
        self.inbox = _Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname=LOCAL, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    @property
    def raw(self) -> list[bytes]:
        return self.inbox.raw

    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": LOCAL, "port": self.port, "timeout": 5},
            }
        }

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def allow_local(host: str = LOCAL) -> AllowedHost:
    return AllowedHost.objects.get_or_create(host=host, defaults={"allow_private": True})[0]


def make_channel(
    kind: str = ChannelKind.WEBHOOK,
    url: str = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123456789abcdef1a2b",
    *,
    name: str | None = None,
    secret: str = "",
    keyword: str = "",
    rate_per_minute: int | None = None,
    is_active: bool = True,
) -> Channel:
    channel = Channel(
        name=name or f"{kind}-{Channel.objects.count() + 1}",
        kind=kind,
        keyword=keyword,
        rate_per_minute=rate_per_minute,
        is_active=is_active,
    )
    secrets.store_url(channel, url)
    secrets.store_secret(channel, secret)
    channel.save()
    return channel


def make_delivery(channel: Channel | None = None, **fields: Any) -> Delivery:
    now = fields.pop("now", None) or clock.now()
    n = Delivery.objects.count() + 1
    values: dict[str, Any] = {
        "key": f"test:{n}",
        "event": "ticket_assigned",
        "kind": channel.kind if channel is not None else ChannelKind.EMAIL,
        "channel": channel,
        "subject": f"工单 T-{n} 已分派给你",
        "body": "打印机卡纸 <b>急</b> & 需要上门",
        "link": f"http://opsbook.test/tickets/{n}/",
        "next_attempt_at": now,
        "created_at": now,
    }
    values.update(fields)
    return Delivery.objects.create(**values)
