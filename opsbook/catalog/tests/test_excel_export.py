import io
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from opsbook.accounts.models import User
from opsbook.catalog import services
from opsbook.catalog.excel.exporter import export_catalog, write_template
from opsbook.catalog.models import Kpi, Ownership, ServiceContent, ServiceItem, ServiceStandard
from opsbook.catalog.testing import make_category, make_content, make_item

from .excel_helpers import counts, run


def sheet(data: bytes, name: str = "服务清单"):
    return openpyxl.load_workbook(io.BytesIO(data))[name]


def rows(data: bytes) -> list[dict]:
    ws = sheet(data)
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def catalog(personas):
    alice, bob = personas.alice, personas.bob
    hotline = make_item(alice, category=make_category("热线", make_category("客户服务")),
                        name="400热线", tier="advanced")  # fmt: skip
    make_content(hotline, alice, name="接听来电")
    make_content(hotline, bob, name="回访", frequency_text="每周两次")
    empty = make_item(bob, category=make_category("教务服务"), name="排课", frequency_text="")
    return hotline, empty


def test_the_export_has_one_row_per_content_and_a_row_for_an_item_without_content(catalog):
    data = export_catalog()

    exported = rows(data)
    assert [(r["服务项目"], r["服务内容"]) for r in exported] == [
        ("400热线", None),  # its own frequency (每日) needs a row of its own
        ("400热线", "接听来电"),
        ("400热线", "回访"),
        ("排课", None),
    ]
    calls = exported[1]
    assert (calls["一级分类"], calls["二级分类"], calls["项目编号"]) == ("客户服务", "热线",
                                                                      "SVC-0001")  # fmt: skip
    assert (calls["服务层级"], calls["项目状态"], calls["状态"]) == ("高级", "启用", "启用")
    assert (calls["项目负责人"], calls["责任人"], calls["内容编号"]) == ("张三", "张三",
                                                                     "SVC-0001-01")  # fmt: skip
    assert exported[0]["服务频率"] == "每日"


def test_the_sheet_has_a_bold_frozen_filtered_header_and_drop_down_lists(catalog):
    ws = sheet(export_catalog())

    assert ws["A1"].value == "一级分类"
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["A"].width > 10
    lists = {v.formula1 for v in ws.data_validations.dataValidation}
    assert {'"基础,高级,定制"', '"草稿,启用,停用"', '"远程,现场,远程+现场"'} <= lists


def test_cells_that_could_run_as_formulas_are_neutralised_and_read_back_exactly(personas):
    nasty: dict[str, Any] = {
        "name": "=cmd|' /C calc'!A0",
        "description": "+SUM(1,2)",
        "notes": '@HYPERLINK("http://example.com")',
        "target_customers": "-1",
        "service_hours": "@9:00",
        "region": "'=already quoted",
    }
    item = make_item(personas.alice, frequency_text="", **nasty)
    # Names are one line (no tab or CR); a multi-line field may start with either.
    make_content(
        item, name="-回车开头", description="\t9:00\r回车", notes="=1+1", frequency_text=""
    )
    before = counts()

    data = export_catalog()

    ws = sheet(data)
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row if c.value]
    assert "'=cmd|' /C calc'!A0" in values
    assert "'+SUM(1,2)" in values
    assert "'=1+1" in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    report = run(data, actor=personas.mia)
    assert report.ok, report.problems
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert report.summary["contents"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts() == before
    item.refresh_from_db()
    assert {k: getattr(item, k) for k in nasty} == nasty
    content = ServiceContent.objects.get()
    assert (content.name, content.description, content.notes) == (
        "-回车开头",
        "\t9:00\r回车",
        "=1+1",
    )


def test_a_round_trip_keeps_every_field_and_part(personas):
    alice, bob, team = personas.alice, personas.bob, personas.support_team
    deep = make_category("夜间", make_category("热线", make_category("客户服务", None)))
    deeper = make_category("节假日", deep)
    item = make_item(
        alice, category=deeper, name="假日热线", description="多行\n说明", tier="custom",
        target_customers="家长", service_hours="7×24", delivery_mode="hybrid", region="华东",
        review_cycle_months=6, next_review_date=date(2026, 9, 30), start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31), notes="年度", frequency_text="每季度",
    )  # fmt: skip
    services.do_update_item(
        None, item, parts=services.Parts(
            owners=[Ownership(user=alice, is_primary=True), Ownership(team=team)],
            standards=[ServiceStandard(channel="phone", priority="urgent", response_minutes=5,
                                       resolution_minutes=240, time_basis="calendar",
                                       description="夜间")],
            kpis=[Kpi(name="满意度", target=Decimal("95.5"), unit="%", direction="at_least")],
        ),
    )  # fmt: skip
    content = make_content(item, bob, name="值班", start_date=date(2026, 2, 1))
    services.do_update_content(None, content, parts=services.Parts(
        kpis=[Kpi(name="平均响应时长", target=Decimal(30), unit="秒", direction="at_most",
                  description="月度")],
    ))  # fmt: skip
    before = counts()
    snapshot = list(ServiceItem.objects.values()), list(ServiceContent.objects.values())

    data = export_catalog()
    report = run(data, actor=personas.mia)

    assert report.ok, report.problems
    assert counts() == before
    assert (list(ServiceItem.objects.values()), list(ServiceContent.objects.values())) == snapshot
    header = [c.value for c in sheet(data)[1]]
    assert "四级分类" in header
    own_row = rows(data)[0]
    assert own_row["服务标准"] == "电话/紧急：响应≤5分钟，解决≤4小时（日历时间）（夜间）"
    assert own_row["考核指标"] == "满意度≥95.5%"
    assert own_row["项目负责人"] == "张三、客服部"


def test_an_owner_whose_display_name_is_shared_is_exported_by_username(catalog):
    User.objects.create(username="zhangsan2", display_name="张三")

    data = export_catalog()

    assert rows(data)[1]["责任人"] == "alice"
    assert run(data).summary["contents"]["unchanged"] == 2


def test_only_the_given_items_are_exported(catalog):
    hotline, _empty = catalog

    exported = rows(export_catalog(ServiceItem.objects.filter(pk=hotline.pk)))

    assert {r["服务项目"] for r in exported} == {"400热线"}


def test_the_template_explains_the_columns_and_imports_nothing(db):
    data = write_template()

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["服务清单", "说明"]
    ws = book["服务清单"]
    assert ws.max_row == 1
    assert [c.value for c in ws[1]][:3] == ["一级分类", "二级分类", "三级分类"]
    assert ws["D1"].comment is not None  # 项目编号: explains the generated codes
    notes = [c.value for row in book["说明"].iter_rows() for c in row if c.value]
    assert "服务频率" in notes
    assert "电话：响应≤5分钟，解决≤4小时（工作时间）" in notes  # an example, in the 说明 sheet
    before = counts()
    report = run(data)
    assert not report.ok
    assert counts() == before


def test_the_template_filled_in_imports(personas):
    book = openpyxl.load_workbook(io.BytesIO(write_template()))
    book["服务清单"].append(["客户服务", "热线", None, None, "400热线"] + [None] * 11 + ["接听"])
    output = io.BytesIO()
    book.save(output)

    report = run(output.getvalue())

    assert report.ok, report.problems
    assert ServiceContent.objects.get().item.name == "400热线"
