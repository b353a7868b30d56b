"""Complaints and their root causes: the month's complaints grouped by the cause category of
the problems they are linked to (``problems.reporting.complaint_causes``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsbook.problems import reporting

from .. import formatting
from ..document import cell
from . import BlockType, register
from ._common import figure_cell

KEY = "tickets.complaints"


@register
class ComplaintsBlock(BlockType):
    type = "complaints"
    label = _("Complaints and their causes")
    help = _("This month's complaints by root cause, with examples.")
    defaults: ClassVar[dict[str, Any]] = {"title": ""}

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(KEY)

    def build(self, context: Any, options: dict[str, Any]) -> list:
        t = context.t
        title = options["title"] or t("投诉及原因分析", "Complaints and their causes")
        total = context.figure(KEY)
        with translation.override(context.language):
            lines = reporting.complaint_causes(context.period, context.scope)
        rows = []
        for line in lines:
            examples = "；".join(str(e) for e in list(line.examples)[:3]) or formatting.DASH
            rows.append(
                [
                    cell(str(line.label)),
                    cell(formatting.value(line.complaints, "count"), float(line.complaints)),
                    cell(examples),
                ]
            )
        if total is not None:
            rows.append([cell(t("合计", "Total")), figure_cell(total, "value"), cell("")])
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": title,
                "table": {
                    "columns": [
                        {"label": t("原因类别", "Cause"), "align": "left"},
                        {"label": t("投诉（件）", "Complaints"), "align": "right", "unit": "count"},
                        {"label": t("示例", "Examples"), "align": "left"},
                    ],
                    "rows": rows,
                },
                "note": "",
            }
        ]
