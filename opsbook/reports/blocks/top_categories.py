"""The top service categories by ticket volume: this month, last month, the change and each
category's share of the month's tickets (frequency)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from .. import formatting
from ..document import cell
from . import BlockType, register
from ._common import figure_cell, positive_int
from .breakdown import ranked

KEY = "tickets.created"


@register
class TopCategoriesBlock(BlockType):
    type = "top_categories"
    label = _("Top service categories")
    help = _("The categories with the most tickets, their change and share.")
    defaults: ClassVar[dict[str, Any]] = {"limit": 10, "by": "category", "title": ""}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        positive_int(options["limit"], "limit")
        if options["by"] not in ("category", "item", "content"):
            from . import BlockError

            raise BlockError("Top categories are counted by category, item or content.")
        return options

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(KEY)
        context.want_cut(options["by"], KEY)

    def build(self, context: Any, options: dict[str, Any]) -> list:
        t, by = context.t, options["by"]
        total = context.figure(KEY)
        whole = total["value"] if total else None
        rows: list[list[Any]] = []
        for code, _found in ranked(context, KEY, by, options["limit"]):
            figure = context.figure(KEY, {by: code})
            if not rows and figure["value"]:
                context.facts.setdefault("top_category", context.label(by, code))
            share = figure["value"] / whole if whole and figure["value"] is not None else None
            rows.append(
                [
                    cell(context.label(by, code)),
                    figure_cell(figure, "value"),
                    figure_cell(figure, "previous"),
                    figure_cell(figure, "change"),
                    figure_cell(figure, "change_pct"),
                    cell(formatting.value(share, "ratio"), share),
                ]
            )
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": options["title"] or t("主要服务类别", "Top service categories"),
                "table": {
                    "columns": [
                        {"label": t("服务类别", "Category"), "align": "left"},
                        {"label": t("本月（件）", "This month"), "align": "right", "unit": "count"},
                        {"label": t("上月（件）", "Last month"), "align": "right", "unit": "count"},
                        {"label": t("环比", "Change"), "align": "right", "unit": "count"},
                        {"label": t("变化率", "Change %"), "align": "right"},
                        {"label": t("占比", "Share"), "align": "right", "unit": "ratio"},
                    ],
                    "rows": rows,
                },
                "note": "",
            }
        ]
