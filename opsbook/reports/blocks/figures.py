"""The figures table: 指标/本月/目标/上月/环比/去年同期/达标 for a list of metrics."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from opsbook.metrics import registry

from . import BlockError, BlockType, register
from ._common import figure_columns, figure_row, keys_option

# The main figures, in the order a monthly report lists them; those the registry has and the
# report's scope can be cut by are shown.
MAIN_FIGURES = (
    "tickets.created",
    "tickets.resolved",
    "tickets.resolution_rate",
    "tickets.backlog",
    "tickets.first_response.median",
    "tickets.resolution_time.median",
    "sla.response.met_rate",
    "sla.resolution.met_rate",
    "tickets.first_contact_resolution_rate",
    "tickets.reopen_rate",
    "csat.average",
    "csat.satisfied_share",
    "tickets.complaints",
    "complaints.followup_rate",
    "routines.coverage",
    "routines.on_time_rate",
    "surveys.nps",
    "surveys.response_rate",
)


def default_metrics() -> list[str]:
    return [key for key in MAIN_FIGURES if registry.get(key) is not None]


@register
class FiguresBlock(BlockType):
    type = "figures"
    label = _("Figures table")
    help = _("Each metric this month, its target, last month, the change and last year.")
    defaults: ClassVar[dict[str, Any]] = {"metrics": [], "title": ""}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        keys = keys_option(options["metrics"])
        unknown = [k for k in keys if registry.get(k) is None]
        if unknown:
            raise BlockError(f"Unknown metric {', '.join(unknown)}.")
        return {**options, "metrics": keys or default_metrics()}

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(*options["metrics"])

    def build(self, context: Any, options: dict[str, Any]) -> list:
        rows = []
        for key in options["metrics"]:
            figure = context.figure(key)
            if figure is not None:
                rows.append(figure_row(context, figure))
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": options["title"] or context.t("主要指标", "Key figures"),
                "table": {"columns": figure_columns(context), "rows": rows},
                "note": context.t(
                    "本月数据截至生成时，月份尚未结束。", "This month is not over: figures to date."
                )
                if not context.closed
                else "",
            }
        ]
