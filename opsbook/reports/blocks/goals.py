"""Goals' progress: the goals within the report's scope that run during the month, with their
latest evaluation (value, target, progress, status; the goals job keeps them current)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opsbook.metrics import registry

from .. import formatting
from ..document import cell
from . import BlockType, register


def goals_in_scope(scope: dict[str, str], start: date, end: date):
    """Goals running some time in [start, end) whose scope lies within ``scope``."""
    from opsbook.goals.models import Goal

    goals = (
        Goal.objects.filter(start__lt=end)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=start))
        .select_related("owner")
        .prefetch_related("checkpoints")
        .order_by("deadline", "pk")
    )
    return [g for g in goals if all((g.scope or {}).get(d) == c for d, c in scope.items())]


def goal_link(goal) -> str | None:
    try:
        return reverse("goals:detail", args=[goal.pk])
    except NoReverseMatch:
        return None


def goal_row(context: Any, goal) -> list:
    metric = registry.get(goal.metric) if goal.metric else None
    unit = metric.unit if metric is not None else registry.Unit.NUMBER
    lang = context.language
    with translation.override(lang):
        status = str(goal.get_status_display())
    progress = goal.progress
    owner = str(goal.owner.label) if goal.owner else ""
    return [
        cell(goal.title, link=goal_link(goal)),
        cell(owner),
        cell(formatting.value(goal.current_value, unit, lang), goal.current_value),
        cell(formatting.value(goal.target, unit, lang), goal.target),
        cell(formatting.value(progress, "ratio", lang), progress),
        cell(formatting.day_label(goal.deadline, lang)),
        cell(status),
    ]


def goal_columns(context: Any) -> list:
    t = context.t
    return [
        {"label": t("目标", "Goal"), "align": "left"},
        {"label": t("负责人", "Owner"), "align": "left"},
        {"label": t("当前值", "Current"), "align": "right"},
        {"label": t("目标值", "Target"), "align": "right"},
        {"label": t("进度", "Progress"), "align": "right", "unit": "ratio"},
        {"label": t("截止日期", "Deadline"), "align": "left"},
        {"label": t("状态", "Status"), "align": "left"},
    ]


@register
class GoalsBlock(BlockType):
    type = "goals"
    label = _("Goals' progress")
    help = _("The goals within the report's scope running this month and where they stand.")
    defaults: ClassVar[dict[str, Any]] = {"title": ""}

    def build(self, context: Any, options: dict[str, Any]) -> list:
        goals = goals_in_scope(context.scope, context.period.start, context.period.end)
        context.counts["goals"] = len(goals)
        return [
            {
                "type": self.type,
                "kind": "table",
                "title": options["title"] or context.t("目标进展", "Goals' progress"),
                "table": {
                    "columns": goal_columns(context),
                    "rows": [goal_row(context, g) for g in goals],
                },
                "note": ""
                if goals
                else context.t("本期没有进行中的目标。", "No goal runs this month."),
            }
        ]
