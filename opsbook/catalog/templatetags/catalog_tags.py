"""Display helpers for checklist pages. They format values; they never decide permissions."""

from django import template
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
