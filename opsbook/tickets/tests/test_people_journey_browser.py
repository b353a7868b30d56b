"""A new team comes in from its roster, in a real browser (issue 8): a manager imports the
roster workbook, the invited agent opens the link from the e-mail, sets a password and handles
a ticket. CSP-clean; assertions read ids and the data typed, so they hold in Chinese."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from opsbook.accounts.models import Team, User
from opsbook.people.tests.helpers import xlsx
from opsbook.tickets.choices import Status
from opsbook.tickets.models import Ticket

from .factories import make_calendar, make_service, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROSTER = xlsx(
    {
        "团队": [["名称", "上级团队"], ["热线组", ""]],
        "员工": [
            ["姓名", "登录名", "邮箱", "团队", "角色", "团队负责人", "月工时"],
            ["王芳", "wangfang", "wangfang@example.com", "热线组", "客服", "是", 160],
            ["赵强", "zhaoqiang", "", "热线组", "客服", "否", 120],
        ],
        "客户": [["编号", "名称"], ["xinghe", "星河学校"]],
        "联系人": [["姓名", "登录名", "客户"], ["陈静", "chenjing", "xinghe"]],
    }
)


@pytest.fixture
def page(browser_page, live_server, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPSBOOK_BASE_URL = live_server.url
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


def test_a_team_from_a_roster_then_an_invited_agent_sets_a_password_and_handles_a_ticket(
    page, live_server, personas
):
    # A manager imports the roster through the wizard.
    sign_in(page, live_server, personas.mia)
    page.goto("/people/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "花名册.xlsx", "mimeType": XLSX, "buffer": ROSTER}]
    )
    page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    page.wait_for_url("**/people/import/preview/")
    expect(page.locator("#import-rows")).to_contain_text("wangfang")
    assert not User.objects.filter(username="wangfang").exists()
    page.click("#confirm-import")
    expect(page.locator("#import-result")).to_have_class(re.compile("alert-success"))

    team = Team.objects.get(name="热线组")
    wang = User.objects.get(username="wangfang")
    assert team.lead == wang and wang.capacity_hours == 160
    page.goto("/people/?q=zhaoqiang")
    expect(page.locator("#staff-list")).to_contain_text("赵强")

    # Work arrives for the new team.
    make_calendar()
    hotline = make_service(wang, code="SVC-HOT", name="热线电话服务")
    ticket = make_ticket(personas.mia, hotline, title="课件无法下载")
    assert ticket.assignee == wang

    # The agent opens the link in the invitation, in a browser of their own.
    (message,) = [
        m for m in mail.outbox if m.to == ["wangfang@example.com"] and "/people/welcome/" in m.body
    ]
    found = re.search(r"https?://\S+/people/welcome/\S+/", str(message.body))
    assert found is not None
    link = found.group(0)
    assert link.startswith(live_server.url)
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#id_new_password1", "Fresh-horse-42-staple")
    page.fill("#id_new_password2", "Fresh-horse-42-staple")
    page.click("#set-password button[type=submit]")
    page.locator(".alert-success").first.wait_for()
    wang.refresh_from_db()
    assert wang.has_usable_password() and wang.check_password("Fresh-horse-42-staple")

    # Signed in, the agent handles the ticket.
    page.goto(f"/tickets/{ticket.pk}/")
    expect(page.locator("#ticket-title")).to_contain_text("课件无法下载")
    page.fill("#id_reply_body", "已重新上传课件，请再试一次")
    page.select_option("#id_reply_then_status", Status.RESOLVED)
    page.click("#reply-form button[type=submit]")
    page.locator(".alert-success").first.wait_for()
    expect(page.locator("#timeline")).to_contain_text("已重新上传课件")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED

    # The link worked once.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("#invalid-link")).to_be_visible()
    assert page.problems == []
