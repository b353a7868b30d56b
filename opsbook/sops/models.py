"""Standard operating procedures (SOPs): ordered steps, versioned. A running ticket or routine
occurrence keeps the version it started with (``Run.version``); editing a procedure makes a new
version and never changes a run in progress."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.core.text import multi_line, single_line

from .choices import Evidence


class Procedure(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])
    description = models.TextField(_("description"), blank=True, validators=[multi_line])
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        blank=True,
        related_name="procedures",
        verbose_name=_("service items"),
    )
    contents = models.ManyToManyField(
        "catalog.ServiceContent",
        blank=True,
        related_name="procedures",
        verbose_name=_("service content"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("procedure (SOP)")
        verbose_name_plural = _("procedures (SOPs)")

    def __str__(self) -> str:
        return self.name


class Version(models.Model):
    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="sops_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.procedure} v{self.number}"


class Step(models.Model):
    version = models.ForeignKey(Version, models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=200, validators=[single_line])
    responsible_role = models.CharField(
        _("responsible role"), max_length=10, choices=Role.choices, blank=True
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    # Business minutes on the run's calendar, counted from when the step becomes current.
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (business minutes)"), null=True, blank=True
    )
    evidence = models.CharField(
        _("required evidence"), max_length=10, choices=Evidence.choices, default=Evidence.NONE
    )
    checklist = models.JSONField(_("checklist"), default=list, blank=True)  # list of sub-points

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="sops_one_step_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Run(models.Model):
    """One use of a procedure version by a ticket or an occurrence (they point here)."""

    version = models.ForeignKey(Version, models.PROTECT, related_name="runs")
    calendar = models.ForeignKey(
        "calendars.Calendar", models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("procedure run")
        verbose_name_plural = _("procedure runs")

    def __str__(self) -> str:
        return f"{self.version} @ {self.started_at:%Y-%m-%d}"


def evidence_path(instance: "StepRun", filename: str) -> str:
    # The stored name is random; the user's file name is kept in ``attachment_name``.
    suffix = PurePath(filename).suffix.lower()[:10]
    token = uuid.uuid4().hex
    return f"sops/{token[:2]}/{token}{suffix}"


class StepRun(models.Model):
    run = models.ForeignKey(Run, models.CASCADE, related_name="step_runs")
    step = models.ForeignKey(Step, models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)  # when the step became current
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, validators=[multi_line])
    link = models.URLField(_("link"), max_length=1000, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=evidence_path, max_length=200, blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    checked = models.JSONField(default=list, blank=True)  # indexes of ticked sub-points
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["run", "step__position"]
        verbose_name = _("step progress")
        verbose_name_plural = _("step progress")
        constraints = [
            models.UniqueConstraint(fields=["run", "step"], name="sops_one_progress_per_step")
        ]
        indexes = [models.Index(fields=["done_at", "due_at"], name="sops_step_due_idx")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.step}"
