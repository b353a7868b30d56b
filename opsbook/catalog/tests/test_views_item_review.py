"""The item page highlights a review that is due today or overdue."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.catalog import services
from opsbook.catalog.testing import make_item

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def client(personas, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(personas.alice)
    return client


def page(client, **values) -> str:
    item = make_item(code="HOT-1", **values)
    return client.get(reverse("catalog:item", args=[item.pk])).text


def test_an_overdue_review_is_highlighted_with_how_late_it_is(client):
    html = page(client, next_review_date=dt.date(2027, 3, 7))

    assert 'id="review-badge">Review overdue</a>' in html
    review = html[html.index('id="next-review"') :]
    review = review[: review.index("</dd>")]
    assert "bg-danger-subtle" in review and "2027-03-07" in review
    assert "overdue by 3 days" in review


def test_a_review_due_today_is_flagged_as_due(client):
    html = page(client, next_review_date=dt.date(2027, 3, 10))

    assert 'id="review-badge">Review due today</a>' in html
    assert "overdue by" not in html


@pytest.mark.parametrize("due", [dt.date(2027, 3, 11), None])
def test_a_review_not_yet_due_or_without_a_date_is_not_highlighted(client, due):
    html = page(client, next_review_date=due)

    assert 'id="review-badge"' not in html and "bg-danger-subtle" not in html


def test_a_retired_item_is_not_flagged(client, personas):
    item = make_item(code="OLD-1", next_review_date=dt.date(2027, 1, 1))
    services.do_retire_item(None, item)

    html = client.get(reverse("catalog:item", args=[item.pk])).text

    assert 'id="review-badge"' not in html
