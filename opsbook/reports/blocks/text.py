"""A static paragraph written in the template (a standing note, a contact line)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from . import BlockError, BlockType, register


@register
class TextBlock(BlockType):
    type = "text"
    label = _("Fixed text")
    help = _("Paragraphs written in the template, shown as they are.")
    defaults: ClassVar[dict[str, Any]] = {"text": "", "title": ""}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        if not isinstance(options["text"], str) or not isinstance(options["title"], str):
            raise BlockError("A text block's text and title are text.")
        return options

    def build(self, context: Any, options: dict[str, Any]) -> list:
        paragraphs = [p.strip() for p in options["text"].split("\n\n") if p.strip()]
        if not paragraphs:
            return []
        return [
            {"type": self.type, "kind": "text", "title": options["title"], "paragraphs": paragraphs}
        ]
