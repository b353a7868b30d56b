"""Notifications: the in-app inbox, chat channels, the rules that route events, each person's
preferences, and the durable outbox of deliveries (one row per message per destination).

An outbox row (``Delivery``) is written in the same transaction as the change that causes it;
the worker sends it later, with retries, and records the outcome. Nothing is sent from a
request."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Audience, ChannelKind, DeliveryStatus, Event


class AllowedHost(models.Model):
    """A webhook host an administrator allows besides the vendors' own (the SSRF guard refuses
    every other host, and private addresses unless listed here)."""

    host = models.CharField(_("host"), max_length=253, unique=True)
    allow_private = models.BooleanField(
        _("allow private addresses"),
        default=False,
        help_text=_("Allow this host even when it resolves to a private or loopback address."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["host"]
        verbose_name = _("allowed webhook host")
        verbose_name_plural = _("allowed webhook hosts")

    def __str__(self) -> str:
        return self.host


class Channel(models.Model):
    """A chat destination (a group robot, a bot, a webhook). E-mail needs no channel row: it
    goes to each person's address."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    url = models.CharField(_("webhook URL"), max_length=1000, blank=True)
    # Encrypted at rest (notify/secrets.py); never shown in full after it is saved.
    secret_encrypted = models.TextField(blank=True, editable=False)
    url_encrypted = models.BooleanField(default=False, editable=False)
    keyword = models.CharField(
        _("keyword"),
        max_length=50,
        blank=True,
        help_text=_("DingTalk/Feishu security keyword added to every message, if the bot has one."),
    )
    rate_per_minute = models.PositiveSmallIntegerField(
        _("messages per minute"),
        null=True,
        blank=True,
        help_text=_("Empty: the vendor's limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """Which event reaches whom, through which channels."""

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    audience = models.CharField(_("who"), max_length=20, choices=Audience.choices)
    in_app = models.BooleanField(_("inbox"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    channel = models.ForeignKey(
        Channel,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("chat channel"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["event", "audience", "id"]
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience=Audience.CHAT_GROUP) | Q(channel__isnull=False),
                name="notify_rule_chat_group_has_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.get_audience_display()}"


class Preference(models.Model):
    """One person's choices: events they do not want by e-mail, quiet hours, the daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notify_preference"
    )
    email_enabled = models.BooleanField(_("e-mail me"), default=True)
    muted_events = models.JSONField(_("muted events"), default=list, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("One e-mail a day with everything, instead of one e-mail per event."),
    )
    digest_at = models.TimeField(_("digest time"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Notification(models.Model):
    """An inbox entry of one person. ``key`` names what it is about so a job that runs twice
    notifies once (unique per user)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)  # a path on this site
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notify_one_notification_per_key")
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notify_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message to one destination: the outbox row. ``key`` is unique so the same message is
    never queued twice for the same destination, whoever writes it and however often."""

    key = models.CharField(max_length=250, unique=True)
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    kind = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    channel = models.ForeignKey(
        Channel,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("chat channel"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    notification = models.ForeignKey(
        Notification, models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    html = models.TextField(blank=True)
    link = models.CharField(_("link"), max_length=1000, blank=True)  # absolute URL
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=200, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_due_idx"),
            # The deliveries page and API list newest first, and pruning reads by age.
            models.Index(fields=["-created_at", "-id"], name="notify_delivery_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"
