"""Did an improvement action work? Its metric, in its scope, measured month by month.

The rule (also in docs/users/problems.md):

* An action **starts** in the month it was created (organisation's zone). Its **baseline** is
  the metric's value in the month before (filled when the metric is set; a manager may type
  one instead).
* Each **closed month after the start month** (up to ``MAX_MONTHS`` of them) of an action that
  is in progress or done is measured once: ``value`` is the metric in that month, ``change`` is
  ``value − baseline``.
* The **expected direction** is the sign of ``expected_change``; without one, the metric's own
  better direction (up for a rate, down for a duration); a volume with neither counts "down"
  (fewer tickets) as better.
* **Tolerance**: a change no larger than half a point for a share, or otherwise
  ``max(2 % of |baseline|, the unit's floor)`` (one minute for a duration, half a ticket for a
  count, 0.05 for a score, 1 for an NPS) is noise.
* Verdict: **no data** when the value or the baseline is missing; **met** when the change goes
  the expected way by at least ``|expected_change|`` (an expected change is needed for "met");
  otherwise **no change** within the tolerance; **improved** the right way but short;
  **worse** the wrong way.

``Action.effect`` is the verdict of the latest measured month, for lists.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from opsbook.metrics import engine, registry
from opsbook.metrics.periods import Period, month, org_tz
from opsbook.metrics.registry import Unit

from .choices import ActionStatus, Effect
from .models import Action, ActionEffect

MAX_MONTHS = 12
TOLERANCE_SHARE = 0.02
UNIT_FLOOR: dict[str, float] = {
    Unit.RATIO: 0.005,
    Unit.SECONDS: 60.0,
    Unit.COUNT: 0.5,
    Unit.SCORE: 0.05,
    Unit.NPS: 1.0,
    Unit.NUMBER: 0.0,
}
MEASURED_STATUSES = (ActionStatus.IN_PROGRESS, ActionStatus.DONE)


def start_month(action: Action) -> Period:
    local = action.created_at.astimezone(org_tz())
    return month(local.year, local.month)


def baseline_period(action: Action) -> Period:
    return start_month(action).previous()


def measure(key: str, period: Period, scope: Mapping[str, str], now: datetime) -> float | None:
    """The metric's value in ``period`` and ``scope``; None when it has none (or cannot be
    computed in that scope any more: a metric or a code that went away)."""
    if not key or registry.get(key) is None:
        return None
    try:
        overview = engine.evaluate([key], period, scope=dict(scope), now=now)
    except (engine.MetricError, ValueError):
        return None
    figure = overview.figures.get(key)
    return figure.value if figure is not None else None


def direction(metric: registry.Metric | None, expected_change: float | None) -> int:
    if expected_change:
        return 1 if expected_change > 0 else -1
    if metric is not None and metric.higher_is_better is not None:
        return 1 if metric.higher_is_better else -1
    return -1


def tolerance(unit: str, baseline: float) -> float:
    if unit == Unit.RATIO:  # a share moves in points, whatever its level
        return UNIT_FLOOR[Unit.RATIO]
    return max(abs(baseline) * TOLERANCE_SHARE, UNIT_FLOOR.get(unit, 0.0))


@dataclass(frozen=True)
class Judgement:
    change: float | None
    verdict: str


def judge(
    value: float | None,
    baseline: float | None,
    expected_change: float | None,
    metric: registry.Metric | None,
) -> Judgement:
    if value is None or baseline is None:
        return Judgement(None, Effect.NO_DATA)
    change = value - baseline
    sign = direction(metric, expected_change)
    moved = change * sign  # > 0: the expected way
    if expected_change and moved >= abs(expected_change) - 1e-12:
        return Judgement(change, Effect.MET)
    unit = metric.unit if metric is not None else Unit.NUMBER
    if abs(change) <= tolerance(unit, baseline):
        return Judgement(change, Effect.NO_CHANGE)
    return Judgement(change, Effect.IMPROVED if moved > 0 else Effect.WORSE)


def months_to_measure(action: Action, now: datetime) -> list[Period]:
    """The closed months after the action's start month, at most ``MAX_MONTHS``."""
    months: list[Period] = []
    period = start_month(action).next()
    while period.is_closed(now) and len(months) < MAX_MONTHS:
        months.append(period)
        period = period.next()
    return months


def evaluate_action(action: Action, now: datetime) -> int:
    """Measure the action's months not measured yet; returns how many were written. Claim-safe:
    a month is written once (the unique action+period; a second writer's row is ignored)."""
    if not action.metric or action.status not in MEASURED_STATUSES:
        return 0
    done = set(action.effects.values_list("period", flat=True))
    missing = [p for p in months_to_measure(action, now) if p.code not in done]
    metric = registry.get(action.metric)
    rows = []
    for period in missing:
        value = measure(action.metric, period, action.scope or {}, now)
        judgement = judge(value, action.baseline, action.expected_change, metric)
        rows.append(
            ActionEffect(
                action=action,
                period=period.code,
                value=value,
                baseline=action.baseline,
                change=judgement.change,
                verdict=judgement.verdict,
                measured_at=now,
            )
        )
    with transaction.atomic():
        if rows:
            ActionEffect.objects.bulk_create(rows, ignore_conflicts=True)
        latest = action.effects.order_by("-period").values_list("verdict", flat=True).first()
        if latest is not None and latest != action.effect:
            # Derived, not decided: no version bump and no audit entry.
            Action.objects.filter(pk=action.pk).update(effect=latest)
            action.effect = latest
    return len(rows)


def evaluate_actions(now: datetime) -> int:
    """Every measured action's missing months; returns how many months were written."""
    written = 0
    actions = Action.objects.filter(status__in=MEASURED_STATUSES).exclude(metric="")
    for action in actions.order_by("pk").iterator(chunk_size=100):
        written += evaluate_action(action, now)
    return written
