"""The arithmetic of progress: share of the way, least-squares trend, and the status rule."""

from datetime import date
from typing import Any

import pytest

from opsbook.goals import forecast as fc
from opsbook.goals.choices import GoalStatus
from opsbook.metrics.models import Direction

UP, DOWN = Direction.AT_LEAST, Direction.AT_MOST


@pytest.mark.parametrize(
    ("current", "baseline", "target", "expected"),
    [
        (0.95, 0.92, 0.98, 0.5),
        (0.92, 0.92, 0.98, 0.0),
        (0.98, 0.92, 0.98, 1.0),
        (0.99, 0.92, 0.98, 1.0),  # past the target: done, not 117 %
        (0.90, 0.92, 0.98, 0.0),  # worse than the start: nothing achieved
        (0.015, 0.02, 0.01, 0.5),  # lower is better works the same way
        (0.03, 0.02, 0.01, 0.0),
        (None, 0.92, 0.98, None),
        (0.95, None, 0.98, None),
        (0.95, 0.92, None, None),
        (0.95, 0.98, 0.98, None),  # no distance to cover
    ],
)
def test_progress_is_the_share_of_the_way_clipped(current, baseline, target, expected):
    result = fc.progress(current, baseline, target)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_the_least_squares_line_through_exact_points_is_exact():
    fit = fc.linear_fit([(0, 1.0), (1, 3.0), (2, 5.0)])
    assert fit is not None
    intercept, slope = fit
    assert slope == pytest.approx(2.0) and intercept == pytest.approx(1.0)
    assert fc.trend_forecast([(0, 1.0), (1, 3.0), (2, 5.0)], 5) == pytest.approx(11.0)


def test_the_line_minimises_squares_over_noisy_points():
    points = [(1, 2.0), (2, 2.0), (3, 4.0), (4, 4.0)]
    fit = fc.linear_fit(points)
    assert fit is not None
    intercept, slope = fit
    assert slope == pytest.approx(0.8) and intercept == pytest.approx(1.0)


def test_one_point_or_one_x_gives_a_flat_line_and_none_gives_nothing():
    assert fc.trend_forecast([(3, 0.9)], 12) == pytest.approx(0.9)
    assert fc.linear_fit([(3, 1.0), (3, 2.0)]) == (1.5, 0.0)
    assert fc.trend_forecast([], 12) is None


def test_month_numbers_are_consecutive_across_a_year():
    assert fc.month_number(date(2027, 1, 31)) - fc.month_number(date(2026, 12, 1)) == 1


def state(**kw: Any) -> str:
    base: dict[str, Any] = dict(
        has_metric=True,
        current=0.94,
        forecast=0.985,
        baseline=0.92,
        target=0.98,
        direction=UP,
        deadline=date(2026, 12, 31),
        today=date(2026, 11, 10),
        checkpoints=(),
    )
    return fc.judge(**(base | kw))


def test_a_forecast_that_reaches_the_target_is_on_track():
    assert state() == GoalStatus.ON_TRACK


def test_reaching_the_target_already_is_achieved():
    assert state(current=0.98) == GoalStatus.ACHIEVED
    assert state(current=0.99, today=date(2027, 2, 1)) == GoalStatus.ACHIEVED


def test_past_the_deadline_without_the_target_is_missed():
    assert state(today=date(2027, 1, 1)) == GoalStatus.MISSED
    assert state(today=date(2026, 12, 31)) == GoalStatus.ON_TRACK  # the deadline day still counts


def test_a_forecast_short_by_no_more_than_the_tolerance_is_at_risk():
    # tolerance = 10 % of (0.98 - 0.92) = 0.006
    assert state(forecast=0.975) == GoalStatus.AT_RISK
    assert state(forecast=0.973) == GoalStatus.OFF_TRACK


def test_behind_the_latest_due_checkpoint_is_at_risk_even_with_a_good_forecast():
    behind = (
        fc.CheckpointState(date(2026, 9, 30), 0.93, 0.935),
        fc.CheckpointState(date(2026, 10, 31), 0.95, 0.94),
        fc.CheckpointState(date(2026, 11, 30), 0.97, None),  # not due
    )
    assert state(checkpoints=behind) == GoalStatus.AT_RISK
    caught_up = (*behind[:1], fc.CheckpointState(date(2026, 10, 31), 0.95, 0.951))
    assert state(checkpoints=caught_up) == GoalStatus.ON_TRACK


def test_without_a_baseline_the_tolerance_is_five_percent_of_the_target():
    assert state(baseline=None, forecast=0.94) == GoalStatus.AT_RISK  # 0.98 - 0.049
    assert state(baseline=None, forecast=0.93) == GoalStatus.OFF_TRACK


def test_lower_is_better_goals_are_judged_the_other_way():
    kw = dict(direction=DOWN, baseline=0.05, target=0.02, current=0.04)
    assert state(**kw, forecast=0.019) == GoalStatus.ON_TRACK
    assert state(**kw, forecast=0.022) == GoalStatus.AT_RISK  # within 0.003
    assert state(**kw, forecast=0.03) == GoalStatus.OFF_TRACK
    assert state(**(kw | {"current": 0.02})) == GoalStatus.ACHIEVED


@pytest.mark.parametrize(
    "kw",
    [{"has_metric": False}, {"target": None}, {"current": None}, {"forecast": None}],
)
def test_without_a_metric_target_or_value_there_is_no_data(kw):
    assert state(**kw) == GoalStatus.NO_DATA
