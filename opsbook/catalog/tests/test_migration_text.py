"""Issue 8: the data migration gives existing standards and KPIs their text, in the canonical
(strict-grammar) form, which the import reads back to the same structure."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from opsbook.catalog.excel import textformats as tf

BEFORE = [("catalog", "0002_standard_calendar_customer_services")]
AFTER = [("catalog", "0003_standard_and_kpi_text")]


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
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
