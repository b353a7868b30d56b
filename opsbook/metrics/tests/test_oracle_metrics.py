"""Every built-in metric against an independent computation.

The history (``oracle/generate.py``) is built once per module through the real services: a
Shanghai calendar with holidays and 调休 make-up days, after-hours and late events, pauses
waiting on the customer, reopenings, cancellations before and after a breach, ratings, 回访,
routine work done on time, late, skipped and missed, and tickets exactly on the first instant of
November in Shanghai. The oracle (``oracle/compute.py``) recomputes each figure in plain Python
from the issue's definitions; the engine's figures, its JSON, the ``opsbook metrics`` command
and the drill-down lists must agree with it: counts exactly, rates and percentiles to 1e-9.
"""

import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from opsbook.accounts.testing import Personas
from opsbook.metrics import engine, periods, registry, snapshots
from opsbook.tickets.tests.security_helpers import like_a_test, rolled_back

from .oracle import generate
from .oracle.compute import COUNTS, KEYS, RATES, Figure, Oracle, Rows

NOW = generate.FINAL_NOW
# 2026-09's last year (2025-09) holds nothing: counts 0, everything else null.
PERIODS = ["2026-09", "2026-10", "2026-11"]
WINDOWS = (("value", lambda p: p), ("previous", lambda p: p.previous()),
           ("last_year", lambda p: p.last_year()))  # fmt: skip
DIMENSIONS = [
    "type", "channel", "priority", "item", "category", "owner", "team", "customer", "hour",
]  # fmt: skip


@dataclass
class Built:
    world: generate.World
    oracle: Oracle


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Built]:
    """The history and the oracle's rows, built once for the module and rolled back after."""
    media = tmp_path_factory.mktemp("media")
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock(), like_a_test(media):
            world = generate.build(Personas())
            oracle = Oracle(Rows())
        yield Built(world, oracle)


@pytest.fixture
def oracle(built: Built, db) -> Oracle:
    return built.oracle


def close(key: str, actual: Any, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if key in COUNTS:
        return actual == expected
    return math.isclose(float(actual), expected, rel_tol=0, abs_tol=1e-9)


def empty(figure: Figure) -> bool:
    return figure.value in (None, 0)


def expected_windows(oracle: Oracle, key: str, period: periods.Period, keep=None):
    kw = {} if keep is None else {"keep": keep}
    return {name: oracle.figure(key, shift(period), **kw).value for name, shift in WINDOWS}


# --- the generated history is what the comparison needs ----------------------------------------


def test_the_history_exercises_every_definition(built, oracle):
    rows, s = oracle.rows, built.world.scripted
    oct_, nov = periods.parse("2026-10"), periods.parse("2026-11")
    for code in ("2025-10", "2025-11", "2026-09", "2026-10", "2026-11"):
        assert oracle.figure("tickets.created", periods.parse(code)).value > 10, code
    for period in (oct_, nov):
        for key in RATES:
            figure = oracle.figure(key, period)
            assert figure.denominator, (key, period)
        assert oracle.figure("tickets.reopen_rate", period).numerator > 0
        assert 0 < oracle.figure("tickets.resolution_rate", period).value < 1
        assert 0 < oracle.figure("sla.response.met_rate", period).value < 1
        assert 0 < oracle.figure("sla.resolution.met_rate", period).value < 1
        assert 0 < oracle.figure("csat.satisfied_share", period).value < 1
        assert 0 < oracle.figure("routines.on_time_rate", period).value < 1
    statuses = {t["status"] for t in rows.tickets.values()}
    assert statuses == {"new", "acknowledged", "in_progress", "waiting", "resolved", "closed",
                        "cancelled"}  # fmt: skip
    assert {o["status"] for o in rows.occurrences} >= {"done", "skipped", "missed"}
    # The boundary: opened at midnight in Shanghai is November's, one second earlier October's.
    assert rows.tickets[s["created_at_boundary"]]["created_at"] == generate.BOUNDARY
    assert oct_.end_at() == generate.BOUNDARY == nov.start_at()
    assert rows.tickets[s["created_at_boundary"]]["created_hour"] == "00"
    assert rows.tickets[s["created_last_second_of_october"]]["created_hour"] == "23"
    # Cancelled before its response target passed: not measured; after it: breached.
    assert not rows.tickets[s["cancelled_before_breach"]]["response_breached"]
    assert rows.tickets[s["cancelled_after_breach"]]["response_breached"]
    assert rows.tickets[s["open_and_overdue"]]["resolution_breached"]
    assert not rows.tickets[s["answered_exactly_at_due"]]["response_breached"]
    assert rows.tickets[s["answered_one_second_late"]]["response_breached"]
    assert rows.tickets[s["measured_by_nothing"]]["response_target_seconds"] is None
    assert rows.tickets[s["measured_by_nothing"]]["response_business_seconds"] is None
    assert rows.latest_resolution(s["rated_then_reopened"]) is None
    assert oracle.figure("tickets.created", periods.parse("2026-09").last_year()).value == 0
    # A ticket's latest resolution from its events is the one stored on it.
    for pk, t in rows.tickets.items():
        if t["status"] in ("resolved", "closed"):
            assert rows.latest_resolution(pk) == t["resolved_at"], pk
    assert built.world.refused < len(rows.tickets)


def cut_by(dimension: str) -> list[str]:
    """The built-in keys the registry declares cuttable by ``dimension``."""
    return [k for k in KEYS if dimension in getattr(registry.get(k), "dimensions", ())]


def test_every_built_in_metric_is_registered_and_checked_here():
    assert [k for k in KEYS if registry.get(k) is None] == []
    built_in = {"tickets", "sla", "csat", "routines"}
    declared = [m.key for m in registry.metrics(dynamic=False) if m.family in built_in]
    assert [k for k in declared if k not in KEYS] == []


# --- the engine against the oracle ----------------------------------------------------------------


# Other kinds of period around the boundary: its first day, the ISO week holding it, a range
# across it, the quarter.
OTHER_PERIODS = ["2026-11-01", "2026-10-31", "2026-W44", "2026-10-25..2026-11-07", "2026-Q4"]


@pytest.mark.parametrize("code", PERIODS + OTHER_PERIODS)
def test_every_figure_matches_the_oracle(oracle, code):
    period = periods.parse(code)
    overview = engine.evaluate(list(KEYS), period, now=NOW)
    wrong = []
    for key in KEYS:
        figure = overview.figures[key]
        for name, expected in expected_windows(oracle, key, period).items():
            actual = getattr(figure, name)
            if not close(key, actual, expected):
                wrong.append((key, name, actual, expected))
    assert wrong == []


@pytest.mark.parametrize("code", PERIODS)
@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_every_cut_matches_the_oracle(oracle, code, dimension):
    period = periods.parse(code)
    keys = cut_by(dimension)
    if not keys:
        pytest.skip(f"no built-in metric is cut by {dimension}")
    overview = engine.evaluate(keys, period, by=dimension, now=NOW)
    wrong = []
    for key in keys:
        cut = overview.figures[key].by or {}
        for name, shift in WINDOWS:
            expected = oracle.by(key, shift(period), dimension)
            for code_ in set(expected) | set(cut):
                want = expected.get(code_, Figure(None))
                got = cut.get(code_)
                actual = getattr(got, name) if got is not None else None
                if got is None and empty(want):
                    continue
                if actual in (0, None) and empty(want) and key in COUNTS:
                    continue
                if not close(key, actual, want.value):
                    wrong.append((key, name, code_, actual, want.value))
    assert wrong == []


@pytest.mark.parametrize(("scope", "keep"), [
    ({"item": "A01"}, lambda row: row.get("item__code", row.get("content__item__code")) == "A01"),
    ({"owner": "alice"}, lambda row: row.get("assignee__username") == "alice"),
    ({"customer": "xinghuo"}, lambda row: row.get("customer__code") == "xinghuo"),
])  # fmt: skip
def test_a_scope_matches_the_oracle_over_the_same_rows(oracle, scope, keep):
    period = periods.parse("2026-11")
    dimension = next(iter(scope))
    keys = cut_by(dimension)
    overview = engine.evaluate(keys, period, scope=scope, now=NOW)
    wrong = []
    for key in keys:
        for name, expected in expected_windows(oracle, key, period, keep).items():
            actual = getattr(overview.figures[key], name)
            if not close(key, actual, expected):
                wrong.append((key, name, actual, expected))
    assert wrong == []


# --- the same numbers in the JSON and on the command line ---------------------------------------


def compare_json(oracle: Oracle, period: periods.Period, metrics: dict) -> list:
    wrong = []
    for key in KEYS:
        for name, expected in expected_windows(oracle, key, period).items():
            actual = metrics[key][name]
            if not close(key, actual, expected):
                wrong.append((key, name, actual, expected))
    return wrong


def test_the_json_holds_the_oracles_figures(oracle):
    period = periods.parse("2026-11")
    data = json.loads(json.dumps(engine.evaluate(list(KEYS), period, now=NOW).as_json()))
    assert data["period"] == {"start": "2026-11-01", "end": "2026-11-30",
                              "time_zone": "Asia/Shanghai"}  # fmt: skip
    assert compare_json(oracle, period, data["metrics"]) == []


@pytest.mark.parametrize("code", PERIODS)
def test_the_command_prints_the_oracles_figures(oracle, code, time_machine):
    time_machine.move_to(NOW, tick=False)
    out = io.StringIO()
    call_command("metrics", "--period", code, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert compare_json(oracle, periods.parse(code), data["metrics"]) == []


def test_the_command_cut_by_owner_holds_the_oracles_figures(oracle, time_machine):
    time_machine.move_to(NOW, tick=False)
    period = periods.parse("2026-11")
    out = io.StringIO()
    call_command("metrics", "--period", "2026-11", "--by", "owner", "--json", stdout=out)
    metrics = json.loads(out.getvalue())["metrics"]
    wrong = []
    for key in ("tickets.created", "tickets.resolved", "sla.response.met_rate", "csat.average"):
        for code, want in oracle.by(key, period, "owner").items():
            got = metrics[key].get("by", {}).get(code)
            if got is None and empty(want):
                continue
            if got is None or not close(key, got["value"], want.value):
                wrong.append((key, code, got and got["value"], want.value))
    assert wrong == []


# --- the drill-down lists count what the figure counts -----------------------------------------


@pytest.mark.parametrize("code", PERIODS)
def test_the_drill_down_counts_equal_the_figures(oracle, code):
    period = periods.parse(code)
    wrong = []
    for key in COUNTS + RATES:
        expected = oracle.figure(key, period)
        listed = engine.rows(key, period, now=NOW).count()
        if listed != expected.numerator:
            wrong.append((key, "value", listed, expected.numerator))
        if key in RATES:
            listed = engine.rows(key, period, part="denominator", now=NOW).count()
            if listed != expected.denominator:
                wrong.append((key, "denominator", listed, expected.denominator))
    assert wrong == []


def test_a_scoped_drill_down_counts_the_scoped_figure(oracle):
    period = periods.parse("2026-10")
    scope = {"item": "A01"}
    keep = lambda row: row.get("item__code", row.get("content__item__code")) == "A01"  # noqa: E731
    wrong = []
    for key in ("tickets.created", "tickets.backlog", "sla.resolution.met_rate"):
        expected = oracle.figure(key, period, keep)
        listed = engine.rows(key, period, scope=scope, now=NOW).count()
        if listed != expected.numerator:
            wrong.append((key, listed, expected.numerator))
    assert wrong == []


# --- point-in-time figures read back from the snapshots taken at period close ------------------


@pytest.mark.parametrize("dimension", [None, "owner", "category", "customer"])
@pytest.mark.parametrize("key", ["tickets.backlog", "tickets.breached_open"])
def test_snapshotted_point_in_time_figures_match_the_oracle(oracle, key, dimension):
    period = periods.parse("2026-11")
    for closed in (period.previous(), period.last_year(), period.previous().previous()):
        snapshots.take(closed, now=NOW, final=True)
    figure = engine.evaluate([key], period, by=dimension, now=NOW).figures[key]
    wrong = []
    total = "(total)"  # no code is this: it stands for the whole
    cuts: dict[str, Any] = {total: figure} if dimension is None else {**(figure.by or {})}
    for name, shift in WINDOWS:
        expected: dict[str, Figure]
        if dimension is None:
            expected = {total: oracle.figure(key, shift(period))}
        else:
            expected = dict(oracle.by(key, shift(period), dimension))
        for code in set(expected) | set(cuts):
            want = expected.get(code, Figure(None))
            got = getattr(cuts[code], name) if code in cuts else None
            if not (empty(want) and got in (0, None)) and not close(key, got, want.value):
                wrong.append((name, code, got, want.value))
    assert wrong == []
