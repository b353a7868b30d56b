"""A manager's day with the checklist, in a real browser: sign in, import (a bad file, then a good
one), see the tree, export, edit an item and read its history.

Assertions read what is on the screen through ids, data values and the data the user typed, so
they hold in Chinese (the default) whatever the translations say word for word.
"""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from opsbook.accounts.testing import PASSWORD
from opsbook.catalog.models import ServiceItem
from opsbook.catalog.tests.excel_helpers import row, table, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

HOTLINE = row(一级分类="客户服务", 二级分类="热线", 项目编号="HOT-1", 服务项目="热线电话服务",
              服务层级="基础", 项目负责人="张三")  # fmt: skip
VISIT = row(一级分类="现场服务", 项目编号="VISIT-1", 服务项目="上门巡检", 服务层级="高级",
            项目负责人="客服部")  # fmt: skip

BAD_FILE = xlsx(
    table(
        [
            row(**HOTLINE, 服务内容="接听来电", 服务频率="每日", 责任人="王小二"),
            row(**HOTLINE, 服务内容="回访", 服务频率="每周", 开始时间="2026年2月30日"),
        ]
    )
)
GOOD_FILE = xlsx(
    table(
        [
            row(
                **HOTLINE,
                服务内容="接听来电",
                服务频率="每日",
                责任人="张三",
                开始时间="2026年3月1日",
                结束时间="2026年12月31日",
            ),
            row(**HOTLINE, 服务内容="回访", 服务频率="每周", 责任人="张三"),
            row(**VISIT, 服务内容="季度巡检", 服务频率="每季度"),
        ]
    )
)


def upload(page, name: str, data: bytes) -> None:
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    page.wait_for_url("**/catalog/import/preview/")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator('form:has(#id_password) button[type="submit"]').click()
    page.wait_for_url("**/work/")


def test_a_manager_imports_a_checklist_exports_it_and_edits_an_item(
    browser_page, personas, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    assert personas.alice.label == "张三"  # the 责任人 the good file names
    assert personas.support_team.name == "客服部"
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    sign_in(page, personas.mia.username, PASSWORD)  # lands on the open tickets
    page.locator('nav a[href="/catalog/"]').click()
    expect(page.locator("#result-count")).to_contain_text("0")

    # The import wizard, from the navigation bar.
    page.locator('nav a[href="/catalog/import/"]').click()
    page.wait_for_url("**/catalog/import/")

    refuses_a_bad_file(page)
    imports_a_good_file(page)
    hotline_row = shows_the_tree(page)
    exports_what_was_imported(page)
    edits_an_item(page, hotline_row, personas.mia.label)


def refuses_a_bad_file(page) -> None:
    # A bad file: every problem listed with its row and column, and nothing to confirm.
    upload(page, "坏清单.xlsx", BAD_FILE)
    expect(page.locator("#import-result.alert-danger")).to_contain_text("坏清单.xlsx")
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(2)
    listed = [
        [cell.inner_text().strip() for cell in problems.nth(n).locator("td").all()]
        for n in range(2)
    ]
    by_column = {cells[2]: cells for cells in listed}
    assert by_column["责任人"][1] == "2" and "王小二" in by_column["责任人"][3]
    assert by_column["开始时间"][1] == "3" and "2026年2月30日" in by_column["开始时间"][3]
    expect(page.locator("#owner-choices")).to_contain_text("王小二")
    expect(page.locator("#import-rows tr.table-warning")).to_have_count(2)
    expect(page.locator("#import-rows td.cell-error")).to_have_count(2)
    expect(page.locator('form[action="/catalog/import/confirm/"]')).to_have_count(0)
    assert ServiceItem.objects.count() == 0


def imports_a_good_file(page) -> None:
    # Start again with a good file: a summary of what would happen, then confirm.
    page.locator('form[action="/catalog/import/cancel/"] button').click()
    page.wait_for_url("**/catalog/import/")
    upload(page, "服务清单.xlsx", GOOD_FILE)
    expect(page.locator("#import-result.alert-info")).to_contain_text("服务清单.xlsx")
    expect(page.locator("#import-problems")).to_have_count(0)
    created = page.locator("#import-summary tbody tr td:nth-of-type(1)")
    expect(created).to_have_text(["3", "2", "3"])  # categories, items, content
    assert ServiceItem.objects.count() == 0  # checking wrote nothing
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('form[action="/catalog/import/confirm/"] button').click()
    expect(page.locator("#import-result.alert-success")).to_contain_text("服务清单.xlsx")


def shows_the_tree(page):
    # The items are in the tree, under their categories.
    page.locator('a[href="/catalog/"].btn').click()
    page.wait_for_url("**/catalog/")
    expect(page.locator("#tree-table .category-row")).to_have_text(
        ["客户服务 / 热线", "现场服务"], use_inner_text=True
    )
    hotline_row = page.locator("#tree-table .tree-item-row", has_text="HOT-1")
    expect(hotline_row).to_contain_text("热线电话服务")
    expect(hotline_row).to_contain_text("张三")
    expect(page.locator("#tree-table .tree-item-row", has_text="VISIT-1")).to_contain_text("客服部")
    return hotline_row


def exports_what_was_imported(page) -> None:
    # The export holds what was imported.
    with page.expect_download() as download_info:
        page.locator('a[href^="/catalog/export/"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as workbook:
        sheet = openpyxl.load_workbook(workbook, read_only=True).worksheets[0]
        rows = [{cell for cell in r if cell is not None} for r in sheet.iter_rows(values_only=True)]
    assert any({"HOT-1", "热线电话服务", "接听来电", "张三"} <= r for r in rows)
    assert any({"VISIT-1", "上门巡检", "季度巡检"} <= r for r in rows)


def edits_an_item(page, hotline_row, editor: str) -> None:
    # Open an item, change its name and frequency, and see both, and the history entry.
    hotline_row.locator("a", has_text="热线电话服务").click()
    page.wait_for_url("**/catalog/items/*/")
    expect(page.locator("#history tbody tr")).to_have_count(3)  # the item and two contents
    page.locator('a[href$="/edit/"].btn-primary').click()
    page.wait_for_url("**/catalog/items/*/edit/")
    page.fill("#id_name", "400热线服务")
    page.fill("#id_frequency_text", "每周两次")
    page.locator("#frequency-hint .text-success").wait_for()
    page.locator('#entry-form button[type="submit"]').click()
    page.wait_for_url("**/catalog/items/*/")

    expect(page.locator(".alert-success")).to_contain_text("400热线服务")
    expect(page.locator("#item-title")).to_contain_text("400热线服务")
    scope = page.locator("section[aria-labelledby=scope-heading] .entry-fields").first
    expect(scope).to_contain_text("每周两次")
    expect(page.locator("#history tbody tr")).to_have_count(4)
    latest = page.locator("#history tbody tr").first
    expect(latest).to_contain_text(editor)
    expect(latest.locator(".history-changes del").first).to_contain_text("热线电话服务")
    expect(latest.locator(".history-changes")).to_contain_text("400热线服务")
    expect(latest.locator(".history-changes")).to_contain_text("每周两次")


def edited_export(path: Path) -> bytes:
    """The exported demo with what a manager would change: one frequency, and a new item."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    frequency = header.index("服务频率") + 1
    sheet.cell(row=2, column=frequency, value="每月两次")
    new_item = row(一级分类="客户服务", 二级分类="热线与在线客服", 项目编号="SVC-009",
                   服务项目="寒假答疑专线", 服务层级="基础", 项目负责人="张三",
                   服务内容="答疑值班", 服务频率="工作日每天", 责任人="张三")  # fmt: skip
    sheet.insert_rows(2)
    for column, name in enumerate(header, start=1):
        sheet.cell(row=2, column=column, value=new_item.get(name) or None)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
