"""The month's main problems: linked tickets this month, last month and the change, root
cause and status (``problems.reporting.problem_lines``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsbook.problems import reporting

from .. import formatting
from ..document import cell
from . import BlockType, register
from ._common import positive_int
from ._problems import display, link


@register
class ProblemsBlock(BlockType):
    type = "problems"
    label = _("Main problems")
    help = _("Problems with the most linked tickets this month, their root causes and status.")
    defaults: ClassVar[dict[str, Any]] = {"limit": 10, "title": ""}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        positive_int(options["limit"], "limit")
        return options

    def build(self, context: Any, options: dict[str, Any]) -> list:
        t, lang = context.t, context.language
        title = options["title"] or t("主要问题", "Main problems")
        with translation.override(context.language):
            lines = reporting.problem_lines(context.period, context.scope, limit=options["limit"])
        context.counts["problems"] = len(lines)
        rows = []
        for line in lines:
            problem = line.problem
            rows.append(
                [
                    cell(f"P{problem.pk}", link=link("problems:detail", problem.pk)),
                    cell(problem.title, link=link("problems:detail", problem.pk)),
                    cell(formatting.value(line.count, "count"), float(line.count)),
                    cell(formatting.change(line.change, "count"), line.change),
                    cell(
                        display(problem, "cause_category", lang)
                        if problem.cause_category
                        else formatting.DASH
                    ),
                    cell(problem.root_cause or formatting.DASH),
                    cell(display(problem, "status", lang)),
                ]
            )
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": title,
                "table": {
                    "columns": [
                        {"label": t("编号", "No."), "align": "left"},
                        {"label": t("问题", "Problem"), "align": "left"},
                        {"label": t("本月次数", "This month"), "align": "right", "unit": "count"},
                        {"label": t("环比", "Change"), "align": "right", "unit": "count"},
                        {"label": t("原因类别", "Cause"), "align": "left"},
                        {"label": t("根本原因", "Root cause"), "align": "left"},
                        {"label": t("状态", "Status"), "align": "left"},
                    ],
                    "rows": rows,
                },
                "note": "" if rows else t("本月没有关联工单的问题。", "No problem this month."),
            }
        ]
