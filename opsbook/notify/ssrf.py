"""The SSRF guard: every webhook request leaves through ``post()`` here.

A webhook URL is user input. Before anything is sent:

* the URL must be ``https://`` for the vendors' own hosts (``VENDOR_HOSTS``) and ``http(s)://``
  for a host an administrator allowlisted (``AllowedHost``); no user name or password in it, no
  IP address written in a non-standard way (``2130706433``, ``0177.0.0.1``, ``0x7f.1``,
  ``127.1``), and vendor hosts only on their default port;
* the name is resolved here, and every address it resolves to must be public: private,
  loopback, link-local, multicast, reserved, unspecified, shared (CGNAT) addresses and IPv6
  forms that carry one (IPv4-mapped, 6to4, Teredo, NAT64) are refused, unless the host's
  ``AllowedHost`` row allows private addresses;
* the connection goes to the address that was checked (not to a second lookup that DNS
  rebinding could answer differently): an HTTP connection to the IP with the ``Host`` header of
  the name, and for HTTPS the TLS SNI and the certificate check for the name (urllib3's
  ``server_hostname`` and ``assert_hostname``);
* no redirect is followed, timeouts are short and the answer read is capped (settings
  ``NOTIFY_CONNECT_TIMEOUT``, ``NOTIFY_READ_TIMEOUT``, ``NOTIFY_MAX_RESPONSE_BYTES``).
"""

import ipaddress
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from .models import AllowedHost

VENDOR_HOSTS = frozenset(
    {
        "qyapi.weixin.qq.com",
        "oapi.dingtalk.com",
        "open.feishu.cn",
        "open.larksuite.com",
        "hooks.slack.com",
    }
)
MAX_URL_LENGTH = 500
USER_AGENT = "Opsbook-Notify/1"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses the name resolves to. Tests replace it to simulate DNS.
Resolver = Callable[[str, int], list[str]]

NAT64 = ipaddress.ip_network("64:ff9b::/96")
SHARED = ipaddress.ip_network("100.64.0.0/10")


class UnsafeURL(ValueError):
    """The URL may not be called; the message says why, in the reader's language."""


class Unresolvable(UnsafeURL):
    """The host name does not resolve (now): refused, but a later try may succeed."""


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard, and the one address it will be connected to."""

    url: str
    scheme: str
    host: str
    port: int
    path: str  # path and query, what goes on the request line
    address: str


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    truncated: bool = False
    redirect_to: str = field(default="")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(_("The host name %(host)s does not resolve.") % {"host": host}) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


resolver: Resolver = system_resolver


def is_public(ip: IPAddress) -> bool:
    """True only for a globally routable unicast address, looking inside IPv6 forms that
    carry an IPv4 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[IPAddress] = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if embedded:
            return all(is_public(inner) for inner in embedded)
        if ip.scope_id:
            return False
    elif ip in SHARED:
        return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _is_reachable_private(ip: IPAddress) -> bool:
    """What an allowlisted host with ``allow_private`` may resolve to: anything but multicast
    and the unspecified address."""
    inner = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
    return not (inner.is_multicast or inner.is_unspecified)


def _odd_ipv4_spelling(host: str) -> bool:
    """A host the C library would read as an IPv4 address though it is not dotted-decimal
    (2130706433, 0177.0.0.1, 0x7f.1, 127.1)."""
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return True
    return False


def _split(url: str) -> tuple[str, str, int, str]:
    url = url.strip()
    if not url:
        raise UnsafeURL(_("Enter the webhook URL."))
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(_("The URL is longer than %(max)d characters.") % {"max": MAX_URL_LENGTH})
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise UnsafeURL(_("The URL contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(_("This is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UnsafeURL(_("The URL must start with https:// (or http:// for an allowed host)."))
    if "@" in parts.netloc:
        raise UnsafeURL(_("A user name or password in the URL is not allowed."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL(_("The URL has no host."))
    if parts.fragment:
        raise UnsafeURL(_("The URL may not have a #fragment."))
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UnsafeURL(_("The host name is not valid.")) from None
    if _odd_ipv4_spelling(host):
        raise UnsafeURL(
            _("Write an IP address in the usual dotted form (like 192.0.2.10), not %(host)s.")
            % {"host": host}
        )
    default = 443 if scheme == "https" else 80
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or default, path


def check_url(url: str, *, resolve: bool = True) -> Target:
    """The URL's target if the guard lets it through, else ``UnsafeURL`` with the reason.
    ``resolve=False`` checks only the URL's form and the allowlist (when a channel is saved, a
    name that does not resolve yet is no reason to refuse it)."""
    scheme, host, port, path = _split(url)
    allow_private = False
    if host in VENDOR_HOSTS:
        if scheme != "https":
            raise UnsafeURL(_("%(host)s is only called over https://.") % {"host": host})
        if port != 443:
            raise UnsafeURL(_("%(host)s is only called on its usual port.") % {"host": host})
    else:
        allowed = AllowedHost.objects.filter(host=host).first()
        if allowed is None:
            raise UnsafeURL(
                _(
                    "%(host)s is not a known chat service. An administrator can add it to the "
                    "allowed webhook hosts."
                )
                % {"host": host}
            )
        allow_private = allowed.allow_private
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    elif not resolve:
        return Target(url, scheme, host, port, path, "")
    else:
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(host, port)]
        if not addresses:
            raise Unresolvable(_("The host name %(host)s does not resolve.") % {"host": host})
    for ip in addresses:
        allowed_here = _is_reachable_private(ip) if allow_private else is_public(ip)
        if not allowed_here:
            raise UnsafeURL(
                _(
                    "%(host)s points at %(address)s, a private or reserved address; it is "
                    "refused unless an administrator allows private addresses for this host."
                )
                % {"host": host, "address": ip}
            )
    return Target(url, scheme, host, port, path, str(addresses[0]))


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def post(url: str, body: bytes, headers: Mapping[str, str]) -> Answer:
    """POST ``body`` to ``url`` through the guard. Raises ``UnsafeURL`` when refused, and
    urllib3's errors (``urllib3.exceptions.HTTPError``) when the peer cannot be reached."""
    target = check_url(url)
    timeout = urllib3.Timeout(
        connect=settings.NOTIFY_CONNECT_TIMEOUT, read=settings.NOTIFY_READ_TIMEOUT
    )
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1
        )
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    default_port = 443 if target.scheme == "https" else 80
    if target.port != default_port:
        host_header = f"{host_header}:{target.port}"
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={"User-Agent": USER_AGENT, **headers, "Host": host_header},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            limit = settings.NOTIFY_MAX_RESPONSE_BYTES
            data = response.read(limit + 1, decode_content=True)
            answer = Answer(
                status=response.status,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=data[:limit],
                truncated=len(data) > limit,
                redirect_to=response.headers.get("Location", ""),
            )
        finally:
            response.release_conn()
    finally:
        pool.close()
    return answer
