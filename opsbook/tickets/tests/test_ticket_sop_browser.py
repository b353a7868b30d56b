"""The SOP checklist on the ticket page in a real browser: a refused completion shows why in
place, a completed step moves the checklist on without reloading the page. CSP-clean."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from opsbook.sops.choices import Evidence
from opsbook.sops.testing import make_procedure, step

from . import views_helpers
from .views_helpers import ticket_for

world = views_helpers.world  # fixture
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    browser_page.set_viewport_size({"width": 1400, "height": 1000})
    browser_page.problems = []
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


def test_an_agent_works_through_the_checklist_in_place(page, live_server, personas, world):
    make_procedure(
        "热线处理",
        items=[world["hotline"]],
        steps=[
            step("受理登记", time_limit_minutes=30, checklist=["核对来电号码"]),
            step("远程处理", evidence=Evidence.NOTE),
        ],
    )
    ticket = ticket_for(personas, world)
    sign_in(page, live_server, personas.alice)
    page.goto(f"/tickets/{ticket.pk}/")
    checklist = page.locator(f"#sop-run-{ticket.sop_run.pk}")
    expect(checklist).to_contain_text("已完成 0/2 步")

    checklist.get_by_role("button", name="标记此步骤完成").click()
    expect(checklist).to_contain_text("请先勾选所有检查要点")
    checklist.get_by_label("核对来电号码").check()
    checklist.get_by_role("button", name="标记此步骤完成").click()
    expect(checklist).to_contain_text("已完成 1/2 步")

    checklist.get_by_role("button", name="标记此步骤完成").click()
    expect(checklist).to_contain_text("此步骤需要填写处理说明")
    checklist.get_by_label("说明").fill("远程重置了密码")
    checklist.get_by_role("button", name="标记此步骤完成").click()
    expect(checklist).to_contain_text("已完成 2/2 步")
    expect(checklist).to_contain_text("远程重置了密码")
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert page.problems == []
