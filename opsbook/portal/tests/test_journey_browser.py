"""The portal journey in a real browser: a customer submits a request, an agent replies and
waits on the customer, the customer answers, the agent resolves, the customer rates.

The customer works in the portal, the agent in the staff ticket pages, each in their own
browser window. Assertions read ids and data attributes and what people typed, so they
hold in Chinese (the default language) whatever the translations say word for word.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from opsbook.accounts.testing import PASSWORD
from opsbook.notify.models import Delivery
from opsbook.tickets import services
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def screenshot(page, name: str) -> None:
    """Retaken for docs/users/portal.md with OPSBOOK_SCREENSHOTS=1."""
    if os.environ.get("OPSBOOK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / name, full_page=True)


def rating_link() -> str:
    """The one rating link e-mailed so far (its path)."""
    [link] = [
        m.group(0)
        for x in Delivery.objects.all()
        if (m := re.search(r"/portal/rate/[^/\s]+/", str(x.body)))
    ]
    return link


def staff_page(browser, base_url: str, username: str):
    """A second browser window with its own cookies, signed in as a staff member."""
    context = browser.new_context(locale="zh-CN", base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator('form:has(#id_password) button[type="submit"]').click()
    page.wait_for_url("**/work/")
    return page


def agent_writes(agent, text: str, *, note: bool = False, then_status: str = "") -> None:
    """Reply (or note) in the staff ticket page, optionally setting the next status."""
    if note:
        agent.check("#id_reply_kind_1")
    agent.fill("#id_reply_body", text)
    if then_status:
        agent.select_option("#id_reply_then_status", then_status)
    agent.locator('#reply-form button[type="submit"]').click()
    expect(agent.locator("#timeline")).to_contain_text(text)


def test_a_customer_request_from_submission_to_rating(
    browser_page, live_server, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_calendar()
    item = make_service(
        personas.alice,
        name="在线学习平台",
        code="TEC-003",
        standards=(("portal", "", 60, 960, "business"),),
    )
    give_service(personas.customer_a, item)
    dana = personas.dana
    dana.email = "dana@xinghuo.example"
    dana.save()
    alice = personas.alice
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    # Dana signs in with the normal login and lands on her organisation's requests.
    page.goto("/accounts/login/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.locator('form:has(#id_password) button[type="submit"]').click()
    page.wait_for_url("**/portal/")
    expect(page.locator("#no-tickets")).to_be_visible()

    # She submits a request with a screenshot.
    page.click("#new-request")
    page.wait_for_url("**/portal/new/")
    # Services are offered by name; choosing one shows what is promised before submitting.
    expect(page.locator("#id_item")).not_to_contain_text("TEC-003")
    expect(page.locator("#promise")).to_be_hidden()
    page.select_option("#id_item", str(item.pk))
    page.select_option("#id_type", "incident")
    expect(page.locator("#promise")).to_be_visible()
    expect(page.locator("#promise")).to_contain_text(re.compile(r"1 ?(小时|hour)"))
    expect(page.locator("#promise")).to_contain_text(re.compile(r"16 ?(小时|hours)"))
    page.fill("#id_title", "直播课堂无法进入")
    page.fill("#id_description", "三年级 2 班 19:00 的直播课，学生点击进入后提示网络错误。")
    page.set_input_files(
        "#id_files", files=[{"name": "错误截图.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator('#new-ticket-form button[type="submit"]').click()
    page.wait_for_url(re.compile(r".*/portal/tickets/\d+/$"))
    ticket = Ticket.objects.get(title="直播课堂无法进入")
    expect(page.locator("#ticket-title")).to_contain_text("直播课堂无法进入")
    expect(page.locator("#ticket-status")).to_have_attribute("data-status", "new")
    expect(page.locator("#timeline")).to_contain_text("错误截图.png")
    assert ticket.assignee == alice and ticket.contact == dana

    # The agent, in the staff pages, answers, notes something internal, and asks Dana for
    # details, setting the ticket to wait on her.
    agent = staff_page(page.context.browser, live_server.url, "alice")
    agent.goto(f"/tickets/{ticket.pk}/")
    expect(agent.locator("#timeline")).to_contain_text("错误截图.png")
    agent_writes(agent, "已收到，正在排查直播服务。")
    agent_writes(agent, "内部：疑似 CDN 节点故障", note=True)
    agent_writes(agent, "请告诉我们学生使用的浏览器版本。", then_status="waiting")

    page.reload()
    expect(page.locator("#ticket-status")).to_have_attribute("data-status", "waiting")
    expect(page.locator("#waiting-notice")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("已收到，正在排查直播服务。")
    expect(page.locator("#timeline")).to_contain_text("请告诉我们学生使用的浏览器版本。")
    expect(page.locator("#timeline")).not_to_contain_text("CDN")
    screenshot(page, "portal-ticket.png")

    # Dana answers; the request goes back to the agent.
    page.fill("#id_body", "Chrome 126，Windows 10。")
    page.locator('#reply-form button[type="submit"]').click()
    page.wait_for_url(f"**/portal/tickets/{ticket.pk}/")
    expect(page.locator("#ticket-status")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("#timeline")).to_contain_text("Chrome 126，Windows 10。")

    # The agent sees her answer and resolves; Dana is e-mailed a one-time rating link.
    agent.reload()
    expect(agent.locator("#timeline")).to_contain_text("Chrome 126，Windows 10。")
    agent_writes(agent, "CDN 节点已切换，请再试一次。", then_status="resolved")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    link = rating_link()

    # She rates it on the request's page.
    page.reload()
    expect(page.locator("#ticket-status")).to_have_attribute("data-status", "resolved")
    page.locator('#rating-form label[for="id_rating_0"]').click()  # 5
    page.fill("#id_comment", "处理很及时")
    page.locator('#rating-form button[type="submit"]').click()
    page.wait_for_url(f"**/portal/tickets/{ticket.pk}/")
    expect(page.locator("[data-rating]")).to_have_attribute("data-rating", "5")
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (5, "处理很及时")

    # The e-mailed link now says the request was rated, and rates nothing.
    response = page.goto(link)
    assert response.status == 410
    expect(page.locator("#link-problem")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.rating == 5


def test_a_customer_rates_through_the_emailed_link_without_signing_in(
    browser_page, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    item = make_service(personas.alice, standards=())
    give_service(personas.customer_a, item)
    personas.dana.email = "dana@xinghuo.example"
    personas.dana.save()
    ticket = services.do_create_ticket(
        personas.dana, title="发票抬头修改", channel="portal", item=item
    )
    services.do_reply(personas.alice, ticket, "已修改。", then_status="resolved")
    link = rating_link()
    page = browser_page

    page.goto(link)
    expect(page.locator("#rated-title")).to_have_text("发票抬头修改")
    page.locator('label[for="id_rating_1"]').click()  # 4
    page.locator('#rating-form button[type="submit"]').click()
    expect(page.locator("#rate-done")).to_be_visible()
    screenshot(page, "portal-rated.png")

    ticket.refresh_from_db()
    assert ticket.rating == 4
    assert page.goto(link).status == 410
