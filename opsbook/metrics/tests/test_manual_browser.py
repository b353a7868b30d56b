"""A manager enters a manual metric's value in a real browser: htmx swaps the values in, the
page stays CSP-clean, and the target form follows the chosen metric."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from opsbook.catalog.testing import make_item
from opsbook.metrics.models import ManualValue, Target

from .manual_fakes import make_manual

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_manager_enters_a_value_and_sets_a_target(browser_page, live_server, personas):
    page = browser_page
    csp_errors: list[str] = []

    def collect(message) -> None:
        if "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    page.on("console", collect)
    make_manual("conversion", name="付费转化率", unit="ratio")
    make_item(code="SVC-0001", name="热线电话服务")
    sign_in(page, live_server, personas.mia)

    page.goto("/metrics/manual/conversion/")
    page.fill("#id_period", "2026-11")
    page.fill("#id_value", "12.5")
    page.fill("#id_source", "BI 报表")
    page.click("#value-form button[type=submit]")
    expect(page.locator("#value-table")).to_contain_text("12.5%")
    expect(page.locator("#value-table")).to_contain_text("BI 报表")
    assert ManualValue.objects.get().source == "BI 报表"

    page.goto("/metrics/targets/")
    page.select_option("#id_metric", "sla.response.met_rate")
    page.wait_for_selector("#id_dimension option[value=item]", state="attached")
    page.select_option("#id_dimension", "item")
    page.wait_for_selector("#id_code option[value=SVC-0001]", state="attached")
    page.select_option("#id_code", "SVC-0001")
    page.fill("#id_value", "98")
    page.click("#new-target button[type=submit]")
    expect(page.locator("#target-table")).to_contain_text("≥ 98%")
    target = Target.objects.get()
    assert (target.metric, target.dimension, target.code) == (
        "sla.response.met_rate",
        "item",
        "SVC-0001",
    )
    assert not csp_errors
