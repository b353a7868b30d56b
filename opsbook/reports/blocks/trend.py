"""A twelve-month line chart of one or more metrics (the engine's series; point-in-time
values of closed months from their final snapshots)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from opsbook.metrics import registry

from .. import formatting
from . import BlockError, BlockType, register
from ._common import keys_option, positive_int


@register
class TrendBlock(BlockType):
    type = "trend"
    label = _("Twelve-month trend")
    help = _("A line chart of the metrics over the last twelve months.")
    defaults: ClassVar[dict[str, Any]] = {"metrics": ["tickets.created"], "months": 12, "title": ""}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        keys = keys_option(options["metrics"])
        if not keys:
            raise BlockError("A trend shows at least one metric.")
        unknown = [k for k in keys if registry.get(k) is None]
        if unknown:
            raise BlockError(f"Unknown metric {', '.join(unknown)}.")
        months = positive_int(options["months"], "months")
        if months > 12:
            raise BlockError("A trend shows at most 12 months.")
        units = {registry.get(k).unit for k in keys}  # type: ignore[union-attr]
        if len(units) > 1:
            raise BlockError("The metrics of one trend share a unit.")
        return {**options, "metrics": keys, "months": months}

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(*options["metrics"])
        context.want_series(*options["metrics"])

    def build(self, context: Any, options: dict[str, Any]) -> list:
        keys = [k for k in options["metrics"] if context.available(k)]
        if not keys:
            return []
        months = options["months"]
        periods = context.period.trailing(months)
        categories = [
            formatting.short_month(p.start.year, p.start.month, context.language) for p in periods
        ]
        series = []
        target = None
        for key in keys:
            values = context.trailing(key, months)
            series.append({"name": context.metric_name(key), "values": [v.value for v in values]})
            figure = context.figure(key)
            if figure is not None and len(keys) == 1:
                target = figure["target"]
        unit = registry.get(keys[0]).unit  # type: ignore[union-attr]
        names = "、".join(context.metric_name(k) for k in keys)
        title = options["title"] or context.t(
            f"{names}近{months}个月趋势", f"{names}: last {months} months"
        )
        return [
            {
                "type": self.type,
                "kind": "chart",
                "title": title,
                "chart": {
                    "type": "line",
                    "unit": unit,
                    "categories": categories,
                    "series": series,
                    "target": target,
                },
                "note": "",
            }
        ]
