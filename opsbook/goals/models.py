"""Goals: a target for one metric in one scope by a deadline, with an owner and checkpoints.

A goal stores what was decided (metric, scope, baseline, target, direction, deadline, owner) and,
for the list, the last evaluation of its progress (``status``, ``current_value``, ``progress``,
``forecast``, ``evaluated_at``): the goal page computes them live, the list shows the stored ones
(refreshed by every write and by the hourly job). A KPI of the checklist that names a metric and
a target is mirrored by one goal (``kpi``), kept in step by ``services.sync_kpi_goals``.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.metrics.models import Direction
from opsbook.metrics.periods import org_tz

from .choices import GoalSource, GoalStatus


class Goal(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("specific description"), blank=True)
    metric = models.CharField(_("metric"), max_length=80, blank=True)
    # {dimension: code}, e.g. {"item": "A01"} or {"team": "客服一组"}; {} is the whole organisation.
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_period = models.CharField(
        _("baseline period"), max_length=30, blank=True, help_text=_("e.g. 2026-09 or 2026-Q3")
    )
    target = models.FloatField(_("target"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    start = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("owner"),
    )
    kpi = models.OneToOneField(
        "catalog.Kpi",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="goal",
        verbose_name=_("checklist KPI"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # The last evaluation (for the list; the goal page computes live).
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.NO_DATA
    )
    current_value = models.FloatField(_("current value"), null=True, blank=True)
    progress = models.FloatField(_("progress"), null=True, blank=True)
    forecast = models.FloatField(_("forecast"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [
            models.Index(fields=["status"], name="goal_status_idx"),
            models.Index(fields=["metric"], name="goal_metric_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("start")),
                name="goal_deadline_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def source(self) -> str:
        return GoalSource.KPI if self.kpi_id else GoalSource.GOAL

    @property
    def is_from_checklist(self) -> bool:
        return self.kpi_id is not None

    @property
    def direction_sign(self) -> str:
        return "≤" if self.direction == Direction.AT_MOST else "≥"

    @property
    def created_on(self) -> date:
        """The day the goal was set, in the organisation's time zone."""
        return self.created_at.astimezone(org_tz()).date()


class GoalCheckpoint(models.Model):
    """A date on the way with the value expected by then; the owner may add a note."""

    goal = models.ForeignKey(
        Goal, models.CASCADE, related_name="checkpoints", verbose_name=_("goal")
    )
    date = models.DateField(_("date"))
    expected = models.FloatField(_("expected value"))
    note = models.TextField(_("note"), blank=True)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("noted by"),
    )
    noted_at = models.DateTimeField(_("noted at"), null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["goal", "date"], name="goal_one_checkpoint_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.date}: {self.expected}"
