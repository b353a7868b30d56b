"""Next month's goals: those with a deadline or a checkpoint in the month after the report's."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from . import BlockType, register
from .goals import goal_columns, goal_row, goals_in_scope


@register
class NextGoalsBlock(BlockType):
    type = "next_goals"
    label = _("Next month's goals")
    help = _("Goals with a deadline or a checkpoint next month.")
    defaults: ClassVar[dict[str, Any]] = {"title": ""}

    def build(self, context: Any, options: dict[str, Any]) -> list:
        nxt = context.period.next()
        goals = [
            g
            for g in goals_in_scope(context.scope, nxt.start, nxt.end)
            if (g.deadline is not None and nxt.start <= g.deadline < nxt.end)
            or any(nxt.start <= c.date < nxt.end for c in g.checkpoints.all())
        ]
        context.counts["next_goals"] = len(goals)
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": options["title"] or context.t("下月目标", "Next month's goals"),
                "table": {
                    "columns": goal_columns(context),
                    "rows": [goal_row(context, g) for g in goals],
                },
                "note": ""
                if goals
                else context.t("下月没有到期的目标或检查点。", "No goal is due next month."),
            }
        ]
