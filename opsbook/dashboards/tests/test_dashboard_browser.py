"""The manager's dashboard in a real browser (under the site's Content Security Policy): the
charts draw, and clicking a figure lands on the drill-down listing its tickets, as many as the
figure says."""

import re

import pytest
from playwright.sync_api import expect

from opsbook.accounts.testing import PASSWORD

from . import scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_drills_down_from_a_figure_to_its_tickets(browser_page, personas):
    board = scene.build(personas)
    personas.mia  # noqa: B018
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/accounts/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.locator('form:has(#id_password) button[type="submit"]').click()
    page.goto("/dashboards/?period=2026-11")
    card = page.locator('[data-metric="tickets.created"]').first
    figure = card.locator(".metric-value")
    expect(figure).to_have_text("5")
    # ECharts drew the sparkline and the SLA bars (no inline script needed).
    expect(card.locator("[data-spark] svg")).to_have_count(1)
    expect(page.locator("#chart-channel svg")).to_have_count(1)
    page.screenshot(path="/tmp/dashboard-overview.png", full_page=True)
    figure.click()
    page.wait_for_url(re.compile(r"/dashboards/drill/\?metric=tickets\.created&period=2026-11"))
    expect(page.locator("#drill-total")).to_have_attribute("data-total", "5")
    rows = page.locator("#drill-rows tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#drill-rows")).to_contain_text(board.tickets["UPS告警"].title)
    page.locator("#drill-rows a", has_text=board.tickets["UPS告警"].number).click()
    page.wait_for_url(f"**/tickets/{board.tickets['UPS告警'].pk}/")
    assert not [e for e in errors if "Content Security Policy" in e], errors
