"""The guard on the wire: it connects to the address it checked (with the name in the Host
header), follows no redirect, caps the answer, and gives up quickly."""

import socket
import threading

import pytest
import urllib3

from opsbook.notify import ssrf
from opsbook.notify.testing import LOCAL, Reply, WebhookServer, allow_local

pytestmark = pytest.mark.django_db


def test_a_redirect_to_a_private_address_is_not_followed():
    allow_local()
    with WebhookServer() as inner, WebhookServer() as outer:
        outer.answer(Reply(302, b"", {"Location": inner.url("/secret")}))
        answer = ssrf.post(outer.url(), b"{}", {})
    assert answer.status == 302
    assert answer.redirect_to == inner.url("/secret")
    assert inner.received == []


def test_it_connects_to_the_vetted_address_with_the_name_as_host(monkeypatch):
    allow_local("hooks.internal.example")
    calls = []

    def resolve(host, port):
        calls.append(host)
        return [LOCAL]

    monkeypatch.setattr(ssrf, "resolver", resolve)
    with WebhookServer() as server:
        answer = ssrf.post(f"http://hooks.internal.example:{server.port}/in?k=1", b"{}", {})
    assert answer.status == 200
    assert calls == ["hooks.internal.example"]  # resolved once, by the guard
    assert server.received[0].headers["Host"] == f"hooks.internal.example:{server.port}"
    assert server.received[0].path == "/in?k=1"


def test_the_answer_read_is_capped(settings):
    allow_local()
    settings.NOTIFY_MAX_RESPONSE_BYTES = 1024
    with WebhookServer(Reply(200, b"x" * 100_000)) as server:
        answer = ssrf.post(server.url(), b"{}", {})
    assert len(answer.body) == 1024 and answer.truncated


def test_a_silent_peer_times_out_quickly(settings):
    allow_local()
    settings.NOTIFY_READ_TIMEOUT = 1
    listener = socket.socket()
    listener.bind((LOCAL, 0))
    listener.listen(1)
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    try:
        with pytest.raises(urllib3.exceptions.HTTPError):
            ssrf.post(f"http://{LOCAL}:{listener.getsockname()[1]}/", b"{}", {})
    finally:
        for conn, _addr in accepted:
            conn.close()
        listener.close()


def test_loopback_is_refused_before_connecting_when_not_allowlisted():
    with WebhookServer() as server:
        with pytest.raises(ssrf.UnsafeURL):
            ssrf.post(server.url(), b"{}", {})
        assert server.received == []
