"""Issue 10: KPIs name the metrics registry's keys. Stored keys of the first release are
rewritten, the Excel import accepts a key written after a KPI (and refuses one it does not know,
writing nothing), the export writes it back, and the export's 本月实际 / 达标状态 columns are
read by people and ignored by the import."""

import io
from decimal import Decimal

import pytest
import python_calamine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from opsbook.catalog import kpi_actuals, kpi_metrics
from opsbook.catalog import services as catalog
from opsbook.catalog.excel import textformats as tf
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.models import Kpi, ServiceItem
from opsbook.catalog.testing import make_category, make_item

from .excel_helpers import counts, row, run, table, xlsx
from .test_views_edit import item_data, rows

BEFORE = [("catalog", "0007_category_code")]
AFTER = [("catalog", "0008_kpi_metric_registry_keys")]


@pytest.fixture
def _latest_schema_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("_latest_schema_afterwards")
@pytest.mark.django_db(transaction=True)
def test_stored_keys_of_the_first_release_become_registry_keys_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    category = apps.get_model("catalog", "Category").objects.create(name="客户服务", code="C1")
    item = apps.get_model("catalog", "ServiceItem").objects.create(
        code="SVC-1", name="热线", category=category
    )
    OldKpi = apps.get_model("catalog", "Kpi")
    for position, old in enumerate(kpi_metrics.RENAMED):
        OldKpi.objects.create(item=item, name=old, metric=old, position=position)
    OldKpi.objects.create(item=item, name="按期完成", metric="", position=99)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    stored = dict(apps.get_model("catalog", "Kpi").objects.values_list("name", "metric"))
    assert stored == {**kpi_metrics.RENAMED, "按期完成": ""}
    assert set(stored.values()) - {""} == set(kpi_metrics.KEYS)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    back = dict(apps.get_model("catalog", "Kpi").objects.values_list("name", "metric"))
    assert back == {
        **{old: old for old in kpi_metrics.RENAMED},
        "error_rate": "",
        "按期完成": "",
    }


def test_every_key_is_a_dotted_registry_key_and_words_still_decide_direction():
    assert all("." in key for key in kpi_metrics.KEYS)
    assert set(kpi_metrics.RENAMED.values()) - {""} == set(kpi_metrics.KEYS)
    # 差错率 is measured by nothing, yet a lower value is still the better one.
    (spec,) = tf.parse_kpis("差错率1%")
    assert (spec.metric, spec.direction) == ("", "at_most")


@pytest.mark.parametrize(
    ("text", "name", "target", "metric"),
    [
        ("首次响应及时率≥98% [sla.response.met_rate]", "首次响应及时率", 98,
         "sla.response.met_rate"),
        ("客户回访工作到位【complaints.followup_rate】", "客户回访工作到位", None,
         "complaints.followup_rate"),
        # The key overrides the words: 满意度 alone would be csat.satisfied_share.
        ("满意度≥90% ［tickets.first_contact_resolution_rate］", "满意度", 90,
         "tickets.first_contact_resolution_rate"),
    ],
)  # fmt: skip
def test_a_key_written_after_a_kpi_names_its_metric(text, name, target, metric):
    (spec,) = tf.parse_kpis(text)
    assert (spec.name, spec.target, spec.metric) == (
        name,
        None if target is None else Decimal(target),
        metric,
    )
    assert "[" not in spec.text and "【" not in spec.text and "［" not in spec.text
    assert tf.parse_kpis(tf.format_kpis([spec])) == (spec,)


def test_an_unknown_key_is_an_error_naming_it():
    with pytest.raises(tf.TextFormatError, match=r"sla\.response\.typo"):
        tf.parse_kpis("首次响应及时率≥98% [sla.response.typo]")


def _rows(data: bytes) -> list[list]:
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(
        "服务清单"
    )
    return sheet.to_python()


def _column(data: bytes, header: str) -> list:
    rows = _rows(data)
    index = rows[0].index(header)
    return [r[index] for r in rows[1:]]


def test_the_import_stores_the_key_written_in_the_kpi_cell(personas):
    report = run(
        xlsx(
            table(
                [
                    row(
                        一级分类="客户服务",
                        服务项目="热线",
                        服务频率="每日",
                        考核指标="首次响应及时率≥98% [sla.response.met_rate]；满意度≥90% "
                        "[tickets.first_contact_resolution_rate]",
                    )
                ]
            )
        ),
        actor=personas.mia,
    )

    assert report.ok, report.problems
    stored = list(Kpi.objects.order_by("position").values_list("text", "metric"))
    assert stored == [
        ("首次响应及时率≥98%", "sla.response.met_rate"),
        ("满意度≥90%", "tickets.first_contact_resolution_rate"),
    ]


def test_an_unknown_key_names_sheet_row_and_column_and_nothing_is_written(personas):
    before = counts()
    report = run(
        xlsx(
            table(
                [
                    row(
                        一级分类="客户服务", 服务项目="热线", 服务频率="每日", 考核指标="回访率100%"
                    ),
                    row(
                        一级分类="客户服务",
                        服务项目="热线",
                        服务内容="接听来电",
                        服务频率="每日",
                        考核指标="首次响应及时率≥98% [sla.response.typo]",
                    ),
                ]
            )
        ),
        actor=personas.mia,
    )

    assert not report.ok
    (problem,) = report.problems
    assert (problem.sheet, problem.row, problem.column) == ("服务清单", 3, "考核指标")
    assert "sla.response.typo" in problem.message and "sla.response.met_rate" in problem.message
    assert counts() == before


def test_export_writes_a_key_the_words_would_not_find_and_the_round_trip_is_lossless(personas):
    item = make_item(name="热线")
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(
            kpis=[
                Kpi(text="首次响应及时率≥98%"),  # the words find sla.response.met_rate
                Kpi(text="满意度≥90% [tickets.first_contact_resolution_rate]"),
                Kpi(text="按期完成"),
            ]
        ),
        expected_version=item.version,
        source="test",
    )
    stored = list(Kpi.objects.order_by("position").values_list("text", "metric"))
    assert stored == [
        ("首次响应及时率≥98%", "sla.response.met_rate"),
        ("满意度≥90%", "tickets.first_contact_resolution_rate"),
        ("按期完成", ""),
    ]

    exported = export_catalog()
    (cell,) = _column(exported, "考核指标")
    assert (
        cell == "首次响应及时率≥98%；满意度≥90% [tickets.first_contact_resolution_rate]；按期完成"
    )
    before, version = counts(), ServiceItem.objects.get().version

    report = run(exported, filename="导出.xlsx", actor=personas.mia)

    assert report.ok, report.problems
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts() == before and ServiceItem.objects.get().version == version
    assert list(Kpi.objects.order_by("position").values_list("text", "metric")) == stored


class _Fixed:
    """A provider that answers fixed figures: a rate of 0.97 for every request this month,
    0.99 last month."""

    def figures(self, requests, *, now, history=True):
        return {
            r: kpi_actuals.Figures(
                unit="ratio",
                current=kpi_actuals.Figure("2026-12", 0.97, "/drill/?now"),
                previous=kpi_actuals.Figure("2026-11", 0.99, "/drill/?before"),
                history=(0.5, None, 0.97) if history else (),
            )
            for r in requests
        }


@pytest.fixture
def fixed_figures():
    before = kpi_actuals.provider()
    kpi_actuals.set_provider(_Fixed())
    yield
    kpi_actuals.set_provider(before)


@pytest.mark.usefixtures("fixed_figures")
def test_export_writes_this_months_actual_and_status_which_the_import_ignores(personas):
    item = make_item(name="热线")
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(
            kpis=[Kpi(text="响应及时率≥98%"), Kpi(text="按期完成"), Kpi(text="=投诉率≤5%")]
        ),
        expected_version=item.version,
        source="test",
    )

    exported = export_catalog()

    header = _rows(exported)[0]
    kpis_at = header.index("考核指标")
    assert header[kpis_at + 1 : kpis_at + 3] == ["本月实际", "达标状态"]
    assert _column(exported, "本月实际") == ["97%；97%"]
    assert _column(exported, "达标状态") == ["未达标；未达标"]  # ≥98 % missed; ≤5 % missed
    before = counts()
    report = run(exported, filename="导出.xlsx", actor=personas.mia)
    assert report.ok, report.problems
    assert report.summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts() == before


@pytest.mark.parametrize(
    ("unit", "value", "target", "kpi_unit", "direction", "shown", "status"),
    [
        ("ratio", 0.985, "98", "%", "at_least", "98.5%", "met"),
        ("ratio", 0.9799, "98", "%", "at_least", "98%", "missed"),  # never rounded into a pass
        ("ratio", 0.02, "1", "%", "at_most", "2%", "missed"),
        ("ratio", 0.95, "0.9", "", "at_least", "95%", "met"),  # a target written as a fraction
        ("seconds", 1500.0, "30", "分钟", "at_most", "25分钟", "met"),
        ("seconds", 45.0, "30", "秒", "at_most", "45秒", "missed"),
        ("seconds", 1500.0, "2", "个工作日", "at_most", None, None),  # not comparable
        ("count", None, "5", "次", "at_least", "", None),
    ],
)
def test_an_actual_is_shown_in_the_kpis_unit_and_judged_by_its_target(
    unit, value, target, kpi_unit, direction, shown, status
):
    ref = kpi_actuals.KpiRef(1, "x.y", "SVC-1", None, Decimal(target), kpi_unit, direction)
    reading = kpi_actuals._reading(ref, unit, kpi_actuals.Figure("2026-12", value))
    assert reading.status == status
    if shown is not None:
        assert reading.text == shown
    assert reading.light == {"met": "green", "missed": "red", None: "grey"}[status]


def test_the_edit_form_reads_a_key_written_after_a_kpi(personas):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(personas.mia)
    data = item_data(
        make_category("热线"),
        **rows(
            "kpis", {"text": "客户回访到位 [complaints.followup_rate]", "direction": "at_least"}
        ),
    )
    response = client.post(reverse("catalog:item_create"), data)
    assert response.status_code == 302
    assert list(Kpi.objects.values_list("text", "name", "metric")) == [
        ("客户回访到位", "客户回访到位", "complaints.followup_rate")
    ]

    data["kpis-0-text"] = "客户回访到位 [complaints.typo]"
    response = client.post(reverse("catalog:item_create"), data | {"name": "另一个"})
    assert response.status_code == 200 and "complaints.typo" in response.text
