"""The appendix: every figure the report shows, its definition (the metric's) and its scope."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsbook.metrics import registry

from ..document import cell
from . import BlockType, register


@register
class DefinitionsBlock(BlockType):
    type = "definitions"
    label = _("Definitions of the figures")
    help = _("Each figure's definition and scope, so any number can be checked by hand.")
    defaults: ClassVar[dict[str, Any]] = {"title": ""}

    def build(self, context: Any, options: dict[str, Any]) -> list:
        from ..drafting import scope_label

        scope = scope_label(context.template, context.language)
        rows = []
        seen: set[str] = set()
        for figure in list(context.figures.values()):
            key = figure["key"]
            if key in seen or key.startswith("report."):
                continue
            seen.add(key)
            metric = registry.get(key)
            if metric is None:
                continue
            with translation.override(context.language):
                name, definition = str(metric.name), str(metric.definition)
            rows.append([cell(name), cell(definition), cell(scope)])
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": options["title"] or context.t("指标定义", "Definitions"),
                "table": {
                    "columns": [
                        {"label": context.t("指标", "Figure"), "align": "left"},
                        {"label": context.t("定义", "Definition"), "align": "left"},
                        {"label": context.t("范围", "Scope"), "align": "left"},
                    ],
                    "rows": rows,
                },
                "note": context.t(
                    "时间按组织所在时区计算；每个数字均可点击查看明细。",
                    "Times are counted in the organisation's time zone; every figure links to "
                    "its rows.",
                ),
            }
        ]
