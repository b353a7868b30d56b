"""Tickets and feedback (runtime), their timeline, comments, attachments and SLA results.

The status machine is declared once (``TRANSITIONS``); every change goes through
``services``, which records a ``TicketEvent`` per status change. The SLA clocks are rebuilt
from those events (``sla.py``) and their results are stored on the ticket when events happen,
so lists and reports read columns instead of walking calendars.
"""

import uuid
from datetime import datetime, timedelta, tzinfo
from pathlib import PurePath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.catalog.choices import Channel, Priority, TimeBasis
from opsbook.core import clock

from .choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    EventKind,
    ExportFormat,
    ExportState,
    FollowUpMethod,
    FollowUpReason,
    Source,
    Status,
    TicketType,
)
from .querysets import FollowUpTaskQuerySet, TicketQuerySet

# Which status may follow which. Reopening (resolved/closed → in progress) is further limited
# to the reopen window (``Ticket.can_reopen``); cancelled is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.ACKNOWLEDGED: frozenset(
        {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED, Status.CANCELLED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELLED: frozenset(),
}
REOPEN_FROM = frozenset({Status.RESOLVED, Status.CLOSED})


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="tag_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class DefaultTarget(models.Model):
    """The organisation's own response and resolution targets for a ticket type and priority.

    They measure a ticket when the checklist sets no service standard for its service, channel
    and priority (or the ticket names no service), so every ticket has a clock unless a manager
    deliberately leaves both targets empty. Counted on the default business calendar.
    """

    type = models.CharField(_("type"), max_length=15, choices=TicketType.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("response within (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True
    )
    time_basis = models.CharField(
        _("counted in"), max_length=10, choices=TimeBasis.choices, default=TimeBasis.BUSINESS
    )
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
        ordering = ["type", "priority"]
        verbose_name = _("default SLA target")
        verbose_name_plural = _("default SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["type", "priority"], name="default_target_unique"),
            models.CheckConstraint(
                condition=Q(response_minutes__isnull=True) | Q(response_minutes__gt=0),
                name="default_target_response_positive",
            ),
            models.CheckConstraint(
                condition=Q(resolution_minutes__isnull=True) | Q(resolution_minutes__gt=0),
                name="default_target_resolution_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} · {self.get_priority_display()}"

    @property
    def has_target(self) -> bool:
        return self.response_minutes is not None or self.resolution_minutes is not None


class Ticket(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(
        _("type"), max_length=15, choices=TicketType.choices, default=TicketType.CONSULTATION
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.NEW
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("service item"),
    )
    content = models.ForeignKey(
        "catalog.ServiceContent",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("service content"),
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("customer"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_tickets",
        verbose_name=_("contact"),
    )
    requester_name = models.CharField(_("requester name"), max_length=100, blank=True)
    requester_email = models.EmailField(_("requester e-mail"), blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=40, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="watched_tickets",
        verbose_name=_("watchers"),
    )
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The number in the system or spreadsheet the ticket was imported from."),
    )
    source = models.CharField(
        _("source"), max_length=15, choices=Source.choices, default=Source.WEB
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    root_cause = models.TextField(
        _("root cause"), blank=True, help_text=_("Required before a complaint can be closed.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # --- SLA results, stored when events happen (see sla.py) ---------------------------------
    sla_standard = models.ForeignKey(
        "catalog.ServiceStandard",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service standard"),
    )
    # Set instead of ``sla_standard`` when the organisation's default targets measure the ticket.
    sla_default = models.ForeignKey(
        DefaultTarget,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default SLA target"),
    )
    sla_calendar = models.ForeignKey(
        "calendars.Calendar",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("calendar"),
    )
    sla_calendar_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    sop_run = models.OneToOneField(
        "sops.Run",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
        verbose_name=_("procedure"),
    )
    sla_time_basis = models.CharField(
        _("counted in"), max_length=10, choices=TimeBasis.choices, blank=True
    )
    response_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # When the warning share of each target is used up (for "at risk" filters).
    response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    paused_business_seconds = models.PositiveIntegerField(default=0)
    response_breached = models.BooleanField(_("response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    calendar_incomplete = models.BooleanField(_("calendar incomplete"), default=False)
    sla_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The next instant at which a warning or breach must be noticed (the SLA job's queue).
    sla_next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    # --- satisfaction: entered by the customer only, never filled in automatically -----------
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("satisfaction comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="ticket_title_not_empty"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="ticket_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="ticket_status_idx"),
            models.Index(fields=["customer", "-created_at", "-id"], name="ticket_customer_idx"),
            models.Index(fields=["team", "-created_at", "-id"], name="ticket_team_idx"),
            models.Index(fields=["assignee", "-created_at", "-id"], name="ticket_assignee_idx"),
            models.Index(fields=["item", "-created_at", "-id"], name="ticket_item_idx"),
            # The open queue is a few percent of all tickets: partial indexes keep its views
            # fast however many closed tickets pile up behind it.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="ticket_open_created_idx",
            ),
            models.Index(
                fields=["team", "-created_at", "-id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="ticket_open_team_idx",
            ),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["resolution_due_at", "id"], name="ticket_resolution_due_idx"),
            # The metrics count by these instants (resolutions, first replies in a period).
            models.Index(fields=["resolved_at"], name="ticket_resolved_idx"),
            models.Index(fields=["first_response_at"], name="ticket_first_response_idx"),
            models.Index(fields=["response_due_at", "id"], name="ticket_response_due_idx"),
            models.Index(
                fields=["sla_next_check_at"],
                condition=Q(sla_next_check_at__isnull=False),
                name="ticket_sla_check_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"#{self.pk}" if self.pk else "#"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    def sla_calendar_tz(self) -> tzinfo:
        """The time zone due times are shown in (the calendar's, else the site's)."""
        calendar = self.sla_calendar
        if calendar is not None:
            return ZoneInfo(calendar.time_zone)
        return timezone.get_default_timezone()

    def reopen_deadline(self) -> datetime | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at + timedelta(days=settings.OPSBOOK_TICKET_REOPEN_DAYS)

    def can_reopen(self, now: datetime | None = None) -> bool:
        deadline = self.reopen_deadline()
        now = clock.or_now(now)
        return self.status in REOPEN_FROM and deadline is not None and now <= deadline

    def allowed_transitions(self, now: datetime | None = None) -> list[str]:
        """Statuses this ticket may move to now (reopen only inside its window)."""
        allowed = []
        for status in TRANSITIONS[self.status]:
            reopening = self.status in REOPEN_FROM and status == Status.IN_PROGRESS
            if reopening and not self.can_reopen(now):
                continue
            allowed.append(status)
        return [s for s in Status.values if s in allowed]

    def can_transition_to(self, status: str, now: datetime | None = None) -> bool:
        return status in self.allowed_transitions(now)

    @property
    def record_is_final(self) -> bool:
        """A closed complaint's root cause and follow-up visits are its record: read-only, and
        changed afterwards only by a manager's recorded correction (until it is reopened)."""
        return self.type == TicketType.COMPLAINT and self.status == Status.CLOSED

    def closing_blockers(self) -> list[str]:
        """Why this ticket may not be closed yet (complaints need a root cause and a 回访)."""
        if self.type != TicketType.COMPLAINT:
            return []
        missing = []
        if not self.root_cause.strip():
            missing.append(str(_("A complaint needs a root-cause note before it can close.")))
        if not self.follow_ups.exists():
            missing.append(
                str(_("A complaint needs a follow-up visit (回访) record before it can close."))
            )
        return missing


class TicketEvent(models.Model):
    """One line of the ticket's timeline. Status events are the history the clocks rebuild."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Shown to the customer in the portal (status changes, public replies), or staff-only.
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="ticket_event_idx"),
            # The metrics count status changes in a period (resolutions, reopenings).
            models.Index(fields=["kind", "at"], name="ticket_event_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    """A public reply (the customer sees it) or an internal note (staff only)."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("author name"), max_length=100, blank=True)
    body = models.TextField(_("text"))
    is_public = models.BooleanField(_("public reply"), default=True)
    by_customer = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_idx")]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is random; the user's file name lives only in the database.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.id.hex[:2]}/{instance.id.hex}{suffix}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(_("visible to the customer"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """A follow-up visit (回访) after a complaint or incident: how, by whom, and the outcome."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    method = models.CharField(_("method"), max_length=10, choices=FollowUpMethod.choices)
    outcome = models.TextField(_("outcome"))
    customer_satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            models.CheckConstraint(condition=~Q(outcome=""), name="follow_up_outcome_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_method_display()} {self.at:%Y-%m-%d}"


class FollowUpTask(models.Model):
    """A follow-up visit (回访) someone owes: after a complaint (or a type the settings name) is
    resolved, or after a rating of 1 or 2. Done when its ``follow_up`` is recorded. One per
    ticket and reason and round (``round`` counts reopen/resolve cycles and new ratings)."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="follow_up_tasks")
    reason = models.CharField(_("why"), max_length=12, choices=FollowUpReason.choices)
    round = models.PositiveSmallIntegerField(default=1, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due"))
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    follow_up = models.ForeignKey(
        FollowUp,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("follow-up visit"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up to do")
        verbose_name_plural = _("follow-ups to do")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "reason", "round"], name="tickets_one_follow_up_task_per_round"
            )
        ]
        indexes = [models.Index(fields=["owner", "done_at", "due_at"], name="followup_task_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_reason_display()} {self.due_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.due_at < now


class TypeProcedure(models.Model):
    """The SOP a new ticket of a type follows."""

    type = models.CharField(_("type"), max_length=15, choices=TicketType.choices, unique=True)
    procedure = models.ForeignKey(
        "sops.Procedure", models.CASCADE, related_name="ticket_types", verbose_name=_("procedure")
    )

    class Meta:
        ordering = ["type"]
        verbose_name = _("procedure of a ticket type")
        verbose_name_plural = _("procedures of ticket types")

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.procedure}"


class SatisfactionRequest(models.Model):
    """A one-time link that lets the customer rate a resolved ticket. Only a digest is kept."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="satisfaction_requests")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    sent_to = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("satisfaction request")
        verbose_name_plural = _("satisfaction requests")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.created_at:%Y-%m-%d}"


class SavedFilter(models.Model):
    """A named ticket-list query of one user (the query string, re-validated on every use)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_ticket_filters"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="saved_filter_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


__all__ = [
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "REOPEN_FROM",
    "TRANSITIONS",
    "Attachment",
    "Comment",
    "DefaultTarget",
    "EventKind",
    "FollowUp",
    "FollowUpTask",
    "SatisfactionRequest",
    "SavedFilter",
    "Tag",
    "Ticket",
    "TicketEvent",
    "TypeProcedure",
]


def export_path(instance: "ExportJob", filename: str) -> str:
    # Private: under MEDIA_ROOT, never served by the web server; a random name.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"exports/{instance.id.hex[:2]}/{instance.id.hex}{suffix}"


class ExportJob(models.Model):
    """A large ticket export running in the background (``export.py``): the filters as the
    user saw them, its progress, and the file only its owner downloads until it expires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="ticket_exports",
        verbose_name=_("owner"),
    )
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState, default=ExportState.QUEUED
    )
    time_zone = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket export")
        verbose_name_plural = _("ticket exports")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_idx"),
            models.Index(fields=["expires_at"], name="export_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.format} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED, ExportState.EXPIRED)

    def is_downloadable(self, now: datetime) -> bool:
        return self.state == ExportState.DONE and bool(self.file) and now < self.expires_at
