import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import python_calamine

from opsbook.audit.models import AuditEntry
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.models import Category, ServiceContent, ServiceItem

from .excel_helpers import counts, row, run, table, xlsx


class People(tuple):
    """alice, bob, charlie and their team (named as owners in the workbooks), plus the people
    who import: the manager mia and the administrator erin (the importer checks its actor)."""

    mia: Any
    erin: Any


@pytest.fixture
def people(personas):
    # alice is 张三 and bob 李四 on team 客服部; charlie is 王五 on 技术支持部.
    group = People((personas.alice, personas.bob, personas.charlie, personas.support_team))
    group.mia, group.erin = personas.mia, personas.erin
    return group


def full_rows():
    item = {
        "一级分类": "教务服务",
        "二级分类": "招生咨询",
        "服务项目": "招生咨询热线",
        "项目说明": "面向家长的招生政策咨询，含“特殊”字符：=号在中间",
        "服务层级": "高级",
        "服务对象": "新生家长",
        "服务时间": "工作日 9:00-18:00",
        "服务方式": "远程+现场",
        "服务区域": "华东",
        "项目负责人": "张三、李四",
        "项目状态": "启用",
        "复审周期（月）": 12,
        "下次复审日期": date(2026, 12, 31),
    }
    return [
        row(
            **item,
            服务频率="每季度",
            服务标准="电话：响应≤5分钟，解决≤4小时（工作时间）；邮件：响应≤24小时（日历时间）",
            考核指标="学员满意度≥95%",
            开始时间=date(2026, 1, 1),
            结束时间="2026年12月31日",
            检查点="2026-03-31 完成招生方案；2026-06-30 中期评估✓",
            资源="人员：3名客服；预算：5万元/年；工具：工单系统",
            备注="寒暑假加开夜间热线",
        ),
        row(
            **item,
            服务内容="接听来电",
            内容说明="记录来电并登记意向",
            服务频率="每日",
            责任人="alice, 客服部",
            服务标准="在线客服/紧急：响应≤1分钟",
            考核指标="投诉处理及时率≥98%；平均响应时长≤30秒",
            开始时间="2026/3/1",
            结束时间="2026.6.30",
            检查点="2026年4月1日 话术更新",
            资源="其他：录音设备",
            备注="-仅限工作日；+86 400 热线",
            状态="启用",
        ),
        row(
            **item,
            服务内容="周报",
            服务频率="每周两次",
            责任人="王五",
            考核指标="按时提交率不低于90%",
            状态="草稿",
        ),
        row(一级分类="教务服务", 服务项目="新生入学指导", 服务内容="入学手续办理", 服务频率="按需"),
        row(
            一级分类="教务服务", 服务项目="新生入学指导", 服务内容="缴费提醒", 服务频率="每月5日前"
        ),
    ]


def test_a_full_workbook_creates_categories_items_content_and_their_parts(people):
    alice, bob, _charlie, team = people

    report = run(xlsx(table(full_rows())), actor=people.mia)

    assert report.ok, report.problems
    assert report.summary == {
        "categories": {"created": 2, "updated": 0, "unchanged": 0},
        "items": {"created": 2, "updated": 0, "unchanged": 0},
        "contents": {"created": 4, "updated": 0, "unchanged": 0},
    }
    hotline = ServiceItem.objects.get(name="招生咨询热线")
    assert hotline.category.path_label() == "教务服务 / 招生咨询"
    assert hotline.code == "SVC-0001"
    assert (hotline.tier, hotline.delivery_mode, hotline.status) == ("advanced", "hybrid", "active")
    assert hotline.review_cycle_months == 12
    assert hotline.next_review_date == date(2026, 12, 31)
    assert hotline.frequency_text == "每季度"
    assert hotline.frequency_period == "quarter"
    assert (hotline.start_date, hotline.end_date) == (date(2026, 1, 1), date(2026, 12, 31))
    assert hotline.notes == "寒暑假加开夜间热线"
    owners = list(hotline.ownerships.filter(content=None))
    assert [(o.user, o.is_primary) for o in owners] == [(alice, True), (bob, False)]
    standards = list(hotline.standards.filter(content=None))
    assert [
        (s.channel, s.response_minutes, s.resolution_minutes, s.time_basis) for s in standards
    ] == [
        ("phone", 5, 240, "business"),
        ("email", 1440, None, "calendar"),
    ]
    kpi = hotline.kpis.get(content=None)
    assert (kpi.name, kpi.target, kpi.unit, kpi.direction) == ("学员满意度", 95, "%", "at_least")
    checkpoints = list(hotline.checkpoints.filter(content=None))
    assert [(c.due_date, c.title, c.done) for c in checkpoints] == [
        (date(2026, 3, 31), "完成招生方案", False),
        (date(2026, 6, 30), "中期评估", True),
    ]
    assert [r.kind for r in hotline.resources.filter(content=None)] == ["people", "budget", "tool"]

    calls = hotline.contents.get(name="接听来电")
    assert calls.code == "SVC-0001-01"
    assert calls.notes == "-仅限工作日；+86 400 热线"
    assert (calls.start_date, calls.end_date) == (date(2026, 3, 1), date(2026, 6, 30))
    assert calls.frequency_period == "day"
    content_owners = list(calls.ownerships.all())
    assert [(o.user, o.team, o.is_primary) for o in content_owners] == [
        (alice, None, True),
        (None, team, False),
    ]
    assert calls.standards.get().priority == "urgent"
    assert [k.direction for k in calls.kpis.all()] == ["at_least", "at_most"]
    assert hotline.contents.get(name="周报").status == "draft"
    assert hotline.contents.get(name="周报").kpis.get().target == Decimal("90")

    guide = ServiceItem.objects.get(name="新生入学指导")
    assert guide.category.path_label() == "教务服务"
    assert guide.code == "SVC-0002"
    assert (guide.tier, guide.status) == ("basic", "active")
    assert [c.code for c in guide.contents.order_by("code")] == ["SVC-0002-01", "SVC-0002-02"]


def test_each_created_record_has_an_audit_entry_by_the_importing_user(people):
    run(xlsx(table(full_rows())), actor=people.mia)

    entries = AuditEntry.objects.filter(source="import")
    assert entries.count() == 2 + 2 + 4
    assert set(entries.values_list("actor", flat=True)) == {people.mia.pk}
    hotline = ServiceItem.objects.get(name="招生咨询热线")
    created = AuditEntry.objects.for_object(hotline).get()
    assert created.action == "create"
    assert created.changes["category"] == [None, "教务服务 / 招生咨询"]
    assert created.changes["owners"] == [[], ["张三 (primary)", "李四"]]
    content = hotline.contents.get(name="接听来电")
    entry = AuditEntry.objects.for_object(content).get()
    assert (entry.parent_type, entry.parent_id) == ("catalog.serviceitem", str(hotline.pk))


def test_importing_the_same_file_twice_changes_nothing(people):
    data = xlsx(table(full_rows()))
    run(data, actor=people.mia)
    before = counts()
    versions = list(ServiceItem.objects.values_list("version", flat=True))

    report = run(data, actor=people.mia)

    assert report.ok, report.problems
    assert report.summary == {
        "categories": {"created": 0, "updated": 0, "unchanged": 2},
        "items": {"created": 0, "updated": 0, "unchanged": 2},
        "contents": {"created": 0, "updated": 0, "unchanged": 4},
    }
    assert counts() == before
    assert list(ServiceItem.objects.values_list("version", flat=True)) == versions


def test_export_then_import_changes_nothing(people):
    run(xlsx(table(full_rows())), actor=people.mia)
    before = counts()
    snapshot = _snapshot()

    exported = export_catalog()
    report = run(exported, filename="导出.xlsx", actor=people.mia)

    assert report.ok, report.problems
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert report.summary["contents"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert counts() == before
    assert _snapshot() == snapshot
    assert _rows(export_catalog()) == _rows(exported)


def test_an_edited_cell_updates_the_record_in_place_with_before_and_after(people):
    rows = full_rows()
    run(xlsx(table(rows)), actor=people.mia)
    calls = ServiceContent.objects.get(name="接听来电")
    version = calls.version
    rows[1]["服务频率"] = "每周两次"
    rows[1]["责任人"] = "李四"

    report = run(xlsx(table(rows)), actor=people.erin)

    assert report.ok, report.problems
    assert report.summary["contents"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 2}
    calls.refresh_from_db()
    assert calls.frequency_text == "每周两次"
    assert calls.frequency_period == "week"
    assert calls.version == version + 1
    assert [o.user.username if o.user else None for o in calls.ownerships.all()] == ["bob"]
    entry = AuditEntry.objects.for_object(calls).filter(action="update").get()
    assert entry.actor == people.erin
    assert entry.changes["frequency_text"] == ["每日", "每周两次"]
    assert entry.changes["owners"] == [["张三 (primary)", "客服部"], ["李四 (primary)"]]


def test_codes_in_the_file_identify_records_so_a_renamed_item_is_updated(people):
    run(xlsx(table(full_rows())), actor=people.mia)
    rows = full_rows()
    for r in rows[:3]:
        r["项目编号"] = "SVC-0001"
        r["服务项目"] = "招生热线"
        r["一级分类"] = "招生服务"

    report = run(xlsx(table(rows)), actor=people.mia)

    assert report.ok, report.problems
    item = ServiceItem.objects.get(code="SVC-0001")
    assert item.name == "招生热线"
    assert item.category.path_label() == "招生服务 / 招生咨询"
    assert item.contents.count() == 2
    assert ServiceItem.objects.count() == 2
    entry = AuditEntry.objects.for_object(item).filter(action="update").get()
    assert entry.changes["name"] == ["招生咨询热线", "招生热线"]
    assert entry.changes["category"] == ["教务服务 / 招生咨询", "招生服务 / 招生咨询"]


def test_records_missing_from_the_file_are_left_alone(people):
    run(xlsx(table(full_rows())), actor=people.mia)

    report = run(xlsx(table(full_rows()[3:])), actor=people.mia)

    assert report.ok
    assert ServiceItem.objects.count() == 2
    assert ServiceContent.objects.count() == 4
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_dry_run_reports_the_changes_and_writes_nothing(people):
    before = counts()

    report = run(xlsx(table(full_rows())), actor=people.mia, dry_run=True)

    assert report.ok and report.dry_run
    assert report.summary["contents"]["created"] == 4
    assert counts() == before
    assert report.rows[0]["row"] == 2
    assert report.rows[0]["values"]["服务项目"] == "招生咨询热线"
    assert report.columns[:3] == ["一级分类", "二级分类", "项目编号"]


def test_retiring_an_item_retires_its_content_too(people):
    rows = full_rows()
    run(xlsx(table(rows)), actor=people.mia)
    for r in rows[:3]:
        r["项目状态"] = "停用"

    report = run(xlsx(table(rows)), actor=people.mia)

    assert report.ok, report.problems
    item = ServiceItem.objects.get(name="招生咨询热线")
    assert item.status == "retired"
    assert set(item.contents.values_list("status", flat=True)) == {"retired"}
    again = run(xlsx(table(rows)), actor=people.mia)
    assert again.summary["contents"]["updated"] == 0


def test_new_categories_are_created_once_and_existing_ones_are_reused(people):
    existing = Category.objects.create(name="教务服务")

    run(xlsx(table(full_rows())), actor=people.mia)

    assert Category.objects.filter(name="教务服务").get() == existing
    assert Category.objects.get(name="招生咨询").parent == existing


def _snapshot():
    items = [dict(row) for row in ServiceItem.objects.order_by("code").values()]
    contents = [dict(row) for row in ServiceContent.objects.order_by("code").values()]
    for entry in items + contents:
        entry.pop("updated_at")
    return items, contents


def _rows(data: bytes):
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.get_sheet_by_name("服务清单").to_python()
