"""``{{ entry.source|source_label }}``: an audit entry's source in the reader's language."""

from django import template

from ..sources import source_label as _source_label

register = template.Library()


@register.filter
def source_label(source: str) -> str:
    return str(_source_label(source))
