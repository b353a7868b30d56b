"""The arithmetic of a goal's progress: pure functions, no database, no engine.

* ``progress``: how far from the baseline towards the target the current value is, as a share
  clipped to 0–1 (worse than the baseline counts as 0, past the target as 1); none without a
  baseline or when the target equals it.
* ``trend_forecast``: a least-squares line through the monthly actuals (x = month number, so
  each month weighs the same whatever its length), read at the deadline's month. One point
  gives a flat line; none gives no forecast.
* ``judge``: the status, by this rule (first match wins):

  1. no target, no metric or no current value → ``no_data``;
  2. the current value meets the target → ``achieved``;
  3. the deadline has passed → ``missed``;
  4. the forecast meets the target and the latest checkpoint already due is met → ``on_track``;
  5. the forecast meets the target but that checkpoint is missed, or the forecast misses the
     target by no more than the tolerance (10 % of the distance from baseline to target; 5 % of
     the target without a baseline) → ``at_risk``;
  6. otherwise → ``off_track``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from opsbook.metrics.models import Direction

from .choices import GoalStatus

TOLERANCE_OF_GAP = 0.10
TOLERANCE_OF_TARGET = 0.05


def month_number(day: date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def meets(value: float | None, target: float | None, direction: str) -> bool:
    if value is None or target is None:
        return False
    return value >= target if direction == Direction.AT_LEAST else value <= target


def better(a: float, b: float, direction: str) -> bool:
    """``a`` is strictly better than ``b`` for a goal of ``direction``."""
    return a > b if direction == Direction.AT_LEAST else a < b


def progress(current: float | None, baseline: float | None, target: float | None) -> float | None:
    """(current − baseline) / (target − baseline), clipped to 0–1."""
    if current is None or baseline is None or target is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline)
    return min(1.0, max(0.0, share))


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """(intercept, slope) of the least-squares line; a flat line through one point (or
    through points that all share one x); None without points."""
    if not points:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return mean_y, 0.0
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return mean_y - slope * mean_x, slope


def trend_forecast(points: Sequence[tuple[float, float]], at: float) -> float | None:
    fit = linear_fit(points)
    if fit is None:
        return None
    intercept, slope = fit
    return intercept + slope * at


def tolerance(baseline: float | None, target: float) -> float:
    if baseline is not None and baseline != target:
        return abs(target - baseline) * TOLERANCE_OF_GAP
    return abs(target) * TOLERANCE_OF_TARGET


@dataclass(frozen=True)
class CheckpointState:
    date: date
    expected: float
    actual: float | None


def behind(checkpoints: Sequence[CheckpointState], direction: str, today: date) -> bool:
    """The latest checkpoint already due (with an actual) is not met."""
    due = [c for c in checkpoints if c.date <= today and c.actual is not None]
    if not due:
        return False
    latest = max(due, key=lambda c: c.date)
    return not meets(latest.actual, latest.expected, direction)


def judge(
    *,
    has_metric: bool,
    current: float | None,
    forecast: float | None,
    baseline: float | None,
    target: float | None,
    direction: str,
    deadline: date | None,
    today: date,
    checkpoints: Sequence[CheckpointState] = (),
) -> str:
    if not has_metric or target is None or current is None:
        return GoalStatus.NO_DATA
    if meets(current, target, direction):
        return GoalStatus.ACHIEVED
    if deadline is not None and today > deadline:
        return GoalStatus.MISSED
    if forecast is None:
        return GoalStatus.NO_DATA
    late = behind(checkpoints, direction, today)
    if meets(forecast, target, direction):
        return GoalStatus.AT_RISK if late else GoalStatus.ON_TRACK
    gap = abs(forecast - target)
    if gap <= tolerance(baseline, target):
        return GoalStatus.AT_RISK
    return GoalStatus.OFF_TRACK
