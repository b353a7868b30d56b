"""The manual family: every active manual metric is a metric of the registry, its figure for a
period is the value entered for it (a count adds up over a longer period, other units do not),
and its drill-down lists the values behind the figure."""

from datetime import UTC, datetime

from django.utils import translation

from opsbook.metrics import engine, periods, registry, services
from opsbook.metrics.families.manual import FAMILY, periods_inside
from opsbook.metrics.registry import Unit, Windows

from .manual_fakes import make_manual

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def _enter(metric, values: dict[str, object]) -> None:
    for period, value in values.items():
        services.do_set_manual_value(None, metric, period=period, value=value, source="test")


def test_active_manual_metrics_are_in_the_registry(db):
    metric = make_manual("signups", definition="当月新注册的用户数")
    make_manual("old", is_active=False)
    found = registry.get("manual.signups")
    assert found is not None
    assert (found.unit, found.higher_is_better, found.family, found.rows_of) == (
        Unit.COUNT,
        True,
        "manual",
        "values",
    )
    assert found.dimensions == frozenset()
    assert str(found.definition) == "当月新注册的用户数"
    assert "manual.signups" in [m.key for m in registry.metrics()]
    assert "manual.old" not in [m.key for m in registry.metrics()]
    assert registry.family_of("manual.signups") is FAMILY
    with translation.override("zh-hans"):
        assert str(found.name) == metric.name
    with translation.override("en"):
        assert str(found.name) == "New sign-ups"


def test_a_month_is_the_value_entered_for_it_with_previous_and_last_year(db):
    signups = make_manual("signups")
    metric = make_manual("conversion", unit=Unit.RATIO)
    _enter(signups, {"2026-11": 120, "2026-10": 100, "2025-11": 80})
    _enter(metric, {"2026-11": "0.125"})
    results = FAMILY.compute(
        ["manual.signups", "manual.conversion"],
        Windows.of(periods.parse("2026-11")),
        by=None,
        scope={},
        now=NOW,
    )
    assert results["manual.signups"]["current"][None].value == 120
    assert results["manual.signups"]["previous"][None].value == 100
    assert results["manual.signups"]["last_year"][None].value == 80
    assert results["manual.conversion"]["current"][None].value == 0.125
    assert results["manual.conversion"]["previous"][None].value is None


def test_a_quarter_of_a_monthly_count_is_the_sum_other_units_are_null(db):
    count = make_manual("signups")
    rate = make_manual("conversion", unit=Unit.RATIO)
    _enter(count, {"2026-10": 10, "2026-11": 20, "2026-12": 30, "2026-09": 1000})
    _enter(rate, {"2026-10": "0.1", "2026-11": "0.2", "2026-12": "0.3"})
    results = FAMILY.compute(
        ["manual.signups", "manual.conversion"],
        Windows.of(periods.parse("2026-Q4")),
        by=None,
        scope={},
        now=NOW,
    )
    total = results["manual.signups"]["current"][None]
    assert (total.value, total.count) == (60, 3)
    assert results["manual.signups"]["previous"][None].value == 1000  # only September entered
    assert results["manual.conversion"]["current"][None].value is None
    year = FAMILY.compute(
        ["manual.signups"], Windows.of(periods.parse("2026")), by=None, scope={}, now=NOW
    )
    assert year["manual.signups"]["current"][None].value == 1060


def test_a_window_that_cuts_a_period_or_is_shorter_is_null(db):
    count = make_manual("signups")
    _enter(count, {"2026-11": 10})
    for code in ("2026-W46", "2026-11-05", "2026-11-02..2026-11-30"):
        results = FAMILY.compute(
            ["manual.signups"], Windows.of(periods.parse(code)), by=None, scope={}, now=NOW
        )
        assert results["manual.signups"]["current"][None].value is None, code
    exact = FAMILY.compute(
        ["manual.signups"],
        Windows.of(periods.parse("2026-11-01..2026-11-30")),
        by=None,
        scope={},
        now=NOW,
    )
    assert exact["manual.signups"]["current"][None].value == 10


def test_a_scope_gives_null_and_a_cut_only_the_total(db):
    count = make_manual("signups")
    _enter(count, {"2026-11": 10})
    windows = Windows.of(periods.parse("2026-11"))
    scoped = FAMILY.compute(["manual.signups"], windows, by=None, scope={"item": "A"}, now=NOW)
    assert scoped["manual.signups"]["current"][None].value is None
    cut = FAMILY.compute(["manual.signups"], windows, by="channel", scope={}, now=NOW)
    assert cut["manual.signups"]["current"] == {None: cut["manual.signups"]["current"][None]}
    assert cut["manual.signups"]["current"][None].value == 10


def test_compute_is_one_query(db, django_assert_num_queries):
    for code in ("a", "b", "c"):
        _enter(make_manual(code), {"2026-11": 1, "2026-10": 2})
    with django_assert_num_queries(2):
        FAMILY.compute(
            ["manual.a", "manual.b", "manual.c"],
            Windows.of(periods.parse("2026-11")),
            by=None,
            scope={},
            now=NOW,
        )


def test_rows_are_the_values_behind_the_figure(db):
    count = make_manual("signups")
    _enter(count, {"2026-10": 10, "2026-11": 20, "2026-12": 30})
    quarter = FAMILY.rows(
        "manual.signups", periods.parse("2026-Q4"), scope={}, part="value", now=NOW
    )
    assert [float(v.value) for v in quarter] == [10, 20, 30]
    month = FAMILY.rows("manual.signups", periods.parse("2026-11"), scope={}, part="value", now=NOW)
    assert [float(v.value) for v in month] == [20]
    assert not FAMILY.rows(
        "manual.signups", periods.parse("2026-11"), scope={"item": "A"}, part="value", now=NOW
    ).exists()


def test_periods_inside():
    assert periods_inside("month", periods.parse("2026-Q4")) == 3
    assert periods_inside("month", periods.parse("2026")) == 12
    assert periods_inside("month", periods.parse("2026-11")) == 1
    assert periods_inside("month", periods.parse("2026-W45")) is None
    assert periods_inside("quarter", periods.parse("2026-11")) is None
    assert periods_inside("quarter", periods.parse("2026")) == 4


def test_the_engine_reports_a_manual_metric_with_its_target(db):
    metric = make_manual("signups")
    _enter(metric, {"2026-11": 120, "2026-10": 100, "2025-11": 60})
    services.do_set_target(None, metric="manual.signups", value=150)
    figures = engine.evaluate(["manual.signups"], periods.parse("2026-11"), now=NOW).as_json()
    assert figures["metrics"]["manual.signups"] | {"change_pct": None} == {
        "value": 120,
        "previous": 100,
        "change": 20,
        "change_pct": None,
        "last_year": 60,
        "unit": "count",
        "target": 150,
        "status": "missed",
    }
    everything = engine.evaluate(None, periods.parse("2026-11"), now=NOW)
    assert "manual.signups" in everything.figures
