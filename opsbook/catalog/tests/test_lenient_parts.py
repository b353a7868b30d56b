"""Issue 8: standards and KPIs kept as written through the services, the API, the import
preview, the list filter and SLA clocks."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opsbook.catalog import services as catalog
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.models import Kpi, ServiceStandard
from opsbook.catalog.testing import make_category, make_item

from .api_helpers import api_as
from .excel_helpers import run, table, xlsx
from .test_views_edit import item_data, rows

pytestmark = pytest.mark.django_db


def _parts(item, **parts):
    catalog.do_update_item(None, item, parts=catalog.Parts(**parts), source="test")


def test_a_standard_given_as_structure_gets_its_canonical_text(personas):
    item = make_item(personas.alice)
    _parts(item, standards=[ServiceStandard(channel="phone", response_minutes=5)])
    assert ServiceStandard.objects.get().text == "电话：响应≤5分钟（工作时间）"


def test_a_standard_given_as_text_is_read_like_the_import_reads_it(personas):
    item = make_item(personas.alice)
    _parts(
        item,
        standards=[
            ServiceStandard(text="接到报修后2小时内到场"),
            ServiceStandard(text="服务态度良好"),
        ],
        kpis=[Kpi(text="学员满意度九成以上"), Kpi(text="按期完成")],
    )
    onsite, polite = ServiceStandard.objects.order_by("position")
    assert (onsite.channel, onsite.response_minutes) == ("onsite", 120)
    assert polite.text == "服务态度良好" and not polite.has_structure
    satisfaction, on_time = Kpi.objects.order_by("position")
    assert (satisfaction.target, satisfaction.metric) == (Decimal(90), "csat.satisfied_share")
    assert on_time.target is None and on_time.name == "按期完成"


def test_the_api_takes_text_alone_and_answers_with_text_and_structure(personas):
    item = make_item(personas.alice)
    api = api_as(personas.mia)
    response = api.patch(
        f"/catalog/items/{item.pk}",
        {
            "version": item.version,
            "standards": [{"text": "节假日值班不少于2人"}, {"text": "服务态度良好"}],
            "kpis": [{"text": "差错率低于千分之一"}, {"text": "按期完成"}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    duty, polite = body["standards"]
    assert (duty["text"], duty["min_staff"], duty["channel"], duty["text_only"]) == (
        "节假日值班不少于2人", 2, None, False,
    )  # fmt: skip
    assert polite["text_only"] is True
    errors, on_time = body["kpis"]
    assert (errors["target"], errors["unit"], errors["direction"], errors["metric"]) == (
        0.1, "%", "at_most", None,
    )  # fmt: skip
    assert on_time["qualitative"] is True and on_time["target"] is None


def test_the_api_refuses_a_standard_with_neither_text_nor_structure(personas):
    item = make_item(personas.alice)
    response = api_as(personas.mia).patch(
        f"/catalog/items/{item.pk}", {"version": item.version, "standards": [{"channel": "phone"}]}
    )
    assert response.status_code == 422


def test_the_list_finds_items_with_text_only_standards_or_qualitative_kpis(personas):
    readable = make_item(personas.alice, name="热线")
    _parts(readable, standards=[ServiceStandard(text="2小时内响应")], kpis=[Kpi(text="满意度≥95%")])
    vague = make_item(personas.alice, name="保洁")
    _parts(vague, standards=[ServiceStandard(text="服务态度良好")])
    qualitative = make_item(personas.alice, name="报送")
    _parts(qualitative, kpis=[Kpi(text="按期完成")])
    api = api_as(personas.mia)

    def codes(which):
        response = api.get("/catalog/items", unread=which)
        assert response.status_code == 200, response.content
        return {row["name"] for row in response.json()["items"]}

    assert codes("standards") == {"保洁"}
    assert codes("kpis") == {"报送"}
    assert codes("any") == {"保洁", "报送"}
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(personas.mia)
    page = client.get(reverse("catalog:tree"), {"unread": "standards"})
    assert page.status_code == 200
    assert "保洁" in page.text and "报送" not in page.text


def test_structure_a_manager_added_survives_export_and_import(personas):
    item = make_item(personas.alice, name="桌面支持")
    _parts(item, standards=[ServiceStandard(text="尽快上门处理")])
    standard = ServiceStandard.objects.get()
    assert not standard.has_structure
    # The manager reads the sentence as "on site within 4 hours" and says so on the item page.
    _parts(
        item,
        standards=[ServiceStandard(text="尽快上门处理", channel="onsite", response_minutes=240)],
    )

    report = run(export_catalog())

    assert report.ok and report.problems == []
    assert report.summary["items"]["updated"] == 0
    standard = ServiceStandard.objects.get()
    assert (standard.text, standard.channel, standard.response_minutes) == (
        "尽快上门处理", "onsite", 240,
    )  # fmt: skip


def test_the_import_preview_lists_notices_and_imports(personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert personas.alice.label == "张三"
    cells = table(
        [
            {"一级分类": "后勤", "服务项目": "保洁", "服务内容": "教室保洁", "服务频率": "每日",
             "责任人": "张三", "服务标准": "服务态度良好", "考核指标": "按期完成"},
            {"一级分类": "后勤", "服务项目": "保洁", "服务内容": "垃圾清运", "服务频率": "每日",
             "责任人": "张三", "服务标准": "2小时内清运", "考核指标": "满意度≥90%"},
        ]
    )  # fmt: skip
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(personas.mia)
    upload = SimpleUploadedFile("清单.xlsx", xlsx(cells))
    client.post(reverse("catalog:import"), {"file": upload})
    preview = client.get(reverse("catalog:import_preview"))

    html = preview.text
    assert 'id="import-problems"' not in html
    assert 'id="import-notices"' in html
    assert "服务态度良好: kept as a text-only standard" in html
    assert "按期完成: kept as a qualitative KPI" in html
    assert reverse("catalog:import_confirm") in html


def test_a_code_used_twice_and_a_contradicting_target_are_still_errors(personas):
    cells = table(
        [
            {"一级分类": "客服", "项目编号": "A-1", "服务项目": "热线", "内容编号": "C-1",
             "服务内容": "接听", "服务频率": "每日", "考核指标": "满意度≥95%且≤90%"},
            {"一级分类": "客服", "项目编号": "A-1", "服务项目": "热线", "内容编号": "C-1",
             "服务内容": "回访", "服务频率": "每日", "服务标准": "每月32日前提交"},
        ]
    )  # fmt: skip
    report = run(xlsx(cells))
    assert not report.ok
    text = " ".join(str(p) for p in report.problems)
    assert "contradicts itself" in text
    assert "C-1" in text  # the content code used twice


def test_the_item_page_takes_sentences_and_lets_a_manager_add_structure(personas):
    category = make_category("后勤")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(personas.mia)
    data = item_data(
        category,
        **rows("standards", {"text": "尽快上门处理", "time_basis": "business"}),
        **rows("kpis", {"text": "学员满意度九成以上", "direction": "at_least"}),
    )

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    standard = ServiceStandard.objects.get()
    assert standard.text == "尽快上门处理" and not standard.has_structure
    kpi = Kpi.objects.get()
    assert (kpi.name, kpi.target, kpi.metric) == ("学员满意度", Decimal(90), "csat.satisfied_share")
    page = client.get(response["Location"])
    assert "尽快上门处理" in page.text and "text only" in page.text

    item = standard.item
    item.refresh_from_db()
    edit = item_data(
        category,
        item,
        **rows(
            "standards",
            {"text": "尽快上门处理", "channel": "onsite", "response_minutes": "240",
             "time_basis": "business"},
            initial=1,
        ),
        **rows(
            "kpis",
            {"text": "学员满意度九成以上", "name": "学员满意度", "target": "90", "unit": "%",
             "direction": "at_least", "metric": "csat.satisfied_share"},
            initial=1,
        ),
    )  # fmt: skip
    response = client.post(reverse("catalog:item_edit", args=[item.pk]), edit)

    assert response.status_code == 302, response.content.decode()[:2000]
    standard = ServiceStandard.objects.get()
    assert (standard.text, standard.channel, standard.response_minutes) == (
        "尽快上门处理", "onsite", 240,
    )  # fmt: skip


def test_values_the_api_accepts_with_separators_export_and_import_back_unchanged(personas):
    # Issue 8, Why: a KPI named 接通率;首解率 and a checkpoint 完成A；完成B made an export the
    # importer refused.
    from opsbook.accounts.models import Team

    Team.objects.create(name="热线、投诉组")
    item = make_item(personas.alice)
    api = api_as(personas.mia)
    response = api.patch(
        f"/catalog/items/{item.pk}",
        {
            "owners": [{"team": "热线、投诉组", "primary": True}],
            "kpis": [
                {"name": "接通率;首解率", "target": "90", "unit": "%"},
                {"name": "多项名称", "target": "1", "unit": "次", "direction": "at_most"},
            ],
            "checkpoints": [{"due_date": "2026-03-31", "title": "完成A；完成B"}],
            "resources": [{"kind": "tool", "description": "系统A;系统B"}],
            "standards": [{"text": '"引号"开头；也有分号'}],
        },
    )
    assert response.status_code == 200, response.content
    before = api.get(f"/catalog/items/{item.pk}").json()

    report = run(export_catalog())

    assert report.problems == [] and report.ok
    assert report.summary["items"]["updated"] == 0
    after = api.get(f"/catalog/items/{item.pk}").json()
    for key in ("owners", "kpis", "checkpoints", "resources", "standards"):
        assert after[key] == before[key], key


def test_a_line_break_in_a_part_name_is_refused_by_the_api_so_exports_stay_importable(personas):
    # A KPI named 多行\n名称 used to be accepted; names are one line now (core/text.py).
    item = make_item(personas.alice)
    api = api_as(personas.mia)

    response = api.patch(
        f"/catalog/items/{item.pk}",
        {"kpis": [{"name": "多行\n名称", "target": "1", "unit": "次", "direction": "at_most"}]},
    )

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "kpis", 0, "name"]
    assert not item.kpis.exists()
