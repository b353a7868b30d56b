from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A share 0–1 as "42.5 %", "—" when there is none."""
    if value is None:
        return "—"
    return f"{100 * value:.1f} %"


@register.filter
def nps(value) -> str:
    """An NPS (−100..100) with its sign, "—" when there is none."""
    if value is None:
        return "—"
    return f"{value:+.0f}"


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.simple_tag
def querystring_of(params) -> str:
    return urlencode(params)
