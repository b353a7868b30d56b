"""The inbox in a real browser: the unread badge on the navigation, marking one entry read and
then all of them in place (htmx, under the site's Content Security Policy), opening an entry."""

import pytest
from playwright.sync_api import expect

from opsbook.accounts.testing import PASSWORD
from opsbook.core import clock

from .inbox_helpers import make_entries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marking_read_in_place_updates_the_badge_and_opening_goes_to_the_page(
    browser_page, personas
):
    entries = make_entries(personas.alice, 3, start=clock.now(), link="/notifications/preferences/")
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.locator('form:has(#id_password) button[type="submit"]').click()
    page.goto("/notifications/")
    badge = page.locator("#nav-unread")
    expect(badge).to_contain_text("3")
    row = page.locator(f"#entry-{entries[0].pk}")
    row.locator("button[type=submit]").click()
    expect(badge).to_contain_text("2")
    expect(page.locator(f"#entry-{entries[0].pk} button")).to_have_count(0)
    page.locator("#mark-all-read").click()
    expect(badge).to_be_hidden()
    expect(page.locator("#inbox-list button")).to_have_count(0)
    page.locator(f"#entry-{entries[1].pk} a").click()
    page.wait_for_url("**/notifications/preferences/")
    expect(page.locator("#preferences-form")).to_be_visible()
