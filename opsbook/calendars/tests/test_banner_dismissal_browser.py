"""Hiding a year's calendar warning in a real browser: the htmx button takes the year out of the
banner in place, CSP-clean, and it stays hidden on the next page."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from opsbook.calendars.models import YearWarningDismissal

from .helpers import make_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_manager_hides_this_years_warning_in_place(browser_page, live_server, personas):
    page = browser_page
    problems: list[str] = []

    def complain(text: str) -> None:
        problems.append(text)

    page.on("console", lambda m: complain(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: complain(str(error)))
    make_office(personas.erin, is_default=True)  # no year covered: this year is warned about
    year = timezone.localdate().year
    sign_in(page, live_server, personas.mia)

    page.goto("/catalog/")
    group = page.locator(f"#calendar-year-{year}")
    expect(group).to_contain_text("上海办公室")
    page.evaluate("() => { window.sameDocument = true; }")
    group.get_by_role("button", name=f"隐藏 {year} 年的提醒").click()

    expect(page.locator(f"#calendar-year-{year}")).to_have_count(0)
    assert page.evaluate("() => window.sameDocument === true")  # htmx swapped, no page load
    page.goto("/tickets/")
    expect(page.locator(f"#calendar-year-{year}")).to_have_count(0)
    assert YearWarningDismissal.objects.filter(user=personas.mia, year=year).exists()
    assert problems == []
