"""Monthly reports: templates (sections, their owners and blocks: data, not code), the report of
one month and scope (a draft rebuilt from the data until it is published), its sections'
narratives, the workflow's comments, published versions (frozen), the distribution list and
readers' feedback. The content itself is a document (``document.py``): built by the blocks,
rendered by the web view and the exporters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CommentKind, RecipientKind, ReportStatus, TemplateKind


class ReportTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TemplateKind.choices, default=TemplateKind.ORGANISATION
    )
    # A team template covers the team's services; a customer template one customer's figures.
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_templates",
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_templates",
    )
    # The organisation's default template (one at most).
    is_default = models.BooleanField(_("organisation default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Who is responsible for the report as a whole (submits it); reviewers are managers.
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # House-style overrides of the exported layout (``export/layout.py`` names the keys).
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    # Drafted automatically on the first working day of each month.
    auto_draft = models.BooleanField(_("draft automatically each month"), default=True)
    # The deadline: this many working days into the next month (5: the 5th working day).
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline (working day of the next month)"), default=5
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-is_default", "kind", "name"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_report_template",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def scope(self) -> dict[str, str]:
        """The metrics scope of this template's figures ({} for the organisation)."""
        if self.kind == TemplateKind.CUSTOMER and self.customer is not None:
            return {"customer": self.customer.code}
        if self.kind == TemplateKind.TEAM and self.team is not None:
            return {"team": self.team.name}
        return {}


class TemplateSection(models.Model):
    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # A stable key ("overview", "kpis", "problems", "actions", "outlook", "appendix", or custom).
    key = models.SlugField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("section owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The blocks it shows, in order: [{"type": "figures", "options": {...}}, ...]; each type is a
    # module of ``blocks/`` (the registry checks the options).
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    # Whether the section opens with a narrative paragraph generated from its figures.
    narrative = models.BooleanField(_("narrative paragraph"), default=True)

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="template_section_key_once")
        ]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """One template's report for one month: a draft (rebuilt from the data on demand) until
    published; then its published versions hold what readers saw."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField(_("month"), max_length=20)  # a period code, "2026-11"
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # The built draft (``document.py``): figures, tables, charts, narratives. Replaced by each
    # rebuild while the report is editable; frozen into a ReportVersion when published.
    document = models.JSONField(_("document"), default=dict, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The number of the latest published version (0: never published).
    published_version = models.PositiveIntegerField(_("published version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period", "template__name"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["template", "period"], name="one_report_per_month")
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return self.title


class ReportSection(models.Model):
    """A section of one report: its owner and its narrative (generated, or as edited)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("section owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_sections",
    )
    # The narrative in its linked form: numbers as tokens ({{ref:part}}) that stay tied to the
    # figures (``narrative.py``); the generated one, and the owner's edit when there is one.
    generated = models.TextField(_("generated narrative"), blank=True)
    edited = models.TextField(_("edited narrative"), blank=True)
    is_edited = models.BooleanField(_("edited"), default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # The owner says the section is ready.
    done = models.BooleanField(_("ready"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_section_key_once")
        ]

    def __str__(self) -> str:
        return self.title


class FrozenQuerySet(models.QuerySet):
    """Published versions are never changed or deleted, not even in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("A published version cannot be changed."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A published version cannot be deleted."))


class ReportVersion(models.Model):
    """A published version: its document frozen as published. Never changed or deleted (its
    ``save``, its ``delete`` and its queryset's ``update``/``delete`` refuse); a correction is a
    new version with a change note."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    document = models.JSONField(_("document"))
    change_note = models.TextField(_("change note"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Submitted on time: by the deadline of the report (for the governance view).
    on_time = models.BooleanField(_("on time"), null=True)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and ReportVersion.objects.filter(pk=self.pk).exists():
            raise ValidationError(_("A published version cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A published version cannot be deleted."))


class ReportComment(models.Model):
    """Review comments, returns with comments and approvals (the workflow's conversation)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    section_key = models.SlugField(_("section"), max_length=50, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CommentKind.choices, default=CommentKind.NOTE
    )
    body = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:50]}"


class Recipient(models.Model):
    """One entry of a template's distribution list."""

    template = models.ForeignKey(
        ReportTemplate, on_delete=models.CASCADE, related_name="recipients"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecipientKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    channel = models.ForeignKey(
        "notify.Channel", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["template", "kind", "id"]

    def __str__(self) -> str:
        target = self.user or self.email or self.channel or self.template.customer
        return f"{self.get_kind_display()}: {target}"


class Distribution(models.Model):
    """What was sent to whom when a version was published (one row per recipient)."""

    version = models.ForeignKey(
        ReportVersion, on_delete=models.CASCADE, related_name="distributions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecipientKind.choices)
    target = models.CharField(_("sent to"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"


class Feedback(models.Model):
    """A reader's rating (1–5) and comment on a published version."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="feedback")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["version", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "reader"], name="feedback_once_per_reader"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reader}: {self.rating}/5"
