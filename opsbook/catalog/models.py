"""The service checklist (运营服务内容清单): categories → service items → service content.

Standards, KPIs, checkpoints, resources and owners hang off an item; when ``content`` is set
they belong to that piece of content instead of the item as a whole.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.core.text import multi_line, single_line

from . import kpi_metrics, standard_rules
from .choices import (
    Channel,
    DeliveryMode,
    DueShift,
    FrequencyKind,
    FrequencyPeriod,
    KpiDirection,
    Priority,
    ResourceKind,
    Status,
    Tier,
    TimeBasis,
)
from .querysets import CategoryQuerySet, ContentQuerySet, ItemQuerySet

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z",  # \Z: "$" would let a final line break through
    _("A code is 1–40 letters, digits, '.', '_' or '-', starting with a letter or digit."),
)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    # A stable code for reports and metrics (``C<id>`` unless given); renaming keeps it.
    code = models.CharField(
        _("code"), max_length=40, unique=True, null=True, blank=True, validators=[code_validator]
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    description = models.TextField(_("description"), blank=True, validators=[multi_line])
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    # Set by access.category_tree_for_user for lists and choices; not stored.
    depth: int
    path_text: str

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="category_unique_root_name"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="category_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if not self.code:
            Category.objects.filter(pk=self.pk).update(code=f"C{self.pk}")
            self.code = f"C{self.pk}"

    def path(self) -> list["Category"]:
        """This category and its ancestors, root first (one query per level; trees are shallow)."""
        chain: list[Category] = []
        node: Category | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def path_label(self) -> str:
        return " / ".join(c.name for c in self.path())


def fill_category_codes() -> None:
    """Give ``C<id>`` to categories created without a code (bulk creation skips ``save``)."""
    Category.objects.filter(code__isnull=True).update(
        code=Concat(models.Value("C"), Cast("id", models.CharField()))
    )


class ChecklistEntry(models.Model):
    """Fields shared by service items and service content."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, validators=[multi_line])
    frequency_text = models.CharField(
        _("frequency"),
        max_length=100,
        blank=True,
        validators=[single_line],
        help_text=_("As the team writes it, e.g. 每周两次, 每月5日前, on demand."),
    )
    frequency = models.JSONField(_("frequency (parsed)"), null=True, blank=True, editable=False)
    frequency_kind = models.CharField(
        max_length=10, choices=FrequencyKind.choices, blank=True, editable=False
    )
    frequency_period = models.CharField(
        max_length=10, choices=FrequencyPeriod.choices, blank=True, editable=False
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    notes = models.TextField(
        _("notes"),
        blank=True,
        validators=[multi_line],
        help_text=_("Lessons learned, special customer needs, feedback."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceItem(ChecklistEntry):
    """A service (服务项目) the team delivers."""

    category = models.ForeignKey(
        Category, models.PROTECT, related_name="items", verbose_name=_("category")
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.BASIC)
    target_customers = models.CharField(
        _("target customers"), max_length=200, blank=True, validators=[single_line]
    )
    service_hours = models.CharField(
        _("service hours"), max_length=100, blank=True, validators=[single_line]
    )
    delivery_mode = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryMode.choices, blank=True
    )
    region = models.CharField(_("region"), max_length=100, blank=True, validators=[single_line])
    review_cycle_months = models.PositiveSmallIntegerField(
        _("review cycle (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    next_review_date = models.DateField(_("next review date"), null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="item_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="item_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sort_order", "code"], name="item_status_idx"),
            models.Index(fields=["next_review_date"], name="item_review_idx"),
            models.Index(fields=["frequency_period"], name="item_freq_idx"),
        ]


class ServiceContent(ChecklistEntry):
    """Concrete work (服务内容) inside a service item."""

    item = models.ForeignKey(
        ServiceItem, models.PROTECT, related_name="contents", verbose_name=_("service item")
    )
    # How recurring work is generated from the frequency (opsbook.routines).
    calendar = models.ForeignKey(
        "calendars.Calendar",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("calendar"),
        help_text=_("Working days to schedule on. Empty: the default calendar."),
    )
    due_shift = models.CharField(
        _("due on a non-working day"),
        max_length=10,
        choices=DueShift.choices,
        default=DueShift.PREVIOUS,
    )
    effort_minutes = models.PositiveIntegerField(
        _("effort per time (minutes)"),
        null=True,
        blank=True,
        help_text=_("An estimate, for the workload plan."),
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("service content")
        verbose_name_plural = _("service content")
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="content_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="content_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["frequency_period"], name="content_freq_idx"),
        ]


class ItemPart(models.Model):
    """Something attached to an item, or to one piece of its content when ``content`` is set."""

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="+")
    content = models.ForeignKey(
        ServiceContent, models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Ownership(ItemPart):
    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="ownerships")
    content = models.ForeignKey(
        ServiceContent, models.CASCADE, null=True, blank=True, related_name="ownerships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
        verbose_name=_("user"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
        verbose_name=_("team"),
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta(ItemPart.Meta):
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(team__isnull=True))
                | (Q(user__isnull=True) & Q(team__isnull=False)),
                name="ownership_user_xor_team",
            ),
        ]
        indexes = [models.Index(fields=["user"], name="ownership_user_idx")]

    def __str__(self) -> str:
        return str(self.user or self.team)

    @property
    def owner(self):
        return self.user or self.team


class ServiceStandard(ItemPart):
    """A service standard as the team wrote it (``text``), and what Opsbook read from it.

    The structure is optional: response/resolution targets for a channel (only a standard with
    a channel and a target sets an SLA clock), a follow-up deadline, a submission deadline (days
    ahead, or a day of the month) and a minimum staffing level. A standard none of which could be
    read is text-only; a manager may add the structure by hand.
    """

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="standards")
    content = models.ForeignKey(
        ServiceContent, models.CASCADE, null=True, blank=True, related_name="standards"
    )
    text = models.CharField(
        _("standard"),
        max_length=500,
        blank=True,
        validators=[single_line],
        help_text=_("The standard as the team writes it; kept and exported as written."),
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("Empty: no channel (the standard sets no SLA clock)."),
    )
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=Priority.choices,
        blank=True,
        help_text=_("Empty: every priority."),
    )
    response_minutes = models.PositiveIntegerField(
        _("response within (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True
    )
    time_basis = models.CharField(
        _("counted in"), max_length=10, choices=TimeBasis.choices, default=TimeBasis.BUSINESS
    )
    calendar = models.ForeignKey(
        "calendars.Calendar",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="standards",
        verbose_name=_("calendar"),
        help_text=_("Business hours and holidays to count in. Empty: the default calendar."),
    )
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[single_line]
    )
    followup_minutes = models.PositiveIntegerField(
        _("follow-up within (minutes)"), null=True, blank=True
    )
    lead_days = models.PositiveSmallIntegerField(
        _("due days ahead"),
        null=True,
        blank=True,
        help_text=_("Submitted or published this many days ahead, e.g. 材料提前3天发布."),
    )
    due_day = models.PositiveSmallIntegerField(
        _("due by day of month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Submitted by this day of each month, e.g. 每月5日前提交."),
    )
    min_staff = models.PositiveSmallIntegerField(
        _("minimum staff"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta(ItemPart.Meta):
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="")
                | Q(response_minutes__isnull=False)
                | Q(resolution_minutes__isnull=False),
                name="standard_has_text_or_target",
            ),
            models.CheckConstraint(
                condition=Q(due_day__isnull=True) | Q(due_day__gte=1, due_day__lte=31),
                name="standard_due_day_in_month",
            ),
        ]
        indexes = [models.Index(fields=["channel"], name="standard_channel_idx")]

    def __str__(self) -> str:
        return self.text or (
            f"{self.get_channel_display()} {self.response_minutes}/{self.resolution_minutes}"
        )

    @property
    def has_structure(self) -> bool:
        return standard_rules.has_structure(self)

    @property
    def sets_sla(self) -> bool:
        """Only a standard with a channel and a target measures tickets."""
        return standard_rules.sets_sla(self)


class Kpi(ItemPart):
    """A KPI as the team wrote it (``text``) and, when it states one, its measurable target.

    A KPI with no target (按期完成, 服务态度良好) is qualitative. ``metric`` is the metrics
    registry's key it is measured by (one of ``kpi_metrics.KEYS``), if any; its actual value is
    computed for the KPI's item or content (``kpi_actuals``).
    """

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="kpis")
    content = models.ForeignKey(
        ServiceContent, models.CASCADE, null=True, blank=True, related_name="kpis"
    )
    text = models.CharField(
        _("KPI"),
        max_length=500,
        blank=True,
        validators=[single_line],
        help_text=_("The KPI as the team writes it; kept and exported as written."),
    )
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    unit = models.CharField(_("unit"), max_length=20, blank=True, validators=[single_line])
    target = models.DecimalField(
        _("target"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Empty: a qualitative KPI, judged by hand."),
    )
    metric = models.CharField(
        _("measured by"),
        max_length=64,
        choices=kpi_metrics.CHOICES,
        blank=True,
        help_text=_("The metric Opsbook can measure this KPI by; empty: none."),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=KpiDirection.choices, default=KpiDirection.AT_LEAST
    )
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[single_line]
    )

    class Meta(ItemPart.Meta):
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        indexes = [models.Index(fields=["metric"], name="kpi_metric_idx")]

    def __str__(self) -> str:
        return self.text or self.name

    @property
    def is_qualitative(self) -> bool:
        return self.target is None


class Checkpoint(ItemPart):
    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="checkpoints")
    content = models.ForeignKey(
        ServiceContent, models.CASCADE, null=True, blank=True, related_name="checkpoints"
    )
    due_date = models.DateField(_("date"))
    title = models.CharField(_("milestone"), max_length=200, validators=[single_line])
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due_date", "position", "id"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"{self.due_date} {self.title}"


class Resource(ItemPart):
    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="resources")
    content = models.ForeignKey(
        ServiceContent, models.CASCADE, null=True, blank=True, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    description = models.CharField(_("description"), max_length=300, validators=[single_line])

    class Meta(ItemPart.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class CustomerService(models.Model):
    """A service item a customer organisation receives: what its contacts may raise tickets on."""

    customer = models.ForeignKey(
        "accounts.Customer",
        models.CASCADE,
        related_name="services",
        verbose_name=_("customer"),
    )
    item = models.ForeignKey(
        ServiceItem,
        models.CASCADE,
        related_name="customer_services",
        verbose_name=_("service item"),
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True, validators=[single_line])

    class Meta:
        ordering = ["customer", "item"]
        verbose_name = _("customer service")
        verbose_name_plural = _("customer services")
        constraints = [
            models.UniqueConstraint(fields=["customer", "item"], name="customer_service_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="customer_service_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.item}"
