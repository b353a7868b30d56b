"""The public feedback form: off unless enabled; rate limits, a honeypot and a signed time
stamp keep scripts out; a refused submission writes nothing and says nothing specific."""

import time

import pytest
from django.core import checks
from django.core.cache import cache
from django.urls import reverse

from opsbook.portal import guard
from opsbook.tickets.choices import Source
from opsbook.tickets.models import Ticket

URL = reverse("portal:feedback")


@pytest.fixture
def enabled(settings, db):
    settings.PUBLIC_FEEDBACK_ENABLED = True
    settings.PUBLIC_FEEDBACK_PER_IP_HOUR = 5
    settings.PUBLIC_FEEDBACK_PER_HOUR = 100
    settings.PUBLIC_FEEDBACK_IP_HEADER = ""


def stamp(seconds_ago: float, monkeypatch) -> str:
    """A time stamp issued ``seconds_ago``."""
    real = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real() - seconds_ago)
        return guard.issue_stamp()


@pytest.fixture
def fields(monkeypatch):
    def make(**overrides):
        data = {
            "type": "suggestion",
            "title": "希望增加夜间客服",
            "description": "晚上 10 点后找不到人。",
            "name": "王女士",
            "email": "wang@example.com",
            "phone": "",
            "website": "",
            "started": stamp(10, monkeypatch),
        }
        return data | overrides

    return make


def test_the_form_is_404_while_it_is_off(client, db, settings):
    settings.PUBLIC_FEEDBACK_ENABLED = False

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"title": "x"}).status_code == 404
    assert client.get(reverse("portal:feedback_done")).status_code == 404


def test_a_visitor_sends_feedback_without_signing_in(client, enabled, fields):
    form = client.get(URL)
    response = client.post(URL, fields())

    ticket = Ticket.objects.get()
    assert form.status_code == 200 and 'name="started"' in form.text
    assert response.status_code == 302 and response.url == reverse("portal:feedback_done")
    assert ticket.source == Source.PUBLIC_FORM and ticket.channel == "portal"
    assert (ticket.type, ticket.requester_name, ticket.requester_email) == (
        "suggestion",
        "王女士",
        "wang@example.com",
    )
    assert ticket.customer is None and ticket.contact is None


def test_a_phone_number_is_enough_to_be_answered(client, enabled, fields):
    client.post(URL, fields(email="", phone="138 0000 0000"))

    assert Ticket.objects.get().requester_phone == "138 0000 0000"


def test_feedback_without_any_way_to_answer_is_refused(client, enabled, fields):
    response = client.post(URL, fields(email="", phone=""))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_only_suggestions_complaints_and_questions_are_offered(client, enabled, fields):
    response = client.post(URL, fields(type="incident"))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "tampered",
    [
        {"website": "http://spam.example"},  # the honeypot was filled in
        {"started": ""},  # no time stamp
        {"started": "forged:stamp"},  # not signed by this site
    ],
)
def test_automated_submissions_are_refused_neutrally(client, enabled, fields, tampered):
    response = client.post(URL, fields(**tampered))

    assert response.status_code == 400
    assert 'id="feedback-refused"' in response.text
    assert not Ticket.objects.exists()


def test_a_form_sent_within_three_seconds_is_refused(client, enabled, fields, monkeypatch):
    response = client.post(URL, fields(started=stamp(1, monkeypatch)))

    assert response.status_code == 400 and 'id="feedback-refused"' in response.text
    assert not Ticket.objects.exists()


def test_a_form_older_than_an_hour_is_refused(client, enabled, fields, monkeypatch):
    response = client.post(URL, fields(started=stamp(3601, monkeypatch)))

    assert response.status_code == 400 and 'id="feedback-refused"' in response.text
    assert not Ticket.objects.exists()


def test_a_refused_form_keeps_what_was_typed_and_can_be_sent_again(
    client, enabled, fields, monkeypatch
):
    refused = client.post(URL, fields(started=stamp(1, monkeypatch)))
    fresh = refused.context["form"]["started"].value()

    assert "希望增加夜间客服" in refused.text
    assert fresh
    with monkeypatch.context() as m:
        real = time.time
        m.setattr(time, "time", lambda: real() + 5)
        client.post(URL, fields(started=fresh))
    assert Ticket.objects.count() == 1


def test_one_address_may_send_five_an_hour(client, enabled, fields):
    statuses = [client.post(URL, fields(title=f"建议 {n}")).status_code for n in range(6)]

    assert statuses == [302] * 5 + [429]
    assert Ticket.objects.count() == 5


def test_refused_submissions_count_towards_the_limit(client, enabled, fields):
    for _ in range(5):
        client.post(URL, fields(website="spam"))

    response = client.post(URL, fields())

    assert response.status_code == 429 and 'id="feedback-limited"' in response.text
    assert not Ticket.objects.exists()


def test_another_address_has_its_own_limit(client, enabled, fields):
    for n in range(5):
        client.post(URL, fields(title=f"建议 {n}"), REMOTE_ADDR="203.0.113.1")

    response = client.post(URL, fields(), REMOTE_ADDR="203.0.113.2")

    assert response.status_code == 302


def test_the_whole_site_has_a_cap(client, enabled, fields, settings):
    settings.PUBLIC_FEEDBACK_PER_HOUR = 3

    statuses = [
        client.post(URL, fields(), REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(4)
    ]

    assert statuses == [302, 302, 302, 429]


def test_addresses_in_one_ipv6_64_share_a_limit(client, enabled, fields, settings):
    settings.PUBLIC_FEEDBACK_PER_IP_HOUR = 1

    first = client.post(URL, fields(), REMOTE_ADDR="2001:db8::1")
    second = client.post(URL, fields(), REMOTE_ADDR="2001:db8::ffff")

    assert (first.status_code, second.status_code) == (302, 429)


def test_behind_a_proxy_the_configured_header_names_the_client(client, enabled, fields, settings):
    settings.PUBLIC_FEEDBACK_IP_HEADER = "X-Real-IP"
    settings.PUBLIC_FEEDBACK_PER_IP_HOUR = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = client.post(URL, fields(), HTTP_X_REAL_IP="198.51.100.7", **proxy)
    other = client.post(URL, fields(), HTTP_X_REAL_IP="198.51.100.8", **proxy)
    again = client.post(URL, fields(), HTTP_X_REAL_IP="198.51.100.7", **proxy)

    assert [r.status_code for r in (first, other, again)] == [302, 302, 429]


def test_the_form_fails_closed_when_the_cache_cannot_be_reached(
    client, enabled, fields, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", unreachable)

    response = client.post(URL, fields())

    assert response.status_code == 429
    assert not Ticket.objects.exists()


def test_reading_the_form_is_not_limited(client, enabled):
    assert {client.get(URL).status_code for _ in range(10)} == {200}


def test_deploy_check_warns_when_the_form_is_on_and_the_cache_is_per_process(settings):
    settings.PUBLIC_FEEDBACK_ENABLED = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, tags=["caches"])]

    assert "portal.W001" in ids


@pytest.mark.parametrize(
    ("enabled_flag", "backend"),
    [
        (False, "django.core.cache.backends.locmem.LocMemCache"),
        (True, "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_deploy_check_is_quiet_when_the_form_is_off_or_the_cache_is_shared(
    settings, enabled_flag, backend
):
    settings.PUBLIC_FEEDBACK_ENABLED = enabled_flag
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/0"}}

    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, tags=["caches"])]

    assert "portal.W001" not in ids
