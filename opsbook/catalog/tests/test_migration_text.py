"""Issue 8: the data migration gives existing standards and KPIs their text, in the canonical
(strict-grammar) form, which the import reads back to the same structure."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from opsbook.catalog.excel import textformats as tf

BEFORE = [("catalog", "0002_standard_calendar_customer_services")]
AFTER = [("catalog", "0003_standard_and_kpi_text")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Each test migrates back in time; whatever happens, the tests after it find the latest
    schema (every app's, not only the catalog's: migrating the catalog back unapplies the
    migrations of the apps that depend on it)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_standards_and_kpis_get_their_canonical_text():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    category = apps.get_model("catalog", "Category").objects.create(name="客户服务")
    item = apps.get_model("catalog", "ServiceItem").objects.create(
        code="SVC-1", name="热线", category=category
    )
    apps.get_model("catalog", "ServiceStandard").objects.create(
        item=item, channel="phone", priority="urgent", response_minutes=5, resolution_minutes=240
    )
    apps.get_model("catalog", "Kpi").objects.create(
        item=item, name="满意度", target=Decimal("95.0000"), unit="%", direction="at_least"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps

    standard = apps.get_model("catalog", "ServiceStandard").objects.get()
    kpi = apps.get_model("catalog", "Kpi").objects.get()
    assert standard.text == "电话/紧急：响应≤5分钟，解决≤4小时（工作时间）"
    assert kpi.text == "满意度≥95%"
    (read,) = tf.parse_standards(standard.text)
    assert (read.channel, read.priority, read.response_minutes, read.resolution_minutes) == (
        "phone",
        "urgent",
        5,
        240,
    )
    (read_kpi,) = tf.parse_kpis(kpi.text)
    assert (read_kpi.name, read_kpi.target) == ("满意度", Decimal(95))


@pytest.mark.django_db(transaction=True)
def test_existing_names_lose_their_control_characters_and_descriptions_keep_line_breaks():
    before = [("catalog", "0004_names_refuse_control_characters")]
    after = [("catalog", "0005_clean_control_characters")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Category = apps.get_model("catalog", "Category")
    Item = apps.get_model("catalog", "ServiceItem")
    category = Category.objects.create(name="客户\r\n服务", description="第一行\n第二行\x07")
    item = Item.objects.create(
        code="SVC-1\n", name="热线\t电话", category=category, notes="甲\r\n乙\x1b", region="华东"
    )
    Item.objects.create(code="SVC-2", name="夜间 热线", category=category)
    clash = Item.objects.create(code="SVC-3", name="夜间\n热线", category=category)
    apps.get_model("catalog", "Checkpoint").objects.create(
        item=item, due_date="2026-03-31", title="上线\n验收"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps

    category = apps.get_model("catalog", "Category").objects.get()
    assert (category.name, category.description) == ("客户 服务", "第一行\n第二行")
    item = apps.get_model("catalog", "ServiceItem").objects.get(pk=item.pk)
    assert (item.code, item.name, item.notes, item.region) == (
        "SVC-1",
        "热线 电话",
        "甲\r\n乙",
        "华东",
    )
    assert apps.get_model("catalog", "Checkpoint").objects.get().title == "上线 验收"
    # 夜间 热线 exists already in that category: the other one is left for a person to rename.
    assert apps.get_model("catalog", "ServiceItem").objects.get(pk=clash.pk).name == "夜间\n热线"
