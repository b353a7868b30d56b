"""Names, codes and titles in the checklist are one line; descriptions and notes keep their line
breaks. The API answers 422 naming the field, the forms show a field error, the services refuse
it, and the Excel import reads a line break inside a name cell as a space."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opsbook.catalog import services
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.models import Category, ServiceContent, ServiceItem
from opsbook.catalog.testing import make_category, make_content, make_item

from .api_helpers import api_as
from .excel_helpers import counts, csv_bytes, messages, row, run, table, xlsx
from .test_views_edit import item_data, rows

pytestmark = pytest.mark.django_db
# The messages as a user reads them (Chinese by default).
SINGLE = "不允许使用换行、制表符等控制字符。"
MULTI = "不允许使用控制字符（换行和制表符除外）。"
# Outside a request (services, the import run from a test), messages are in English.
SINGLE_EN = "Line breaks, tabs and other control characters are not allowed."
MULTI_EN = "Control characters are not allowed (line breaks and tabs are)."


def api_errors(response) -> dict[tuple, str]:
    assert response.status_code == 422, response.content
    return {tuple(e["loc"][2:]): e["msg"] for e in response.json()["detail"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "热线\r\n电话"),
        ("name", "热线\t电话"),
        ("code", "SVC-9\n"),  # "$" in a regex lets a final line break through; "\Z" does not
        ("service_hours", "7×24\n"),
        ("region", "华东\x00"),
        ("frequency_text", "每日\n"),
        ("description", "响铃\x07"),
        ("notes", "\x1b[31m红色"),
    ],
)
def test_the_api_refuses_a_control_character_naming_the_field(personas, field, value):
    category = make_category()
    payload = {"name": "热线电话服务", "category_id": category.pk, field: value}

    errors = api_errors(api_as(personas.mia).post("/catalog/items", payload))

    assert list(errors) == [(field,)]
    assert errors[(field,)].endswith(MULTI if field in ("description", "notes") else SINGLE)
    assert not ServiceItem.objects.exists()


@pytest.mark.parametrize(
    ("part", "entry", "field"),
    [
        ("kpis", {"name": "接通率\n首解率", "target": "90", "unit": "%"}, "name"),
        ("kpis", {"name": "接通率", "target": "90", "unit": "%\r"}, "unit"),
        ("checkpoints", {"due_date": "2026-03-31", "title": "上线\r\n验收"}, "title"),
        ("resources", {"kind": "tool", "description": "系统A\n系统B"}, "description"),
        ("standards", {"text": "4小时内\n上门"}, "text"),
    ],
)
def test_the_api_refuses_a_line_break_in_a_part(personas, part, entry, field):
    item = make_item(personas.alice)

    errors = api_errors(api_as(personas.mia).patch(f"/catalog/items/{item.pk}", {part: [entry]}))

    assert list(errors) == [(part, 0, field)]
    assert not getattr(item, part).exists()


def test_categories_and_contents_refuse_a_line_break_in_their_names(personas):
    api = api_as(personas.mia)
    item = make_item(personas.alice)

    assert list(api_errors(api.post("/catalog/categories", {"name": "客户\n服务"}))) == [("name",)]
    response = api.post(f"/catalog/items/{item.pk}/contents", {"name": "接听\n来电"})
    assert list(api_errors(response)) == [("name",)]
    assert not ServiceContent.objects.exists()


def test_descriptions_and_notes_keep_their_line_breaks_and_tabs(personas):
    category = make_category()
    payload = {
        "name": "热线电话服务",
        "category_id": category.pk,
        "description": "第一行\r\n第二行\t缩进",
        "notes": "回访\n记录",
    }

    response = api_as(personas.mia).post("/catalog/items", payload)

    assert response.status_code == 201, response.content
    item = ServiceItem.objects.get()
    assert (item.description, item.notes) == ("第一行\r\n第二行\t缩进", "回访\n记录")


def test_the_item_form_shows_a_field_error_for_a_line_break_in_the_name(client, personas):
    category = make_category()
    client.force_login(personas.mia)
    data = item_data(category, name="热线\n电话", notes="第一行\n第二行")

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [SINGLE]}
    assert not ServiceItem.objects.exists()


def test_the_item_form_refuses_a_line_break_in_a_checkpoint_title(client, personas):
    category = make_category()
    client.force_login(personas.mia)
    data = item_data(
        category, **rows("checkpoints", {"due_date": "2026-03-31", "title": "上线\r\n验收"})
    )

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 200
    assert SINGLE in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_the_category_form_refuses_a_tab_in_the_name(client, personas):
    client.force_login(personas.mia)

    response = client.post(reverse("catalog:categories"), {"name": "客户\t服务"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [SINGLE]
    assert not Category.objects.exists()


def test_the_services_refuse_what_the_api_and_forms_refuse(personas):
    with pytest.raises(ValidationError) as excinfo:
        services.do_create_category(personas.mia, name="客户\n服务")
    assert excinfo.value.message_dict == {"name": [SINGLE_EN]}

    item = make_item(personas.alice)
    with pytest.raises(ValidationError) as excinfo:
        services.do_update_item(personas.mia, item, region="华东\r\n")
    assert set(excinfo.value.message_dict) == {"region"}


# --- The Excel import ---------------------------------------------------------------------------


def test_a_line_break_inside_a_name_cell_becomes_a_space(personas):
    owner = personas.alice.username
    data = xlsx(
        table(
            [
                row(一级分类="客户\n服务", 服务项目="热线\r\n电话服务", 项目负责人=owner,
                    服务内容="接听\n来电", 内容说明="第一行\n第二行", 服务时间="7×24\n全年",
                    服务频率="每日"),
            ]
        )
    )  # fmt: skip

    report = run(data, actor=personas.mia)

    assert report.ok, messages(report)
    item = ServiceItem.objects.get()
    assert (item.category.name, item.name, item.service_hours) == (
        "客户 服务",
        "热线 电话服务",
        "7×24 全年",
    )
    content = ServiceContent.objects.get()
    assert (content.name, content.description) == ("接听 来电", "第一行\n第二行")


def test_another_control_character_in_a_cell_is_a_problem_naming_the_cell(personas):
    owner = personas.alice.username
    before = counts()
    data = csv_bytes(  # as typed: a CSV keeps any character (a worksheet cannot hold these)
        table(
            [
                row(一级分类="客户服务", 服务项目="热线\x07电话", 项目负责人=owner,
                    服务内容="接听来电", 内容说明="响铃\x1b", 服务频率="每日"),
            ]
        )
    )  # fmt: skip

    report = run(data, "清单.csv", actor=personas.mia)

    assert not report.ok
    assert sorted((p.row, p.column, p.message) for p in report.problems) == [
        (2, "内容说明", MULTI_EN),
        (2, "服务项目", SINGLE_EN),
    ]
    assert counts() == before


def test_an_export_with_multi_line_descriptions_imports_back_unchanged(personas):
    item = make_item(
        personas.alice, name="热线电话服务", description="第一行\n第二行\t缩进", notes="甲\r\n乙"
    )
    make_content(item, name="接听来电", description="多行\n说明")

    report = run(export_catalog(), actor=personas.mia)

    assert report.ok, messages(report)
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert report.summary["contents"] == {"created": 0, "updated": 0, "unchanged": 1}
