"""Calendars in a real browser: CSP-clean pages, the htmx year switch, editing weekly hours with
a lunch break, and the missing-year banner."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from opsbook.calendars.models import Calendar
from opsbook.calendars.services import do_set_exception, do_set_year

from .helpers import NOTICE_2027, csv_bytes, make_office, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page):
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.csp_errors = []
    browser_page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and browser_page.csp_errors.append(message.text)
        ),
    )
    return browser_page


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def screenshot(page, name: str) -> None:
    """OPSBOOK_SCREENSHOTS=1 keeps a picture of the page in var/screenshots for a person."""
    if os.environ.get("OPSBOOK_SCREENSHOTS"):
        folder = settings.BASE_DIR / "var" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        # caret="initial": Playwright's default hides the caret with an inline style, which
        # the Content Security Policy would report as the page's own violation.
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True, caret="initial")


def test_an_administrator_switches_years_and_edits_the_weekly_hours(page, live_server, personas):
    office = make_office(personas.erin, is_default=True)
    this_year = timezone.localdate().year
    do_set_exception(None, office, date=date(this_year, 10, 1), kind="holiday", name="国庆节")
    do_set_exception(None, office, date=date(this_year + 1, 1, 1), kind="holiday", name="元旦")
    do_set_year(None, office, this_year, note="国务院办公厅通知")
    sign_in(page, live_server, personas.erin)

    page.goto(f"/calendars/{office.pk}/")
    assert "国庆节" in page.locator("#exception-list").inner_text()
    screenshot(page, "calendar-page")

    page.locator("#year-choices a", has_text=str(this_year + 1)).click()
    page.wait_for_url(f"**/calendars/{office.pk}/?year={this_year + 1}")
    assert "元旦" in page.locator("#exception-list").inner_text()
    assert page.locator("#weekly-hours").is_visible()  # only the exceptions were swapped

    page.goto(f"/calendars/{office.pk}/hours/")
    page.fill("#id_day_6", "10:00-12:00, 13:00-16:00")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(f"**/calendars/{office.pk}/")
    assert "10:00–12:00, 13:00–16:00" in page.locator("#weekly-hours").inner_text()
    assert Calendar.objects.get().windows.filter(weekday=6).count() == 2
    assert page.csp_errors == []


def test_a_manager_sees_the_missing_year_banner_on_other_pages(page, live_server, personas):
    make_office(personas.erin, is_default=True)  # no year covered at all
    sign_in(page, live_server, personas.mia)

    page.goto("/catalog/")

    banner = page.locator("#calendar-health-banner")
    assert banner.is_visible()
    assert "上海办公室" in banner.inner_text()
    screenshot(page, "calendar-banner")
    assert page.csp_errors == []


def test_an_administrator_imports_a_notice_after_fixing_it(
    page, live_server, personas, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    office = make_office(personas.erin, is_default=True)
    bad = tmp_path / "2027-draft.csv"
    bad.write_bytes(csv_bytes([*NOTICE_2027, ["2027-02-09", "请假", "春节", "", ""]]))
    good = tmp_path / "2027.xlsx"
    good.write_bytes(xlsx_bytes(NOTICE_2027))
    sign_in(page, live_server, personas.erin)

    page.goto(f"/calendars/{office.pk}/import/")
    page.set_input_files("#id_file", str(bad))
    page.locator("main form button.btn-primary").click()
    page.wait_for_url("**/import/preview/")
    problems = page.locator("#import-problems").inner_text()
    assert "2027-draft.csv" in problems and "请假" in problems
    assert page.locator("#import-rows").count() == 0
    screenshot(page, "calendar-import-problem")

    page.goto(f"/calendars/{office.pk}/import/")
    page.set_input_files("#id_file", str(good))
    page.fill("#id_mark_covered", "2027")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url("**/import/preview/")
    assert page.locator("#import-rows tbody tr").count() == 4
    screenshot(page, "calendar-import-preview")
    page.locator("main form button.btn-primary").click()

    assert page.locator("#import-result.alert-success").is_visible()
    assert office.exceptions.count() == 4
    assert office.years.filter(year=2027).exists()
    assert page.csp_errors == []
