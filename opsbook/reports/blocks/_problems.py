"""What the problem blocks print: links, choice labels in the report's language, people, the
measured effect of an action."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .. import formatting


def link(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def display(obj: Any, field: str, language: str) -> str:
    """A choice field's label in the report's language."""
    getter = getattr(obj, f"get_{field}_display", None)
    if getter is None:
        return str(getattr(obj, field, "") or formatting.DASH)
    with translation.override(language):
        return str(getter()) or formatting.DASH


def person(user: Any) -> str:
    if user is None:
        return formatting.DASH
    return str(getattr(user, "label", None) or user)


def effect_text(effect: Any, language: str) -> str:
    """An action's measured effect: an ActionEffect, an Effect value or None."""
    if effect is None or effect == "":
        return formatting.DASH
    from opsbook.problems.choices import Effect

    with translation.override(language):
        if hasattr(effect, "get_verdict_display"):
            return str(effect.get_verdict_display())
        try:
            return str(Effect(str(effect)).label)
        except ValueError:
            return str(effect)
