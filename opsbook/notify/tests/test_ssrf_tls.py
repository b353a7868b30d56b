"""HTTPS through the guard: the connection goes to the vetted address while TLS checks the
certificate for the host name (SNI and hostname verification), so pinning the address does not
weaken TLS. A local HTTPS server with a certificate made in the test stands in for the peer;
SSL_CERT_FILE makes it the only trusted authority for the test."""

import datetime as dt
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from opsbook.notify import ssrf
from opsbook.notify.testing import LOCAL, allow_local

pytestmark = pytest.mark.django_db
NAME = "hooks.internal.example"


def certificate(tmp_path, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsServer:
    def __init__(self, cert_path, key_path):
        self.sni: list[str | None] = []
        self.hosts: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.hosts.append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        context.sni_callback = lambda sock, name, ctx: outer.sni.append(name)
        self.httpd = ThreadingHTTPServer((LOCAL, 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def pinned(monkeypatch):
    allow_local(NAME)
    monkeypatch.setattr(ssrf, "resolver", lambda host, port: [LOCAL])


def test_https_connects_to_the_vetted_address_and_verifies_the_name(pinned, tmp_path, monkeypatch):
    cert, key = certificate(tmp_path, NAME)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with TlsServer(cert, key) as server:
        answer = ssrf.post(f"https://{NAME}:{server.port}/hook", b"{}", {})
    assert answer.status == 200 and answer.text == "ok"
    assert server.sni == [NAME]
    assert server.hosts == [f"{NAME}:{server.port}"]


def test_a_certificate_for_another_name_is_refused(pinned, tmp_path, monkeypatch):
    cert, key = certificate(tmp_path, "other.example")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with (
        TlsServer(cert, key) as server,
        pytest.raises(urllib3.exceptions.SSLError, match=r"(?i)match"),
    ):
        ssrf.post(f"https://{NAME}:{server.port}/hook", b"{}", {})


def test_an_untrusted_certificate_is_refused(pinned, tmp_path):
    cert, key = certificate(tmp_path, NAME)  # not in the trusted set
    with (
        TlsServer(cert, key) as server,
        pytest.raises(urllib3.exceptions.SSLError, match=r"(?i)certificate verify failed"),
    ):
        ssrf.post(f"https://{NAME}:{server.port}/hook", b"{}", {})
