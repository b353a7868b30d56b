"""In a real browser: an item page shows a KPI's actual this month, computed from the item's
tickets, with its light and sparkline, under our Content-Security-Policy; its figure leads to
the rows behind it."""

import os

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from opsbook.catalog import services as catalog
from opsbook.catalog.models import Kpi
from opsbook.catalog.testing import make_item
from opsbook.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_an_item_page_shows_a_kpis_actual_from_the_tickets(browser_page, live_server, personas):
    page = browser_page
    csp_errors: list[str] = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    page.on("console", watch)
    item = make_item(personas.alice, name="热线电话服务", code="HOT-1")
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(kpis=[Kpi(text="投诉率≤10%"), Kpi(text="服务态度良好")]),
        expected_version=item.version,
        source="test",
    )
    for n in range(4):  # this month (the live server's clock): one complaint in four
        make_ticket(
            personas.alice, item, title=f"来电{n}", type="complaint" if n == 0 else "consultation"
        )
    sign_in(page, live_server, personas.mia)

    page.goto(f"/catalog/items/{item.pk}/")

    row = page.locator('tr.kpi-row[data-metric="tickets.complaint_rate"]')
    expect(row.locator(".kpi-actual-value")).to_have_text("25%")
    expect(row.locator(".kpi-actual .kpi-light-red")).to_be_visible()
    expect(row.locator(".kpi-actual .kpi-light-red")).to_have_attribute("title", "未达标")
    expect(row.locator("svg.kpi-sparkline")).to_be_visible()
    expect(page.locator('tr.kpi-row[data-metric=""]')).to_contain_text("人工评判")
    if os.environ.get("OPSBOOK_SCREENSHOTS"):
        page.screenshot(path=os.environ["OPSBOOK_SCREENSHOTS"], full_page=True)
    href = row.locator(".kpi-actual-value").get_attribute("href")
    assert href and "metric=tickets.complaint_rate" in href and "item=HOT-1" in href
    expect(page.locator("#item-tickets-link")).to_have_attribute(
        "href", f"/tickets/?item={item.pk}"
    )
    assert csp_errors == []
