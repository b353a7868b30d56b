"""A metric cut by one dimension: a table (each code's figure, linked to its drill-down) and
optionally a bar chart. SLA compliance by channel and by service item, volume by category."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsbook.metrics import registry
from opsbook.metrics.registry import Dimension

from . import BlockError, BlockType, register
from ._common import figure_columns, figure_row, positive_int


def ranked(context: Any, key: str, dimension: str, limit: int | None) -> list[tuple[str, Any]]:
    """(code, engine figure) of a cut, the largest value first (codes without a value last)."""
    overview = context.by.get(dimension)
    if overview is None or key not in overview.figures:
        return []
    cut = overview.figures[key].by or {}
    items = sorted(
        cut.items(),
        key=lambda kv: (kv[1].value is None, -(kv[1].value or 0), context.label(dimension, kv[0])),
    )
    # Codes with nothing this month nor last month are left out (a cut of a count lists 0).
    items = [kv for kv in items if kv[1].value or kv[1].previous]
    return items[:limit] if limit else items


@register
class BreakdownBlock(BlockType):
    type = "breakdown"
    label = _("Breakdown by a dimension")
    help = _("A metric for each channel, service item, category…: a table and a bar chart.")
    defaults: ClassVar[dict[str, Any]] = {
        "metric": "sla.response.met_rate",
        "by": "channel",
        "chart": True,
        "limit": 20,
        "title": "",
    }

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        metric = registry.get(str(options["metric"]))
        if metric is None:
            raise BlockError(f"Unknown metric {options['metric']!r}.")
        if options["by"] not in Dimension.values or options["by"] not in metric.dimensions:
            raise BlockError(f"{metric.key} cannot be cut by {options['by']!r}.")
        positive_int(options["limit"], "limit")
        return {**options, "chart": bool(options["chart"])}

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(options["metric"])
        context.want_cut(options["by"], options["metric"])

    def build(self, context: Any, options: dict[str, Any]) -> list:
        key, dimension = options["metric"], options["by"]
        if not context.available(key) or dimension in context.scope:
            return []
        items = ranked(context, key, dimension, options["limit"])
        with translation.override(context.language):
            dim_label = str(Dimension(dimension).label)
        rows, categories, values = [], [], []
        for code, _found in items:
            figure = context.figure(key, {dimension: code})
            label = context.label(dimension, code)
            rows.append(figure_row(context, figure, label))
            categories.append(label)
            values.append(figure["value"])
        name = context.metric_name(key)
        title = options["title"] or context.t(
            f"按{dim_label}统计：{name}", f"{name} by {dim_label.lower()}"
        )
        total = context.figure(key)
        blocks: list = [
            {
                "type": self.type,
                "kind": "table",
                "title": title,
                "table": {"columns": figure_columns(context, dim_label), "rows": rows},
                "note": context.t(
                    f"共 {len(rows)} 项；点击数字查看明细。",
                    f"{len(rows)} rows; each figure links to its tickets.",
                ),
            }
        ]
        if options["chart"] and rows:
            blocks.append(
                {
                    "type": self.type,
                    "kind": "chart",
                    "title": title,
                    "chart": {
                        "type": "bar",
                        "unit": total["unit"] if total else "",
                        "categories": categories,
                        "series": [{"name": name, "values": values}],
                        "target": total["target"] if total else None,
                    },
                    "note": "",
                }
            )
        return blocks
