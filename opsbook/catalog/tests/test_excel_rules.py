"""What a row means (headers, inheritance, matching) and every reason to refuse a file. A refused
file writes nothing at all."""

import io
from datetime import date

import openpyxl
import pytest
from django.conf import settings

from opsbook.accounts.models import User
from opsbook.audit.models import AuditEntry
from opsbook.catalog.excel import importer
from opsbook.catalog.excel.columns import COLUMNS
from opsbook.catalog.models import Category, ServiceContent, ServiceItem

from .excel_helpers import counts, messages, run, table, xlsx

BASE = {"一级分类": "客户服务", "二级分类": "热线服务", "服务项目": "400热线"}


@pytest.fixture
def staff(personas):
    return personas.alice, personas.bob, personas.charlie


def load(rows, header=None, **kwargs):
    header = header or list(dict.fromkeys(k for r in rows for k in r))
    return run(xlsx(table(rows, header)), **kwargs)


def refused(rows, header=None) -> list[str]:
    before = counts()
    report = load(rows, header)
    assert not report.ok
    assert counts() == before
    return messages(report)


# --- Headers ----------------------------------------------------------------------------------


def test_english_headers_in_any_order_are_understood(staff):
    rows = [
        {
            "Service content": "Answer calls",
            "Frequency": "daily",
            "Service item": "Hotline",
            "Category": "Support",
            "Subcategory": "Phone",
            "Tier": "advanced",
            "Owners": "alice",
            "Item status": "active",
            "Start date": "2026-03-01",
        }
    ]

    report = load(rows)

    assert report.ok, report.problems
    content = ServiceContent.objects.get()
    assert (content.name, content.item.name, content.item.tier) == ("Answer calls", "Hotline",
                                                                     "advanced")  # fmt: skip
    assert content.item.category.path_label() == "Support / Phone"
    assert content.start_date == date(2026, 3, 1)
    assert content.ownerships.get().user == staff[0]


def test_synonyms_and_decorated_headers_are_understood(staff):
    header = [
        "大类 ",
        "子类",
        "服务名称（必填）",
        "具体内容*",
        "频次",
        "负责人",
        "ＫＰＩ",
        "里程碑",
        "所需资源",
    ]
    rows = [
        dict(zip(header, ["客户服务", "热线", "400热线", "接听", "每日", "张三", "满意度≥95%",
                          "2026-06-30 中期评估", "人员：3名客服"], strict=True))
    ]  # fmt: skip

    report = load(rows, header)

    assert report.ok, report.problems
    content = ServiceContent.objects.get()
    assert content.item.category.path_label() == "客户服务 / 热线"
    assert (content.kpis.count(), content.checkpoints.count(), content.resources.count()) == (
        1, 1, 1,
    )  # fmt: skip


def test_an_unknown_header_is_refused_and_named(db):
    problems = refused([{**BASE, "服务内容": "接听", "服务平率": "每日"}])

    assert problems == [
        "服务清单!R1 C(服务平率): Unknown column. Rename it to one of the accepted headers "
        "(listed in the template's 说明 sheet) or delete the column."
    ]


def test_a_column_without_a_header_and_a_row_number_column_are_ignored(db):
    header = ["序号", *BASE, "服务内容", ""]
    rows = [dict(zip(header, [1, *BASE.values(), "接听", "草稿笔记"], strict=True))]

    assert load(rows, header).ok
    assert ServiceContent.objects.get().name == "接听"


def test_a_missing_required_column_is_refused(db):
    assert refused([{"一级分类": "客户服务", "服务内容": "接听"}]) == [
        "服务清单!R1 C(服务项目): This required column is missing."
    ]


def test_a_column_given_twice_is_refused(db):
    header = [*BASE, "服务频率", "频次"]
    rows = [dict(zip(header, [*BASE.values(), "每日", "每周"], strict=True))]

    assert refused(rows, header) == [
        "服务清单!R1 C(频次): This column appears twice (also as 服务频率)."
    ]


# --- Rows, inheritance and matching -----------------------------------------------------------


def test_empty_item_cells_repeat_the_row_above_like_merged_cells(staff):
    rows = [
        {**BASE, "服务层级": "高级", "项目负责人": "张三", "服务内容": "接听"},
        {"服务内容": "回访"},
        {"服务项目": "400热线", "服务内容": "质检"},
        {"服务项目": "在线客服", "服务内容": "咨询"},
    ]

    report = load(rows)

    assert report.ok, report.problems
    hotline = ServiceItem.objects.get(name="400热线")
    assert hotline.tier == "advanced"
    assert hotline.contents.count() == 3
    chat = ServiceItem.objects.get(name="在线客服")
    assert chat.category == hotline.category  # taken from the row above
    assert chat.tier == "basic"


def test_a_row_without_content_describes_the_item_itself(staff):
    rows = [
        {**BASE, "服务频率": "每日", "服务标准": "电话：响应≤5分钟", "备注": "全年无休"},
        {**BASE, "服务内容": "接听", "服务频率": "工作日每天"},
    ]

    assert load(rows).ok
    item = ServiceItem.objects.get()
    assert (item.frequency_text, item.notes) == ("每日", "全年无休")
    assert item.standards.filter(content=None).count() == 1
    assert item.contents.get().frequency_text == "工作日每天"


def test_columns_missing_from_the_file_leave_fields_alone(staff):
    load([{**BASE, "项目说明": "全国热线", "服务层级": "高级", "服务内容": "接听", "备注": "旧"}])

    report = load([{**BASE, "服务内容": "接听"}])

    assert report.ok
    assert report.summary["items"]["unchanged"] == 1
    item = ServiceItem.objects.get()
    assert (item.description, item.tier, item.contents.get().notes) == (
        "全国热线",
        "advanced",
        "旧",
    )


def test_an_empty_cell_in_a_present_column_clears_the_field_but_not_the_status(staff):
    load([{**BASE, "服务内容": "接听", "备注": "旧", "状态": "草稿", "责任人": "张三"}])

    report = load([{**BASE, "服务内容": "接听", "备注": "", "状态": "", "责任人": ""}])

    assert report.ok
    content = ServiceContent.objects.get()
    assert (content.notes, content.status) == ("", "draft")
    assert content.ownerships.count() == 0


def test_an_existing_item_is_found_by_name_and_keeps_its_code(staff):
    load([{**BASE, "项目编号": "HOT-1", "服务内容": "接听"}])

    report = load([{**BASE, "服务内容": "接听", "备注": "新备注"}])

    assert report.ok
    assert report.summary["contents"]["updated"] == 1
    assert list(ServiceItem.objects.values_list("code", flat=True)) == ["HOT-1"]
    assert ServiceContent.objects.get().code == "HOT-1-01"


def test_codes_are_generated_after_the_codes_already_taken(staff):
    load([{**BASE, "项目编号": "SVC-0001", "服务内容": "接听"}])

    load([{**BASE, "服务项目": "在线客服", "服务内容": "咨询"}])

    assert ServiceItem.objects.get(name="在线客服").code == "SVC-0002"


def test_a_file_can_swap_two_names(staff):
    load([{**BASE, "服务内容": "接听"}, {**BASE, "服务内容": "回访"}])

    report = load(
        [
            {**BASE, "内容编号": "SVC-0001-01", "服务内容": "回访"},
            {**BASE, "内容编号": "SVC-0001-02", "服务内容": "接听"},
        ]
    )

    assert report.ok, report.problems
    assert dict(ServiceContent.objects.values_list("code", "name")) == {
        "SVC-0001-01": "回访",
        "SVC-0001-02": "接听",
    }


def test_a_file_can_rename_one_item_and_reuse_its_old_name_for_a_new_one(staff):
    load([{**BASE, "项目编号": "SVC-0001", "服务内容": "接听"}])

    report = load(
        [
            {**BASE, "项目编号": "SVC-0001", "服务项目": "400热线（旧）", "服务内容": "接听"},
            {**BASE, "服务内容": "新线路"},
        ]
    )

    assert report.ok, report.problems
    assert ServiceItem.objects.get(code="SVC-0001").name == "400热线（旧）"
    assert ServiceItem.objects.get(code="SVC-0002").name == "400热线"


# --- Refused: cells ---------------------------------------------------------------------------


def test_an_impossible_date_is_refused(db):
    assert refused([{**BASE, "服务内容": "接听", "开始时间": "2026年2月30日"}]) == [
        "服务清单!R2 C(开始时间): 2026年2月30日 is not a real date."
    ]


def test_an_end_before_the_start_is_refused(db):
    problems = refused(
        [{**BASE, "服务内容": "接听", "开始时间": "2026-06-01", "结束时间": "2026-03-01"}]
    )

    assert problems == [
        "服务清单!R2 C(结束时间): The end date 2026-03-01 is before the start date 2026-06-01."
    ]


def test_an_unknown_owner_is_refused_and_listed(staff):
    before = counts()

    report = load([{**BASE, "服务内容": "接听", "责任人": "张三、赵六"}])

    assert not report.ok
    assert report.unknown_owners == ["赵六"]
    (problem,) = report.problems
    assert (problem.row, problem.column) == (2, "责任人")
    assert problem.message.startswith("Unknown owner 赵六")
    assert counts() == before


def test_an_ambiguous_owner_is_refused(staff):
    User.objects.create(username="zhangsan2", display_name="张三")

    (problem,) = refused([{**BASE, "服务内容": "接听", "责任人": "张三"}])

    assert "张三 is ambiguous" in problem
    assert "use the username" in problem


def test_a_frequency_that_means_nothing_is_refused_with_the_parsers_reason(db):
    (problem,) = refused([{**BASE, "服务内容": "接听", "服务频率": "看心情"}])

    assert problem.startswith("服务清单!R2 C(服务频率): ")
    assert "看心情" in problem or "每" in problem


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("服务层级", "超级", "超级 is not one of 基础、高级、定制"),
        ("项目状态", "暂停", "暂停 is not one of 草稿、启用、停用"),
        ("服务方式", "邮寄", "邮寄 is not one of 远程、现场、远程+现场"),
        ("复审周期（月）", "很久", "很久 is not a number of months"),
        ("项目编号", "SVC 01", "A code is 1–40 letters"),
        ("检查点", "下周 评估", "write a checkpoint as a date"),
        ("服务项目", "长" * 201, "Longer than 200 characters"),
    ],
)
def test_a_cell_that_cannot_be_read_is_refused(db, column, value, hint):
    (problem,) = refused([{**BASE, "服务内容": "接听", column: value}])

    assert problem.startswith(f"服务清单!R2 C({column}): ")
    assert hint in problem


def test_a_lower_category_without_the_one_above_is_refused(db):
    header = ["一级分类", "二级分类", "三级分类", "服务项目"]
    rows = [dict(zip(header, ["客户服务", "", "夜间", "400热线"], strict=True))]

    assert refused(rows, header) == [
        "服务清单!R2 C(二级分类): Empty, but a lower category level is filled."
    ]


def test_a_first_row_without_a_category_is_refused(db):
    assert refused([{"一级分类": "", "服务项目": "400热线"}]) == [
        "服务清单!R2 C(一级分类): Required: the row has no category and no row above to take "
        "one from."
    ]


# --- Refused: conflicts between rows and with the database -------------------------------------


def test_two_rows_of_one_item_that_disagree_are_refused_naming_both_rows(db):
    problems = refused(
        [
            {**BASE, "服务层级": "基础", "服务内容": "接听"},
            {**BASE, "服务层级": "高级", "服务内容": "回访"},
        ]
    )

    assert problems == [
        "服务清单!R3 C(服务层级): Differs from row 2 of the same service item (here: 高级; "
        "row 2: 基础)."
    ]


def test_a_content_code_used_twice_in_the_file_is_refused(db):
    problems = refused(
        [
            {**BASE, "内容编号": "C-1", "服务内容": "接听"},
            {**BASE, "内容编号": "C-1", "服务内容": "回访"},
        ]
    )

    assert problems == ["服务清单!R3 C(内容编号): Content code C-1 is also used in row 2."]


def test_the_same_content_twice_in_one_item_is_refused(db):
    problems = refused([{**BASE, "服务内容": "接听"}, {**BASE, "服务内容": "接听"}])

    assert problems == [
        "服务清单!R3 C(服务内容): This service item already has content named 接听 (row 2)."
    ]


def test_a_content_code_that_belongs_to_another_item_is_refused(staff):
    load([{**BASE, "服务内容": "接听"}])  # SVC-0001-01

    (problem,) = refused([{**BASE, "服务项目": "在线客服", "内容编号": "SVC-0001-01",
                           "服务内容": "咨询"}])  # fmt: skip

    assert "Content code SVC-0001-01 belongs to service item SVC-0001 400热线" in problem


def test_an_item_code_that_clashes_with_an_existing_name_is_refused(staff):
    load([{**BASE, "服务内容": "接听"}])  # SVC-0001

    (problem,) = refused([{**BASE, "项目编号": "HOT-9", "服务内容": "接听"}])

    assert problem == (
        "服务清单!R2 C(项目编号): A service item named 400热线 already exists in this category "
        "with code SVC-0001; use that code or leave the item code empty."
    )


def test_renaming_an_item_onto_another_items_name_is_refused(staff):
    load([{**BASE, "服务内容": "接听"}, {**BASE, "服务项目": "在线客服", "服务内容": "咨询"}])

    (problem,) = refused([{**BASE, "项目编号": "SVC-0002", "服务内容": "咨询"}])

    assert "Another service item, SVC-0001, already has this name" in problem


def test_a_content_code_without_content_is_refused(db):
    assert refused([{**BASE, "内容编号": "C-1", "服务内容": ""}]) == [
        "服务清单!R2 C(内容编号): A content code is given but the service content is empty."
    ]


def test_every_problem_is_reported_at_once_in_row_order(staff):
    problems = refused(
        [
            {**BASE, "服务内容": "接听", "服务频率": "每日", "开始时间": "2026-13-01"},
            {**BASE, "服务内容": "回访", "责任人": "赵六", "服务层级": "超级"},
        ]
    )

    assert [p.split(":")[0] for p in problems] == [
        "服务清单!R2 C(开始时间)",
        "服务清单!R3 C(责任人)",
        "服务清单!R3 C(服务层级)",
    ]


def test_a_record_changed_during_the_import_stops_it_and_writes_nothing(staff, monkeypatch):
    load([{**BASE, "服务内容": "接听"}])
    original = importer._Import._plan

    def someone_saves_meanwhile(job):
        ServiceContent.objects.update(version=99)
        original(job)

    monkeypatch.setattr(importer._Import, "_plan", someone_saves_meanwhile)
    audit_before = AuditEntry.objects.count()

    report = load([{**BASE, "服务内容": "接听", "备注": "改"}, {**BASE, "服务内容": "新"}])

    assert not report.ok
    assert "Someone changed SVC-0001-01" in messages(report)[0]
    assert ServiceContent.objects.count() == 1
    assert ServiceContent.objects.get().notes == ""
    assert AuditEntry.objects.count() == audit_before
    assert report.summary["contents"] == {"created": 0, "updated": 0, "unchanged": 0}


def test_categories_are_matched_by_their_whole_path(staff):
    other = Category.objects.create(name="热线服务", parent=Category.objects.create(name="其他"))

    assert load([{**BASE, "服务内容": "接听"}]).ok

    item = ServiceItem.objects.get()
    assert item.category != other
    assert item.category.path_label() == "客户服务 / 热线服务"


def test_the_users_guide_lists_every_column_with_its_synonyms():
    guide = (settings.BASE_DIR / "docs" / "users" / "checklist-excel.md").read_text()

    for column in COLUMNS:
        assert f"| {column.zh} | {column.en} | {'、'.join(column.synonyms)} |" in guide


def test_a_sheet_starting_at_c3_names_its_own_rows(db):
    header = [*BASE, "服务内容", "开始时间"]
    cells = table([{**BASE, "服务内容": "接听", "开始时间": "2026年2月30日"}], header)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "服务清单"
    for r, values in enumerate(cells, 3):
        for c, value in enumerate(values, 3):
            sheet.cell(row=r, column=c, value=value or None)
    output = io.BytesIO()
    book.save(output)
    before = counts()

    report = run(output.getvalue())

    assert messages(report) == ["服务清单!R4 C(开始时间): 2026年2月30日 is not a real date."]
    assert counts() == before
