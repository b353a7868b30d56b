"""Anomalies: a figure whose value this month lies outside the usual range of its trailing
months, judged by a robust measure so that one odd month in the history does not widen the
range and a flat series does not flag noise.

The method (stated in the report's note and in ``docs/users/report-figures.md``):

1. History: the figure's values in the ``window`` months before this one (12 by default),
   months without a value left out. With fewer than ``min_history`` values (6) nothing is
   judged.
2. Centre: the median of the history. Spread: the median absolute deviation from it (MAD),
   scaled by 1.4826 so that it estimates the standard deviation of normally distributed data.
3. The range is median ± max(k × 1.4826 × MAD, floor), with k = 3 by default; ``floor`` is the
   smallest deviation worth reporting in the figure's unit (1 percentage point for a rate,
   5 % of the median and at least 5 for a count, 0.1 for a score, 10 % of the median for a
   duration), so a series that never moved does not flag a change of one ticket.
4. The value is an anomaly when it lies outside the range (strictly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from opsbook.metrics.registry import Unit

K = 3.0
SCALE = 1.4826
WINDOW = 12
MIN_HISTORY = 6


@dataclass(frozen=True)
class Verdict:
    """The range the value was judged against, and whether it lies outside it."""

    value: float | None
    median: float | None
    mad: float | None
    low: float | None
    high: float | None
    history: int  # how many trailing values were used
    anomaly: bool
    direction: str = ""  # "high" | "low" | ""


def minimum_deviation(unit: str, centre: float) -> float:
    """The smallest deviation from the median worth flagging, in the figure's unit."""
    if unit == Unit.RATIO:
        return 0.01
    if unit == Unit.COUNT:
        return max(5.0, 0.05 * abs(centre))
    if unit == Unit.SCORE:
        return 0.1
    if unit == Unit.NPS:
        return 5.0
    if unit == Unit.SECONDS:
        return max(60.0, 0.1 * abs(centre))
    return max(1e-9, 0.05 * abs(centre))


def judge(
    current: float | None,
    history: Sequence[float | None],
    *,
    unit: str = Unit.NUMBER,
    k: float = K,
    window: int = WINDOW,
    min_history: int = MIN_HISTORY,
    floor: float | None = None,
) -> Verdict:
    """Whether ``current`` lies outside median ± k·MAD of the last ``window`` values of
    ``history`` (oldest first, this month not included)."""
    values = [v for v in list(history)[-window:] if v is not None]
    if current is None or len(values) < min_history:
        return Verdict(current, None, None, None, None, len(values), False)
    centre = median(values)
    mad = median(abs(v - centre) for v in values)
    spread = max(k * SCALE * mad, floor if floor is not None else minimum_deviation(unit, centre))
    low, high = centre - spread, centre + spread
    direction = "high" if current > high else "low" if current < low else ""
    return Verdict(current, centre, mad, low, high, len(values), bool(direction), direction)
