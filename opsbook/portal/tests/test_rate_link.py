"""The one-time rating link in the resolution e-mail: no sign-in, one use, then gone."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opsbook.notify.models import Delivery
from opsbook.tickets import satisfaction, services
from opsbook.tickets.models import SatisfactionRequest

from .conftest import resolved


@pytest.fixture
def link(personas, world):
    """The rating link in the e-mail to dana (in the outbox) when her request is resolved."""
    personas.dana.email = "dana@xinghuo.example"
    personas.dana.save()
    resolved(world.dana_ticket, personas.alice)
    [mail] = [m for m in Delivery.objects.all() if "/portal/rate/" in m.body]
    found = re.search(r"/portal/rate/[^/\s]+/", str(mail.body))
    assert found is not None
    return found.group(0)


def test_the_resolution_email_links_to_a_page_that_shows_only_the_title(client, world, link):
    html = client.get(link).text

    assert "无法登录管理后台" in html
    assert 'id="rating-form"' in html
    assert "输入密码后一直转圈" not in html  # the description stays private


def test_the_link_records_a_rating_without_signing_in(client, world, link):
    response = client.post(link, {"rating": "5", "comment": "很满意"})

    world.dana_ticket.refresh_from_db()
    assert response.status_code == 200 and 'id="rate-done"' in response.text
    assert (world.dana_ticket.rating, world.dana_ticket.rating_comment) == (5, "很满意")


def test_the_link_works_once(client, world, link):
    client.post(link, {"rating": "5"})

    again = client.post(link, {"rating": "1"})
    page = client.get(link)

    world.dana_ticket.refresh_from_db()
    assert world.dana_ticket.rating == 5
    assert again.status_code == 410 and page.status_code == 410
    assert 'id="link-problem"' in page.text
    assert "无法登录管理后台" not in page.text


def test_an_expired_link_is_gone(client, world, link):
    SatisfactionRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(link, {"rating": "3"})

    world.dana_ticket.refresh_from_db()
    assert response.status_code == 410 and world.dana_ticket.rating is None
    assert "无法登录管理后台" not in response.text


def test_a_link_for_a_request_rated_in_the_portal_is_gone(client, personas, world, link):
    services.do_rate_ticket(world.dana_ticket, 4, actor=personas.dana)

    assert client.get(link).status_code == 410


def test_a_link_for_a_reopened_request_waits_for_the_next_resolution(client, personas, world, link):
    services.reopen(personas.alice, world.dana_ticket)

    response = client.post(link, {"rating": "2"})

    world.dana_ticket.refresh_from_db()
    assert response.status_code == 410 and world.dana_ticket.rating is None
    assert SatisfactionRequest.objects.filter(used_at__isnull=True).count() == 1


@pytest.mark.parametrize("token", ["not-a-token", "x" * 101, "%3Cscript%3E"])
def test_an_unknown_link_is_404_and_reveals_nothing(client, world, link, token):
    response = client.get(f"/portal/rate/{token}/")

    assert response.status_code == 404
    assert "无法登录管理后台" not in response.text


def test_a_missing_rating_keeps_the_link_usable(client, world, link):
    response = client.post(link, {"comment": "忘了选"})

    assert response.status_code == 400
    assert client.get(link).status_code == 200


def test_a_link_to_a_request_not_yet_resolved_rates_nothing(client, world):
    token = satisfaction.create_request(world.carl_ticket)

    response = client.post(reverse("portal:rate", args=[token]), {"rating": "1"})

    world.carl_ticket.refresh_from_db()
    assert response.status_code == 410 and world.carl_ticket.rating is None


def test_the_rating_page_is_never_cached(client, link):
    assert "no-store" in client.get(link)["Cache-Control"]
