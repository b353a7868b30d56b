"""The checklist in a real browser on a phone-sized screen: CSP-clean, htmx search, stacked rows."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from opsbook.catalog.models import ServiceItem
from opsbook.catalog.testing import make_category, make_content, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser_page, live_server):
    """The browser page, phone-sized, collecting any Content-Security-Policy complaint."""
    browser_page.set_viewport_size({"width": 390, "height": 844})
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
    """Reuse a session made by the test client instead of typing the password."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_on_a_phone_the_tree_stacks_and_searches_as_you_type(phone, live_server, personas):
    hotline = make_category("热线", parent=make_category("客户服务"))
    item = make_item(personas.alice, category=hotline, code="HOT-1", name="热线电话服务")
    make_content(item, name="接听来电")
    make_item(personas.bob, category=hotline, code="VISIT-1", name="上门巡检")
    sign_in(phone, live_server, personas.mia)

    phone.goto("/catalog/")
    code_cell = phone.locator("#tree-table td[data-label]").first
    assert code_cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert phone.locator("#tree-table thead").is_hidden()

    phone.fill("#id_q", "巡检")
    phone.wait_for_url("**/catalog/?*q=*")
    expect(phone.locator("#results")).not_to_contain_text("HOT-1")
    expect(phone.locator("#results")).to_contain_text("VISIT-1")
    assert phone.locator("#filters").count() == 1  # only the results were swapped

    phone.fill("#id_q", "")
    expect(phone.locator("#results")).to_contain_text("HOT-1")
    phone.locator(f'[data-bs-target="#contents-{item.pk}"]').click()
    phone.locator(f"#contents-{item.pk}").wait_for(state="visible")
    assert "接听来电" in phone.locator(f"#contents-{item.pk}").inner_text()
    assert phone.csp_errors == []


def test_select_all_and_a_confirmed_bulk_edit(phone, live_server, personas):
    for n in range(3):
        make_item(personas.alice, code=f"S-{n}", name=f"服务{n}")
    sign_in(phone, live_server, personas.mia)
    phone.goto("/catalog/")

    phone.check("#select-all")
    assert phone.locator('input[name="items"]:checked').count() == 3
    phone.select_option("#id_bulk_tier", "custom")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.locator('#bulk-form button[type="submit"]').click()
    phone.wait_for_url("**/catalog/*")
    phone.locator(".alert-success").wait_for()

    assert set(ServiceItem.objects.values_list("tier", flat=True)) == {"custom"}
    assert phone.csp_errors == []


def test_retiring_asks_for_confirmation_first(phone, live_server, personas):
    item = make_item(personas.alice, code="HOT-1")
    sign_in(phone, live_server, personas.mia)
    phone.goto(f"/catalog/items/{item.pk}/")
    retire = phone.locator(f'form[action$="/items/{item.pk}/retire/"] button')

    phone.once("dialog", lambda dialog: dialog.dismiss())
    retire.click()
    phone.wait_for_load_state("networkidle")
    item.refresh_from_db()
    assert item.status == "active"

    phone.once("dialog", lambda dialog: dialog.accept())
    retire.click()
    phone.locator(".alert-success").wait_for()
    item.refresh_from_db()
    assert item.status == "retired"


def test_owner_rows_are_added_in_the_browser_and_saved(phone, live_server, personas):
    item = make_item(personas.alice, code="HOT-1", name="热线电话服务")
    bob = personas.bob
    sign_in(phone, live_server, personas.mia)
    phone.goto(f"/catalog/items/{item.pk}/edit/")

    phone.locator('[data-formset-add="owners"]').click()
    phone.select_option("#id_owners-2-owner", f"user:{bob.pk}")
    phone.check('input[name="owners-primary"][value="2"]')
    phone.fill("#id_frequency_text", "每周两次")
    phone.locator("#frequency-hint .text-success").wait_for()
    phone.locator('#entry-form button[type="submit"]').click()
    phone.wait_for_url(f"**/catalog/items/{item.pk}/")

    owners = {(o.user_id, o.is_primary) for o in item.ownerships.all()}
    assert owners == {(personas.alice.pk, False), (bob.pk, True)}
    assert phone.csp_errors == []
