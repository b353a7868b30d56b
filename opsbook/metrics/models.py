"""What the metrics engine stores: snapshots of computed figures, organisation targets, and
manual metrics (values tracked elsewhere, entered or imported per period)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import PeriodKind
from .registry import Unit


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least (≥)")
    AT_MOST = "at_most", _("at most (≤)")


class Snapshot(models.Model):
    """A figure as computed at ``computed_at``: the total (``dimension == ""``) or one code of a
    cut by a dimension (``code == ""`` is the "no value" bucket). ``final``: taken after the
    period closed, so it is what the period's reports show."""

    metric = models.CharField(_("metric"), max_length=80)
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    dimension = models.CharField(max_length=20, blank=True)
    code = models.CharField(max_length=150, blank=True)
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    count = models.BigIntegerField(null=True)
    computed_at = models.DateTimeField()
    final = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_kind", "period_start", "period_end", "dimension", "code"],
                name="metrics_one_snapshot_per_cell",
            )
        ]
        indexes = [
            models.Index(
                fields=["period_kind", "period_start", "dimension"], name="metrics_snapshot_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period_start} {self.dimension}:{self.code}"


class Target(models.Model):
    """The organisation's target for a metric, overall (``dimension == ""``) or for one code of
    a dimension. KPIs of the checklist that name a metric are targets scoped to their item or
    content and are read from the checklist itself."""

    metric = models.CharField(_("metric"), max_length=80)
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    code = models.CharField(_("code"), max_length=150, blank=True)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["metric", "dimension", "code"]
        verbose_name = _("metric target")
        verbose_name_plural = _("metric targets")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "dimension", "code"], name="metrics_one_target_per_scope"
            ),
            models.CheckConstraint(
                condition=Q(dimension="", code="") | ~Q(dimension=""),
                name="metrics_target_code_needs_dimension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.get_direction_display()} {self.value}"


class ManualMetric(models.Model):
    """A metric tracked outside Opsbook (user growth, conversion): its values are entered in the
    UI or imported from Excel per period. Its key is ``manual.<code>``."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    period_kind = models.CharField(
        _("entered per"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
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
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("manual metric")
        verbose_name_plural = _("manual metrics")

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return f"manual.{self.code}"


class ManualValue(models.Model):
    """One period's value of a manual metric: where it came from and who entered it."""

    metric = models.ForeignKey(
        ManualMetric, models.CASCADE, related_name="values", verbose_name=_("metric")
    )
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))  # exclusive
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["metric", "-period_start"]
        verbose_name = _("manual metric value")
        verbose_name_plural = _("manual metric values")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_kind", "period_start"],
                name="metrics_one_manual_value_per_period",
            ),
            models.CheckConstraint(condition=~Q(source=""), name="metrics_manual_source_given"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period_start}: {self.value}"
