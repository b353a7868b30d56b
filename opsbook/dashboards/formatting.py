"""How a figure reads on a dashboard: its value in the metric's display unit, its change with an
arrow that points the way the number moved and a colour that says whether that is good.

Pure functions over numbers and units; the engine keeps rates as fractions 0–1 and durations in
business seconds, the page shows "97.5 %" and "3 h 20 min".
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsbook.metrics.registry import Unit

DASH = "—"


def _num(value: float, places: int) -> str:
    return number_format(round(value, places), places, use_l10n=True, force_grouping=True)


def duration(seconds: float) -> str:
    """Business seconds as the page shows them: 45 s, 12 min, 3 h 20 min, 26 h."""
    seconds = round(seconds)
    if seconds < 60:
        return _("%(n)s s") % {"n": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    hours, rest = divmod(minutes, 60)
    if hours >= 24 or rest == 0:
        return _("%(h)s h") % {"h": _num(hours + rest / 60, 0 if rest == 0 or hours >= 24 else 1)}
    return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}


def value(number: float | None, unit: str) -> str:
    """``number`` in ``unit``'s display form; a dash when there is no value."""
    if number is None:
        return DASH
    if unit == Unit.RATIO:
        return f"{_num(number * 100, 1)} %"
    if unit == Unit.SECONDS:
        return duration(number)
    if unit == Unit.COUNT:
        return _num(number, 0)
    if unit == Unit.SCORE:
        return _num(number, 2)
    if unit == Unit.NPS:
        return f"{number:+.0f}" if number else "0"
    return _num(number, 2 if number % 1 else 0)


def change(delta: float | None, unit: str) -> str:
    """A change between two values without its sign (the arrow shows it): rates in percentage
    points, durations as durations, other units in their own form."""
    if delta is None:
        return DASH
    size = abs(delta)
    if unit == Unit.RATIO:
        return _("%(n)s pp") % {"n": _num(size * 100, 1)}
    return value(size, unit)


@dataclass(frozen=True)
class Trend:
    """One comparison: the arrow (↑ ↓ or → when unchanged), its text and its colour
    (``good``/``bad``/``neutral``: a volume has no good direction)."""

    arrow: str
    text: str
    tone: str
    pct: str  # "+12.5 %" of the earlier value, or "" when that was 0 or missing
    title: str

    @property
    def css(self) -> str:
        return {"good": "text-success", "bad": "text-danger"}.get(self.tone, "text-body-secondary")


def compare(
    current: float | None, earlier: float | None, unit: str, higher_is_better: bool | None
) -> Trend | None:
    """How ``current`` moved from ``earlier``; None when either is missing."""
    if current is None or earlier is None:
        return None
    delta = current - earlier
    if delta > 0:
        arrow = "↑"
    elif delta < 0:
        arrow = "↓"
    else:
        arrow = "→"
    if delta == 0 or higher_is_better is None:
        tone = "neutral"
    else:
        tone = "good" if (delta > 0) == higher_is_better else "bad"
    pct = ""
    if earlier:
        pct = f"{delta / abs(earlier) * 100:+.1f} %"
    return Trend(arrow, change(delta, unit), tone, pct, value(earlier, unit))


def light(status: str | None) -> tuple[str, str]:
    """The traffic light of a target's status: (css class, label)."""
    if status == "met":
        return "text-bg-success", pgettext("dashboard", "Target met")
    if status == "missed":
        return "text-bg-danger", pgettext("dashboard", "Target missed")
    return "text-bg-secondary", pgettext("dashboard", "No target set")


def target(target_value: float | None, direction: str | None, unit: str) -> str:
    """The target as a sentence fragment: ≥ 98.0 %, ≤ 4 h."""
    if target_value is None:
        return ""
    sign = "≤" if direction == "at_most" else "≥"
    return f"{sign} {value(float(target_value), unit)}"
