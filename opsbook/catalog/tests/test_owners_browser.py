"""In a real browser: a checklist names an owner who is not a user yet; the manager creates
them from the preview and the file imports.

Assertions read ids, data values and the data typed, so they hold in Chinese (the default).
"""

import pytest
from playwright.sync_api import expect

from opsbook.accounts.testing import PASSWORD
from opsbook.catalog.models import Ownership, ServiceItem
from opsbook.catalog.tests.excel_helpers import row, table, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITEM = row(一级分类="客户服务", 服务项目="热线电话服务")
FILE = xlsx(
    table(
        [
            row(**ITEM, 服务内容="接听来电", 服务频率="每日", 责任人="张三、王小二"),
            row(**ITEM, 服务内容="回访", 服务频率="每周", 责任人="王小二"),
            row(**ITEM, 服务内容="投诉处理", 服务频率="按需", 责任人="老周"),
        ]
    )
)


def test_a_manager_creates_an_unknown_owner_from_the_preview_and_imports(
    browser_page, personas, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    assert personas.alice.label == "张三"
    bob = personas.bob
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/accounts/login/")
    page.fill("#id_username", personas.mia.username)
    page.fill("#id_password", PASSWORD)
    page.locator('form:has(#id_password) button[type="submit"]').click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # staff land on their tickets

    page.goto("/catalog/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "清单.xlsx", "mimeType": XLSX, "buffer": FILE}]
    )
    page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    page.wait_for_url("**/catalog/import/preview/")

    # Each name once, with its rows; the file cannot be confirmed yet.
    expect(page.locator("#owner-choices .owner-name")).to_have_text(["王小二", "老周"])
    expect(page.locator("#owner-choices tbody tr").first).to_contain_text("2, 3")
    expect(page.locator('form[action="/catalog/import/confirm/"]')).to_have_count(0)
    expect(page.locator('#import-rows tr[data-status="refused"]')).to_have_count(3)

    # 王小二 becomes a new staff member, 老周 is Bob.
    page.select_option("#owner-choice-0", "create")
    page.select_option("#owner-choice-1", f"user:{bob.pk}")
    page.locator('#owner-names button[type="submit"]:not([name])').click()
    page.wait_for_url("**/catalog/import/preview/")
    expect(page.locator("#import-result.alert-info")).to_be_visible()
    expect(page.locator("#owner-choice-0")).to_have_value("create")
    expect(page.locator('#import-rows tr[data-status="created"]')).to_have_count(3)
    assert ServiceItem.objects.count() == 0

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('form[action="/catalog/import/confirm/"] button').click()
    expect(page.locator("#import-result.alert-success")).to_be_visible()
    expect(page.locator("#created-owners")).to_contain_text("王小二")

    owners = set(
        Ownership.objects.filter(content__isnull=False).values_list(
            "content__name", "user__display_name"
        )
    )
    assert owners == {
        ("接听来电", "张三"),
        ("接听来电", "王小二"),
        ("回访", "王小二"),
        ("投诉处理", bob.display_name),
    }
