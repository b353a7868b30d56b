"""A goal's progress from its metric: the one place the goals app calls the metrics engine.

``evaluate(goal, checkpoints, now)`` asks the engine for the goal's metric, in the goal's scope,
month by month from the goal's start to this month (no further than the deadline's month), plus
the twelve months before the start (the history the SMART check compares the target with), in
one ``engine.series`` call; the rest is the arithmetic of ``forecast.py``.

* The current value is the latest complete month that has a value; before any month is
  complete, this month so far (``partial``).
* The trend runs through the baseline (placed at its period, else the month before the start;
  only when that is before the first month) and
  the complete months' values (this month so far only while no month is complete); the
  forecast is that line read at the deadline's month.
* A checkpoint's actual is its month's value (so far, for this month), once its date is past.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from opsbook.metrics import engine, registry
from opsbook.metrics.periods import Period, PeriodError, current, month, org_tz, parse
from opsbook.metrics.registry import Unit

from . import forecast as fc
from .choices import GoalStatus
from .models import Goal, GoalCheckpoint

HISTORY_MONTHS = 12
MAX_MONTHS = 60

# Values are stored in the metric's unit (shares 0–1, business seconds); people read and type
# them as percent and minutes.
SCALE = {Unit.RATIO: 100.0, Unit.SECONDS: 1 / 60}
SHOWN_UNIT = {Unit.RATIO: "%", Unit.SECONDS: "min"}


def unit_of(key: str, known: Mapping[str, registry.Metric] | None = None) -> str:
    """The unit of metric ``key`` (``known``: every metric by key, read once for a list)."""
    metric = known.get(key) if known is not None else registry.get(key) if key else None
    return metric.unit if metric is not None else Unit.NUMBER


def to_shown(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value * SCALE.get(unit, 1.0)  # type: ignore[call-overload]


def from_shown(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value / SCALE.get(unit, 1.0)  # type: ignore[call-overload]


def shown(value: float | None, unit: str) -> str:
    """A value as people read it: 97.5 %, 42 min, 1,234."""
    if value is None:
        return "—"
    number = to_shown(value, unit)
    assert number is not None
    text = f"{number:,.1f}" if number != int(number) else f"{int(number):,}"
    suffix = SHOWN_UNIT.get(unit, "")  # type: ignore[call-overload]
    return f"{text} {suffix}".rstrip()


@dataclass(frozen=True)
class MonthValue:
    period: Period
    value: float | None
    partial: bool


@dataclass(frozen=True)
class CheckpointRow:
    checkpoint: GoalCheckpoint
    actual: float | None
    met: bool | None  # None: not due yet, or no value


@dataclass
class Evaluation:
    months: list[MonthValue] = field(default_factory=list)
    history: list[float] = field(default_factory=list)
    current: float | None = None
    current_period: Period | None = None
    partial: bool = False
    progress: float | None = None
    forecast: float | None = None
    trend: tuple[float, float] | None = None  # (intercept, slope) over month numbers
    status: str = GoalStatus.NO_DATA
    checkpoints: list[CheckpointRow] = field(default_factory=list)


def span(goal: Goal, today: date) -> list[Period]:
    """The months from the goal's start to this month, no further than the deadline's (the
    last ``MAX_MONTHS`` of them)."""
    last = today if goal.deadline is None else min(today, goal.deadline)
    if last < goal.start:
        return []
    count = fc.month_number(last) - fc.month_number(goal.start) + 1
    return month(last.year, last.month).trailing(min(count, MAX_MONTHS))


def _series(key: str, periods: list[Period], scope: dict, now: datetime) -> list[float | None]:
    try:
        values = engine.series(key, periods, scope=scope or None, now=now)
    except engine.MetricError:  # the metric is gone (a manual metric deleted): no data
        return [None for _p in periods]
    return [v.value for v in values]


def baseline_x(goal: Goal) -> float | None:
    """Where the baseline sits on the month axis: the middle of its period, or without one
    (or an unreadable one) the month before the start."""
    if goal.baseline is None:
        return None
    try:
        period = parse(goal.baseline_period)
    except PeriodError:
        return float(fc.month_number(goal.start) - 1)
    return (fc.month_number(period.start) + fc.month_number(period.last_day)) / 2


def evaluate(goal: Goal, checkpoints: Sequence[GoalCheckpoint], now: datetime) -> Evaluation:
    today = now.astimezone(org_tz()).date()
    this_month = current("month", now)
    result = Evaluation()
    metric = registry.get(goal.metric) if goal.metric else None
    months = span(goal, today)
    if metric is not None:
        first = months[0] if months else month(goal.start.year, goal.start.month)
        before = first.shift(-1).trailing(HISTORY_MONTHS)
        values = _series(goal.metric, before + months, goal.scope, now)
        result.history = [v for v in values[:HISTORY_MONTHS] if v is not None]
        result.months = [
            MonthValue(p, v, p == this_month)
            for p, v in zip(months, values[HISTORY_MONTHS:], strict=True)
        ]
    complete = [m for m in result.months if not m.partial and m.value is not None]
    ongoing = [m for m in result.months if m.partial and m.value is not None]
    latest = complete[-1] if complete else (ongoing[-1] if ongoing else None)
    if latest is not None:
        result.current, result.current_period, result.partial = (
            latest.value,
            latest.period,
            latest.partial,
        )
    points = [
        (float(fc.month_number(m.period.start)), float(m.value))
        for m in (complete or ongoing)
        if m.value is not None
    ]
    bx = baseline_x(goal)
    if bx is not None and goal.baseline is not None and (not points or bx < points[0][0]):
        points.insert(0, (bx, goal.baseline))
    if latest is not None:
        result.trend = fc.linear_fit(points)
        if goal.deadline is not None:
            result.forecast = fc.trend_forecast(points, fc.month_number(goal.deadline))
    result.progress = fc.progress(result.current, goal.baseline, goal.target)
    by_month = {m.period.start: m.value for m in result.months}
    states = []
    for checkpoint in checkpoints:
        actual = None
        if checkpoint.date <= today:
            actual = by_month.get(checkpoint.date.replace(day=1))
        met = None if actual is None else fc.meets(actual, checkpoint.expected, goal.direction)
        result.checkpoints.append(CheckpointRow(checkpoint, actual, met))
        states.append(fc.CheckpointState(checkpoint.date, checkpoint.expected, actual))
    result.status = fc.judge(
        has_metric=metric is not None,
        current=result.current,
        forecast=result.forecast,
        baseline=goal.baseline,
        target=goal.target,
        direction=goal.direction,
        deadline=goal.deadline,
        today=today,
        checkpoints=states,
    )
    return result


def value_for(key: str, period: Period, scope: dict, now: datetime) -> float | None:
    """One period's value of ``key`` in ``scope`` (to fill in a baseline)."""
    values = _series(key, [period], scope, now)
    return values[0] if values else None
