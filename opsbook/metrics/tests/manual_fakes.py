"""Test helpers for manual metrics and targets: a tiny metric family registered only while a
test runs (the built-in families are the engine's), manual metrics, and workbooks."""

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from opsbook.metrics import registry, services
from opsbook.metrics.models import ManualMetric
from opsbook.metrics.registry import Family, Metric, Unit, Value


class FakeFamily(Family):
    name = "fake"
    metrics = (
        Metric(
            "fake.rate",
            "测试及时率",
            Unit.RATIO,
            True,
            "A share.",
            dimensions=frozenset(
                {"channel", "item", "owner", "category", "customer", "team", "type"}
            ),
            family="fake",
        ),
        Metric("fake.time", "测试处理时长", Unit.SECONDS, False, "Seconds.", family="fake"),
        Metric("fake.count", "测试数量", Unit.COUNT, None, "A count.", family="fake"),
    )

    def compute(self, keys, windows, *, by, scope, now):
        return {k: {w: {None: Value(None)} for w, _p in windows.items()} for k in keys}

    def rows(self, key, period, *, scope, part, now):
        return ManualMetric.objects.none()


@pytest.fixture
def fake_metrics(db) -> Iterator[FakeFamily]:
    family = FakeFamily()
    taken = [m.key for m in family.metrics if registry.get(m.key) is not None]
    assert not taken, taken
    registry.register(family)
    try:
        yield family
    finally:
        for metric in family.metrics:
            registry._METRICS.pop(metric.key, None)
        registry._FAMILIES.pop(family.name, None)


def make_manual(code: str = "signups", **values: Any) -> ManualMetric:
    values.setdefault("name", "新增注册用户")
    values.setdefault("name_en", "New sign-ups")
    values.setdefault("unit", Unit.COUNT)
    values.setdefault("higher_is_better", True)
    values.setdefault("period_kind", "month")
    return services.do_create_manual_metric(None, code=code, source="test", **values)


def xlsx(rows: list[list[Any]], sheet: str = "指标数值") -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for values in rows:
        worksheet.append([None if v == "" else v for v in values])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
