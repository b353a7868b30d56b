"""The staff ticket pages in a real browser: live filters with autocomplete, a saved filter,
opening a ticket through the autocomplete fields, replying and a conflict. CSP-clean."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from opsbook.tickets import services
from opsbook.tickets.choices import Status
from opsbook.tickets.models import SavedFilter, Ticket

from . import views_helpers
from .views_helpers import other_team_ticket, ticket_for

world = views_helpers.world  # fixture
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    browser_page.set_viewport_size({"width": 1400, "height": 1000})
    browser_page.problems = []  # script errors and Content-Security-Policy complaints
    browser_page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and browser_page.problems.append(message.text)
        ),
    )
    browser_page.on("pageerror", lambda error: browser_page.problems.append(str(error)))
    return browser_page


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_filtering_by_service_through_autocomplete_and_saving_the_filter(
    page, live_server, personas, world
):
    ticket_for(personas, world, title="热线工单")
    other_team_ticket(personas, world, title="巡检工单")
    sign_in(page, live_server, personas.mia)
    page.goto("/tickets/")
    expect(page.locator("#results")).to_contain_text("巡检工单")

    page.fill("#id_filter_item_text", "热线")
    page.locator("#id_filter_item_results [data-ac-option]", has_text="热线").click()

    page.wait_for_url(f"**/tickets/?item={world['hotline'].pk}")
    expect(page.locator("#results")).not_to_contain_text("巡检工单")
    expect(page.locator("#results")).to_contain_text("热线工单")
    assert page.input_value("#id_filter_item_text") == "SVC-HOT 热线电话服务"

    page.fill("#id_save_name", "热线")
    page.click("#save-filter-form button")
    page.locator(".alert-success").wait_for()
    assert SavedFilter.objects.get().query == f"item={world['hotline'].pk}"
    expect(page.locator("#saved-filters")).to_contain_text("热线")

    page.fill("#id_filter_item_text", "")
    page.wait_for_url("**/tickets/")
    expect(page.locator("#results")).to_contain_text("巡检工单")
    page.check("#id_filter_status_0")  # new
    page.wait_for_url("**/tickets/?status=new")
    assert page.problems == []


def test_opening_a_ticket_with_autocomplete_then_replying(page, live_server, personas, world):
    personas.dana, personas.customer_b  # noqa: B018 (created on first use)
    sign_in(page, live_server, personas.bob)
    page.goto("/tickets/new/")

    page.fill("#id_item_text", "hot")
    page.locator("#id_item_results [data-ac-option]", has_text="SVC-HOT").click()
    page.fill("#id_customer_text", "星火")
    page.locator("#id_customer_results [data-ac-option]", has_text="星火教育").click()
    page.click("#id_contact_text")
    page.locator("#id_contact_results [data-ac-option]", has_text="dana").click()
    page.fill("#id_customer_text", "明远")
    page.locator("#id_customer_results [data-ac-option]", has_text="明远学校").click()
    assert page.input_value("#id_contact") == ""  # dana is not a contact of 明远学校
    page.fill("#id_customer_text", "星火")
    page.locator("#id_customer_results [data-ac-option]", has_text="星火教育").click()
    page.click("#id_contact_text")
    page.locator("#id_contact_results [data-ac-option]", has_text="dana").click()
    page.fill("#id_title", "课件无法下载")
    page.fill("#id_description", "<b>不是粗体</b>\n第二行")
    page.click("#new-ticket-form button[type=submit]")

    page.locator("#ticket-title").wait_for()
    ticket = Ticket.objects.get()
    assert ticket.contact == personas.dana and ticket.item == world["hotline"]
    expect(page.locator("#ticket-description")).to_contain_text("<b>不是粗体</b>")

    page.fill("#id_reply_body", "请提供截图")
    page.select_option("#id_reply_then_status", Status.WAITING)
    page.click("#reply-form button[type=submit]")
    page.locator(".alert-success").wait_for()
    expect(page.locator("#timeline")).to_contain_text("请提供截图")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert page.problems == []


def test_a_conflicting_edit_keeps_what_was_typed(page, live_server, personas, world):
    ticket = ticket_for(personas, world, title="原标题")
    sign_in(page, live_server, personas.alice)
    page.goto(f"/tickets/{ticket.pk}/")
    page.click('[data-bs-target="#edit-section"]')
    page.fill("#id_edit_title", "我的新标题")
    # On SQLite the live server shares the test's in-memory database connection: let the page
    # finish every request (assets, favicon) before this thread writes through that connection.
    page.wait_for_load_state("networkidle")
    services.do_update_ticket(
        personas.bob, ticket, expected_version=ticket.version, title="别人的标题"
    )

    with page.expect_navigation():
        page.click("#edit-form button[type=submit]")

    expect(page.locator("#conflict")).to_contain_text("别人的标题")  # what they saved
    assert page.input_value("#id_edit_title") == "我的新标题"
    page.click("#edit-form button[type=submit]")
    page.locator(".alert-success").wait_for()
    ticket.refresh_from_db()
    assert ticket.title == "我的新标题"
    assert page.problems == []
