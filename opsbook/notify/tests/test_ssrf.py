"""The SSRF guard refuses the corpus of URLs that reach inside: other spellings of loopback,
private and metadata addresses, names that resolve to them, plain http to a vendor, userinfo,
odd ports, and any host nobody allowlisted."""

import ipaddress

import pytest

from opsbook.notify import ssrf
from opsbook.notify.models import AllowedHost

pytestmark = pytest.mark.django_db


@pytest.fixture
def dns(monkeypatch):
    """A resolver that answers from a dict (name → addresses), and refuses others."""
    table: dict[str, list[str]] = {}

    def resolve(host, port):
        if host not in table:
            raise ssrf.UnsafeURL(f"{host} does not resolve")
        return table[host]

    monkeypatch.setattr(ssrf, "resolver", resolve)
    return table


def refused(url: str) -> str:
    with pytest.raises(ssrf.UnsafeURL) as caught:
        ssrf.check_url(url)
    return str(caught.value)


@pytest.mark.parametrize(
    "host", ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f000001", "017700000001"]
)
def test_odd_spellings_of_loopback_are_refused_even_when_allowlisted(host):
    AllowedHost.objects.create(host=host, allow_private=False)
    assert "dotted form" in refused(f"http://{host}/hook")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://127.0.0.1/hook", "127.0.0.1"),
        ("http://[::1]/hook", "::1"),
        ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1"),
        ("http://[::ffff:7f00:1]/hook", "::ffff:7f00:1"),
        ("http://0.0.0.0/hook", "0.0.0.0"),  # noqa: S104 (the attack, not a bind)
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.1.2.3/hook", "10.1.2.3"),
        ("http://192.168.1.1/hook", "192.168.1.1"),
        ("http://100.64.0.1/hook", "100.64.0.1"),
        ("http://[2002:7f00:1::]/hook", "2002:7f00:1::"),  # 6to4 wrapping 127.0.0.1
        ("http://[fe80::1]/hook", "fe80::1"),
        ("http://[64:ff9b::a00:1]/hook", "64:ff9b::a00:1"),  # NAT64 of 10.0.0.1
        ("http://224.0.0.1/hook", "224.0.0.1"),
    ],
)
def test_private_and_reserved_addresses_are_refused_when_allowlisted_without_private(url, host):
    AllowedHost.objects.create(host=host, allow_private=False)
    assert "private or reserved" in refused(url)


def test_a_name_that_resolves_to_a_private_address_is_refused(dns):
    AllowedHost.objects.create(host="hooks.example.com")
    dns["hooks.example.com"] = ["93.184.215.14", "10.0.0.7"]
    assert "10.0.0.7" in refused("https://hooks.example.com/in")


def test_a_vendor_name_resolving_to_loopback_is_refused(dns):
    dns["qyapi.weixin.qq.com"] = ["127.0.0.1"]
    refused("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")


def test_a_name_with_public_addresses_passes_and_pins_the_first(dns):
    AllowedHost.objects.create(host="hooks.example.com")
    dns["hooks.example.com"] = ["93.184.215.14"]
    target = ssrf.check_url("https://hooks.example.com:8443/in?x=1")
    assert (target.address, target.port, target.path) == ("93.184.215.14", 8443, "/in?x=1")


def test_private_addresses_pass_only_when_the_host_allows_them(dns):
    AllowedHost.objects.create(host="relay.corp", allow_private=True)
    dns["relay.corp"] = ["10.0.0.7"]
    assert ssrf.check_url("http://relay.corp/hook").address == "10.0.0.7"
    dns["relay.corp"] = ["0.0.0.0"]  # noqa: S104
    refused("http://relay.corp/hook")


def test_hosts_nobody_allowlisted_are_refused(dns):
    dns["evil.example"] = ["93.184.215.14"]
    assert "allowed webhook hosts" in refused("https://evil.example/hook")
    assert "allowed webhook hosts" in refused("http://localhost:8000/")


@pytest.mark.parametrize(
    "url",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=k",
        "http://hooks.slack.com/services/x",
    ],
)
def test_vendors_are_called_over_https_on_their_port_only(url, dns):
    dns["qyapi.weixin.qq.com"] = dns["hooks.slack.com"] = ["93.184.215.14"]
    refused(url)


def test_allowlisted_hosts_may_use_http_and_any_port(dns):
    AllowedHost.objects.create(host="hooks.example.com")
    dns["hooks.example.com"] = ["93.184.215.14"]
    assert ssrf.check_url("http://hooks.example.com:8080/x").scheme == "http"


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@hooks.slack.com/services/x",
        "https://hooks.slack.com@127.0.0.1/services/x",
        "https://@hooks.slack.com/services/x",
    ],
)
def test_userinfo_in_the_url_is_refused(url):
    assert "user name" in refused(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://hooks.slack.com/x",
        "file:///etc/passwd",
        "gopher://127.0.0.1:25/",
        "javascript:alert(1)",
        "https://hooks.slack.com/x y",
        "https://hooks.slack.com/x\r\nHost: evil",
        "https:///nohost",
        "https://hooks.slack.com:99999/x",
        "https://hooks.slack.com/x#frag",
        "https://" + "a" * 600 + ".com/",
    ],
)
def test_malformed_urls_are_refused_with_a_reason(url):
    assert refused(url)


def test_checking_a_form_does_not_need_dns():
    AllowedHost.objects.create(host="not-yet.example")
    assert ssrf.check_url("https://not-yet.example/x", resolve=False).address == ""


def test_public_addresses_are_public():
    assert ssrf.is_public(ipaddress.ip_address("93.184.215.14"))
    assert ssrf.is_public(ipaddress.ip_address("2606:4700::6810:85e5"))
    assert not ssrf.is_public(ipaddress.ip_address("::ffff:10.0.0.1"))
