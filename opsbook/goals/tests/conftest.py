"""A fake metric for the goals tests that are about goals, not about the engine: its monthly
values are whatever the test says (``fake_metric.values["2026-10"] = 0.95``). The engine itself
is exercised by test_with_the_engine.py, with tickets made through the ticket services."""

from datetime import UTC, datetime

import pytest

from opsbook.goals import progress
from opsbook.metrics import registry
from opsbook.metrics.registry import Family, Metric, Unit

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, 10 November 2026

RATE = Metric(
    key="test.goals.rate",
    name="测试及时率",
    unit=Unit.RATIO,
    higher_is_better=True,
    definition="",
    dimensions=frozenset({"item", "team"}),
    family="goals-test",
)
COUNT = Metric(
    key="test.goals.count",
    name="测试工单量",
    unit=Unit.COUNT,
    higher_is_better=None,
    definition="",
    dimensions=frozenset({"item"}),
    family="goals-test",
)


class FakeFamily(Family):
    name = "goals-test"
    metrics = (RATE, COUNT)

    def compute(self, keys, windows, *, by, scope, now):  # pragma: no cover - not called
        return {}

    def rows(self, key, period, *, scope, part, now):  # pragma: no cover - not called
        raise AssertionError("The goals tests never list the rows of a test metric.")


class FakeMetric:
    def __init__(self) -> None:
        self.values: dict[str, float | None] = {}
        self.calls: list[tuple[str, list[str], dict]] = []

    def series(self, key, periods, scope, now):
        self.calls.append((key, [p.code for p in periods], dict(scope or {})))
        return [self.values.get(p.code) for p in periods]


@pytest.fixture
def fake_metric(monkeypatch):
    family = FakeFamily()
    registry.register(family)
    fake = FakeMetric()
    monkeypatch.setattr(progress, "_series", fake.series)
    yield fake
    for metric in family.metrics:
        registry._METRICS.pop(metric.key, None)
    registry._FAMILIES.pop(family.name, None)
