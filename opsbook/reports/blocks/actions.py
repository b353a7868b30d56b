"""Improvement actions: those carried over (open, or closed this month) with their status and
measured effect (``problems.reporting.action_lines``), then new ones proposed from this
month's problems (``proposals``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsbook.problems import reporting

from .. import formatting
from ..document import cell
from . import BlockType, register
from ._problems import display, effect_text, link, person


@register
class ActionsBlock(BlockType):
    type = "actions"
    label = _("Improvement actions")
    help = _("Actions carried over with status and effect, and new ones proposed.")
    defaults: ClassVar[dict[str, Any]] = {"proposals": True, "title": ""}

    def build(self, context: Any, options: dict[str, Any]) -> list:
        from opsbook.problems.choices import OPEN_ACTION_STATUSES, ActionStatus

        t, lang = context.t, context.language
        title = options["title"] or t("改进措施跟踪", "Improvement actions")
        with translation.override(context.language):
            lines = reporting.action_lines(context.period, context.scope)
        rows = []
        open_count = overdue = done = 0
        for line in lines:
            action = line.action
            if action.status in OPEN_ACTION_STATUSES:
                open_count += 1
            if action.status == ActionStatus.DONE:
                done += 1
            if line.overdue:
                overdue += 1
            status = display(action, "status", lang)
            if line.overdue:
                status += t("（已逾期）", " (overdue)")
            rows.append(
                [
                    cell(action.title, link=link("problems:action_detail", action.pk)),
                    cell(person(action.owner)),
                    cell(formatting.day_label(action.due, lang)),
                    cell(status),
                    cell(t("延续", "Carried over") if line.carried_over else t("本月新增", "New")),
                    cell(effect_text(line.effect, lang)),
                ]
            )
        context.counts["open_actions"] = open_count
        context.counts["overdue_actions"] = overdue
        context.counts["done_actions"] = done
        blocks: list = [
            {
                "type": self.type,
                "kind": "table",
                "title": title,
                "table": {
                    "columns": [
                        {"label": t("措施", "Action"), "align": "left"},
                        {"label": t("负责人", "Owner"), "align": "left"},
                        {"label": t("完成期限", "Due"), "align": "left"},
                        {"label": t("状态", "Status"), "align": "left"},
                        {"label": t("来源", "Since"), "align": "left"},
                        {"label": t("效果", "Effect"), "align": "left"},
                    ],
                    "rows": rows,
                },
                "note": "" if rows else t("没有进行中的改进措施。", "No improvement action."),
            }
        ]
        if options["proposals"]:
            with translation.override(context.language):
                proposals = reporting.proposals(context.period, context.scope)
            context.counts["proposals"] = len(proposals)
            if proposals:
                blocks.append(
                    {
                        "type": self.type,
                        "kind": "table",
                        "title": t("建议新增措施", "Proposed actions"),
                        "table": {
                            "columns": [
                                {"label": t("问题", "Problem"), "align": "left"},
                                {
                                    "label": t("本月次数", "This month"),
                                    "align": "right",
                                    "unit": "count",
                                },
                                {"label": t("建议", "Proposal"), "align": "left"},
                            ],
                            "rows": [
                                [
                                    cell(
                                        p.problem.title, link=link("problems:detail", p.problem.pk)
                                    ),
                                    cell(formatting.value(p.count, "count"), float(p.count)),
                                    cell(
                                        t(
                                            "制定改进措施并指定负责人和完成期限",
                                            "Agree an action with an owner and a due date",
                                        )
                                    ),
                                ]
                                for p in proposals
                            ],
                        },
                        "note": "",
                    }
                )
        return blocks
