"""Display helpers for checklist pages. They format values; they never decide permissions."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def frequency_label(value) -> str:
    """The parsed frequency in the active language, else what the team wrote.

    ``value`` is an item or content (its stored ``frequency``) or a parsed ``Frequency``.
    """
    language = (get_language() or "").lower()
    key = "label_zh" if language.startswith("zh") else "label_en"
    if hasattr(value, "label_zh"):
        return getattr(value, key)
    parsed = getattr(value, "frequency", None) or {}
    return parsed.get(key) or value.frequency_text


@register.filter
def minutes(value) -> str:
    """120 → "2 h", 90 → "1 h 30 min", 45 → "45 min"; empty when there is no value."""
    if value is None or value == "":
        return ""
    hours, rest = divmod(int(value), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": rest}


STATUS_CLASSES = {
    "draft": "text-bg-secondary",
    "active": "text-bg-success",
    "retired": "text-bg-dark",
}


@register.filter
def status_class(status: str) -> str:
    """The Bootstrap badge class for an item or content status."""
    return STATUS_CLASSES.get(status, "text-bg-light")


def _light_words() -> dict[str, tuple[str, str]]:
    return {
        "green": ("text-success", _("Target met")),
        "red": ("text-danger", _("Target missed")),
        "grey": ("text-secondary", _("No data or no target")),
    }


@register.simple_tag
def kpi_light(light: str) -> SafeString:
    """A KPI's traffic light: a coloured dot whose meaning is also said in words (for screen
    readers, and in its tooltip)."""
    css, words = _light_words().get(light, _light_words()["grey"])
    return format_html(
        '<span class="kpi-light {} {}" title="{}">●<span class="visually-hidden">{}</span></span>',
        f"kpi-light-{light}",
        css,
        words,
        words,
    )


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 24, 2


@register.filter
def sparkline(values) -> SafeString:
    """Twelve months of a KPI as a small inline SVG line (no script, so it draws under our
    CSP); a month with no value breaks the line. Empty when no month has a value."""
    points = [None if v is None else float(v) for v in values or ()]
    known = [v for v in points if v is not None]
    if not known:
        return mark_safe("")
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(points) - 1, 1)
    runs: list[list[str]] = [[]]
    last = ""
    for index, value in enumerate(points):
        if value is None:
            runs.append([])
            continue
        x = SPARK_PAD + index * step
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        last = f"{x:.1f},{y:.1f}"
        runs[-1].append(last)
    lines = "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="currentColor" '
        'stroke-width="1.5" stroke-linejoin="round"/>'
        for run in runs
        if len(run) > 1
    )
    dot_x, dot_y = last.split(",")
    dot = f'<circle cx="{dot_x}" cy="{dot_y}" r="2" fill="currentColor"/>'
    label = _("Last %(count)d months") % {"count": len(points)}
    return mark_safe(  # noqa: S308 - built from numbers only; the label is escaped below
        f'<svg class="kpi-sparkline" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" '
        f'aria-label="{format_html("{}", label)}">{lines}{dot}</svg>'
    )
