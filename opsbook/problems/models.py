"""Problems (recurring causes behind tickets and complaints) and the improvement actions taken
against them, each action measured against a metric in the months after it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ActionStatus, CauseCategory, Effect, ProblemSource, ProblemStatus


class Problem(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ProblemSource.choices, default=ProblemSource.MANUAL
    )
    # The service category the problem belongs to (what the report groups problems by).
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("service category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        verbose_name=_("affected services"),
        blank=True,
        related_name="problems",
    )
    customers = models.ManyToManyField(
        "accounts.Customer",
        verbose_name=_("affected customers"),
        blank=True,
        related_name="problems",
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket",
        verbose_name=_("linked tickets"),
        through="ProblemTicket",
        blank=True,
        related_name="problems",
    )
    # Root-cause analysis: the 5 whys (each answer a line, in order) and where the cause lies.
    whys = models.JSONField(_("5 whys"), default=list, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    cause_category = models.CharField(
        _("cause category"), max_length=20, choices=CauseCategory.choices, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_problems",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_problems",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["status", "raised_at"])]

    def __str__(self) -> str:
        return f"P{self.pk}: {self.title}"


class ProblemTicket(models.Model):
    """A ticket linked to a problem: the problem's frequency is its linked tickets over time."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="problem_links"
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["problem", "ticket"], name="problem_ticket_once")
        ]

    def __str__(self) -> str:
        return f"P{self.problem_id} ← T{self.ticket_id}"


class Action(models.Model):
    """An improvement action: what, who, by when, and the metric (in a scope) it should move by
    how much; measured month by month after it is done (``ActionEffect``), carried over in each
    monthly report until it is closed."""

    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # What it should move: a metric key of the registry, a scope ({"item": "A01"}), and the
    # expected change in the metric's unit (signed: -0.05 for "five points fewer breaches").
    metric = models.CharField(_("metric"), max_length=80, blank=True)
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    expected_change = models.FloatField(_("expected change"), null=True, blank=True)
    # The metric's value in the month before the action started (filled when it is set).
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_period = models.CharField(_("baseline period"), max_length=20, blank=True)
    # The latest evaluation, for lists (the history is in ActionEffect).
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices, blank=True)
    # Which monthly report proposed it (a period code "2026-11"), if any.
    proposed_in = models.CharField(_("proposed in"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When it was closed: done or cancelled (cleared when reopened).
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The due date its owner was last told it is overdue for (the overdue job's claim: once
    # per action per due date).
    overdue_notice_for = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"A{self.pk}: {self.title}"


class ActionEffect(models.Model):
    """The action's metric measured in one month after it (did it work?)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="effects")
    period = models.CharField(_("period"), max_length=20)  # "2026-11"
    value = models.FloatField(_("value"), null=True, blank=True)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    change = models.FloatField(_("change"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Effect.choices)
    measured_at = models.DateTimeField(_("measured at"), default=timezone.now)

    class Meta:
        ordering = ["action", "period"]
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="action_effect_once")
        ]

    def __str__(self) -> str:
        return f"A{self.action_id} {self.period}: {self.verdict}"
