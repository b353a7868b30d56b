"""Routine work: coverage (planned occurrences done) and on-time rate, overall and by team."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from opsbook.metrics.registry import Dimension

from . import BlockError, BlockType, register
from ._common import figure_columns, figure_row

KEYS = ("routines.coverage", "routines.on_time_rate")


@register
class RoutinesBlock(BlockType):
    type = "routines"
    label = _("Routine work")
    help = _("Routine coverage and on-time rate, overall and by a dimension.")
    defaults: ClassVar[dict[str, Any]] = {"by": "team", "title": ""}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        if options["by"] and options["by"] not in (
            Dimension.TEAM,
            Dimension.CATEGORY,
            Dimension.ITEM,
            Dimension.OWNER,
        ):
            raise BlockError("Routine work can be cut by team, category, item or owner.")
        return options

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(*KEYS)
        if options["by"]:
            context.want_cut(options["by"], *KEYS)

    def build(self, context: Any, options: dict[str, Any]) -> list:
        keys = [k for k in KEYS if context.available(k)]
        if not keys:
            return []
        rows = []
        for key in keys:
            figure = context.figure(key)
            if figure is not None:
                rows.append(figure_row(context, figure))
        by = options["by"]
        if by and by not in context.scope and context.by.get(by) is not None:
            overview = context.by[by]
            codes = sorted(
                {c for k in keys if k in overview.figures for c in (overview.figures[k].by or {})},
                key=lambda c: context.label(by, c),
            )
            for code in codes:
                for key in keys:
                    cut = (overview.figures[key].by or {}).get(code)
                    if cut is None or (cut.value is None and cut.previous is None):
                        continue
                    figure = context.figure(key, {by: code})
                    rows.append(figure_row(context, figure, figure["name"]))
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": options["title"] or context.t("例行工作完成情况", "Routine work"),
                "table": {"columns": figure_columns(context), "rows": rows},
                "note": "",
            }
        ]
