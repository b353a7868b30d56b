"""Recurring service work: one ``Occurrence`` per time a service content is due.

Occurrences made from a content's frequency are unique per (content, period, index), which is
what makes generation idempotent and safe with many workers: a second run, or a second worker,
inserts nothing."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.core.text import multi_line

from .choices import OccurrenceStatus, Source
from .querysets import OccurrenceQuerySet


class Occurrence(models.Model):
    content = models.ForeignKey(
        "catalog.ServiceContent",
        models.PROTECT,
        related_name="occurrences",
        verbose_name=_("service content"),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.SCHEDULE
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    index = models.PositiveSmallIntegerField(_("number in period"), default=1)
    planned_on = models.DateField(_("planned day"))  # before moving off a non-working day
    due_on = models.DateField(_("due day"))
    due_at = models.DateTimeField(_("due"))  # the end of the due day's business hours
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.OPEN,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_occurrences",
        verbose_name=_("assignee"),
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="owned_occurrences",
        verbose_name=_("owners"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("team"),
    )
    sop_run = models.OneToOneField(
        "sops.Run",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrence",
        verbose_name=_("procedure"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("ticket"),
    )
    effort_minutes = models.PositiveIntegerField(_("effort (minutes)"), null=True, blank=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("note"), blank=True, validators=[multi_line])
    link = models.URLField(_("link"), max_length=1000, blank=True)
    skip_reason = models.TextField(_("reason for skipping"), blank=True, validators=[multi_line])
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        constraints = [
            models.UniqueConstraint(
                fields=["content", "period_start", "index"],
                condition=Q(source=Source.SCHEDULE),
                name="routines_one_occurrence_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="routines_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="routines_status_due_idx"),
            models.Index(fields=["assignee", "status", "due_at"], name="routines_assignee_idx"),
            models.Index(fields=["content", "due_on"], name="routines_content_due_idx"),
            # The missed job: open occurrences whose period has ended.
            models.Index(fields=["status", "period_end"], name="routines_status_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.content} {self.due_on:%Y-%m-%d}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is random; the user's file name lives only in the database.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.id.hex[:2]}/{instance.id.hex}{suffix}"


class Evidence(models.Model):
    """A file attached when completing an occurrence (the note and link are on it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurrence = models.ForeignKey(Occurrence, models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


class ContentSchedule(models.Model):
    """What the generator last made of a content: a fingerprint of everything the occurrences
    depend on (frequency, dates, calendar and its version, due shift, effort, owners) and the
    last day generated. When the fingerprint is unchanged, the next run only adds the days the
    horizon has reached since; any change makes it reconcile the whole horizon again."""

    content = models.OneToOneField(
        "catalog.ServiceContent",
        models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    fingerprint = models.CharField(max_length=64)
    generated_through = models.DateField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("generated schedule")
        verbose_name_plural = _("generated schedules")

    def __str__(self) -> str:
        return f"{self.content_id} → {self.generated_through:%Y-%m-%d}"
