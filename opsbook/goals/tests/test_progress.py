"""A goal's progress from its metric's monthly values (the engine faked: see conftest)."""

from datetime import UTC, date, datetime

import pytest

from opsbook.goals import progress
from opsbook.goals.choices import GoalStatus
from opsbook.goals.models import Goal, GoalCheckpoint
from opsbook.metrics.models import Direction

from .conftest import COUNT, NOW, RATE


def goal(**values) -> Goal:
    base = dict(
        title="热线首次响应及时率提升到98%",
        metric=RATE.key,
        scope={"team": "客服部"},
        baseline=0.92,
        baseline_period="2026-09",
        target=0.98,
        direction=Direction.AT_LEAST,
        start=date(2026, 10, 1),
        deadline=date(2026, 12, 31),
        created_at=NOW,
    )
    return Goal(**(base | values))


def test_one_engine_call_asks_for_the_history_and_the_months_so_far(fake_metric):
    progress.evaluate(goal(), [], NOW)

    [(key, periods, scope)] = fake_metric.calls
    assert key == RATE.key and scope == {"team": "客服部"}
    assert periods[:12] == [f"2025-{m:02d}" for m in range(10, 13)] + [
        f"2026-{m:02d}" for m in range(1, 10)
    ]
    assert periods[12:] == ["2026-10", "2026-11"]


def test_the_current_value_is_the_latest_complete_month(fake_metric):
    fake_metric.values.update({"2026-10": 0.95, "2026-11": 0.90})

    result = progress.evaluate(goal(), [], NOW)

    assert result.current == 0.95 and str(result.current_period) == "2026-10"
    assert not result.partial
    assert result.progress == pytest.approx(0.5)
    # the line from the baseline (September, 0.92) through October (0.95), read in December
    assert result.forecast == pytest.approx(1.01)
    assert result.status == GoalStatus.ON_TRACK
    assert [m.partial for m in result.months] == [False, True]


def test_before_a_month_is_complete_this_month_so_far_counts(fake_metric):
    fake_metric.values.update({"2026-11": 0.93})

    result = progress.evaluate(goal(start=date(2026, 11, 1)), [], NOW)

    assert result.current == 0.93 and result.partial
    # the line from the baseline (September, 0.92) through November so far, read in December
    assert result.forecast == pytest.approx(0.935)


def test_a_flat_trend_below_the_target_is_off_track(fake_metric):
    fake_metric.values.update({"2026-08": 0.92, "2026-09": 0.92, "2026-10": 0.92})
    result = progress.evaluate(goal(start=date(2026, 8, 1), baseline_period=""), [], NOW)
    assert result.forecast == pytest.approx(0.92)
    assert result.status == GoalStatus.OFF_TRACK


def test_reaching_the_target_is_achieved(fake_metric):
    fake_metric.values.update({"2026-10": 0.985})
    assert progress.evaluate(goal(), [], NOW).status == GoalStatus.ACHIEVED


def test_after_the_deadline_it_is_missed_and_later_months_are_not_asked(fake_metric):
    fake_metric.values.update({"2026-10": 0.95})
    later = datetime(2027, 2, 3, 2, 0, tzinfo=UTC)

    result = progress.evaluate(goal(), [], later)

    assert [str(m.period) for m in result.months] == ["2026-10", "2026-11", "2026-12"]
    assert result.status == GoalStatus.MISSED


def test_no_metric_or_no_values_is_no_data(fake_metric):
    assert progress.evaluate(goal(metric=""), [], NOW).status == GoalStatus.NO_DATA
    assert fake_metric.calls == []
    assert progress.evaluate(goal(), [], NOW).status == GoalStatus.NO_DATA


def test_a_goal_that_starts_later_has_no_months_yet(fake_metric):
    result = progress.evaluate(goal(start=date(2026, 12, 1)), [], NOW)
    assert result.months == [] and result.status == GoalStatus.NO_DATA


def test_checkpoints_get_their_months_actual_once_due(fake_metric):
    fake_metric.values.update({"2026-10": 0.94, "2026-11": 0.96})
    g = goal()
    due = GoalCheckpoint(goal=g, date=date(2026, 10, 31), expected=0.95)
    later = GoalCheckpoint(goal=g, date=date(2026, 11, 30), expected=0.97)

    result = progress.evaluate(g, [due, later], NOW)

    assert [(r.actual, r.met) for r in result.checkpoints] == [(0.94, False), (None, None)]
    # the trend reaches the target, but the last checkpoint due was missed
    assert result.status == GoalStatus.AT_RISK


def test_values_are_shown_in_percent_and_minutes():
    assert progress.shown(0.975, RATE.unit) == "97.5 %"
    assert progress.shown(1200.0, "seconds") == "20 min"
    assert progress.shown(12345, COUNT.unit) == "12,345"
    assert progress.shown(None, COUNT.unit) == "—"
    assert progress.from_shown(98, RATE.unit) == pytest.approx(0.98)
