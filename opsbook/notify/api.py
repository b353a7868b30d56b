"""The notifications API, mounted at /api/notifications/.

Each block below is a router of its own, registered in ``opsbook/api.py``; routes fetch through
``access.py`` / ``access_channels.py`` (404 outside scope) and write through ``services.py`` /
``services_delivery.py``, like the pages.
"""

from datetime import datetime, time
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard

from . import access, access_channels, services, services_delivery
from .choices import Audience
from .models import Channel, Notification, Preference, Rule
from .schemas_channels import (
    DeliveryKind,
    DeliveryState,
    NotifyAllowedHostIn,
    NotifyAllowedHostOut,
    NotifyChannelIn,
    NotifyChannelOut,
    NotifyChannelPatch,
    NotifyDeliveryOut,
)

# --- The inbox, one's own preferences and the rules (inbox) ---------------------------------
#     /api/notifications/               my inbox (staff; customers' contacts get 403)
#     /api/notifications/preferences    my notification preferences
#     /api/notifications/rules          the rules (administrators and managers)

READ_ERRORS = {401: Message, 403: Message, 404: Message}
LIST_ERRORS = {401: Message, 403: Message, 422: ValidationErrors}
WRITE_ERRORS = {**READ_ERRORS, 422: ValidationErrors}

inbox_router = Router(tags=["notifications"])
inbox_router.add_decorator(
    api_guard(access.has_inbox, lambda: _("The inbox is for staff.")), mode="operation"
)
rules_router = Router(tags=["notification rules"])
rules_router.add_decorator(
    api_guard(access.can_manage_rules, lambda: _("Only managers change notification rules.")),
    mode="operation",
)


class NotificationOut(Schema):
    id: int
    event: str
    event_label: str
    title: str
    body: str
    link: str = Field(description="A path on this site, or empty.")
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_event_label(obj: Notification) -> str:
        return str(obj.get_event_display())

    @staticmethod
    def resolve_link(obj: Notification) -> str:
        return services.safe_path(obj.link)

    @staticmethod
    def resolve_unread(obj: Notification) -> bool:
        return obj.read_at is None


class NotifyUnreadCountOut(Schema):
    unread: int


class NotifyMarkedOut(Schema):
    marked: int


# A wall-clock time as people write it; the API never takes an offset (times are the site's).
HourMinute = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, e.g. 22:00.")
]


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


class NotifyPreferencesOut(Schema):
    email_enabled: bool
    muted_events: list[str]
    quiet_start: str | None = Field(description="HH:MM in the site's time zone.")
    quiet_end: str | None = Field(description="HH:MM in the site's time zone.")
    digest: bool
    digest_at: str | None = Field(description="HH:MM in the site's time zone.")
    digest_default_at: str = Field(description="When the digest comes if digest_at is empty.")
    time_zone: str = Field(description="The site's time zone, in which the times are read.")


class NotifyPreferencesPatch(Schema):
    email_enabled: bool | None = None
    muted_events: list[str] | None = Field(None, max_length=50)
    quiet_start: HourMinute | None = None
    quiet_end: HourMinute | None = None
    digest: bool | None = None
    digest_at: HourMinute | None = None


class NotifyRuleOut(Schema):
    id: int
    event: str
    audience: str
    in_app: bool
    email: bool
    channel_id: int | None
    channel: str | None
    is_active: bool

    @staticmethod
    def resolve_channel(obj: Rule) -> str | None:
        return obj.channel.name if obj.channel_id and obj.channel else None


class NotifyRuleIn(Schema):
    event: str = Field(max_length=30)
    audience: str = Field(max_length=20)
    in_app: bool = True
    email: bool = True
    channel_id: int | None = Field(None, ge=1, le=2**63 - 1)
    is_active: bool = True


class NotifyRulePatch(Schema):
    event: str | None = Field(None, max_length=30)
    audience: str | None = Field(None, max_length=20)
    in_app: bool | None = None
    email: bool | None = None
    channel_id: int | None = Field(None, ge=1, le=2**63 - 1)
    is_active: bool | None = None


class NotifyRuleTestOut(Schema):
    inbox: int
    emails: int
    chats: int


# Inbox --------------------------------------------------------------------------------------


@inbox_router.get("/", response={200: list[NotificationOut], **LIST_ERRORS})
@paginate(Pagination)
def list_notifications(request, unread: bool = False):
    """My notifications, newest first; ``unread=true`` lists only the unread ones."""
    return access.notifications_for_user(request.user, unread_only=unread)


@inbox_router.get("/unread-count", response={200: NotifyUnreadCountOut, **READ_ERRORS})
def unread_count(request):
    return {"unread": access.notifications_for_user(request.user, unread_only=True).count()}


@inbox_router.post("/read-all", response={200: NotifyMarkedOut, **READ_ERRORS})
def mark_all_read(request):
    """Mark every unread notification of mine read; answers how many."""
    return {"marked": services.do_mark_all_read(request.user, now=clock.now())}


def _preferences_out(pref: Preference) -> dict:
    return {
        "email_enabled": pref.email_enabled,
        "muted_events": list(pref.muted_events or []),
        "quiet_start": _hhmm(pref.quiet_start),
        "quiet_end": _hhmm(pref.quiet_end),
        "digest": pref.digest,
        "digest_at": _hhmm(pref.digest_at),
        "digest_default_at": _hhmm(services.default_digest_time()),
        "time_zone": timezone.get_default_timezone_name(),
    }


@inbox_router.get("/preferences", response={200: NotifyPreferencesOut, **READ_ERRORS})
def get_preferences(request):
    return _preferences_out(services.preference_for(request.user))


@inbox_router.patch("/preferences", response={200: NotifyPreferencesOut, **WRITE_ERRORS})
def update_preferences(request, payload: NotifyPreferencesPatch):
    """Change some of my preferences; fields left out keep their value. Quiet hours and the
    digest time are wall-clock times in the site's time zone."""
    current = _preferences_out(services.preference_for(request.user))
    sent = payload.model_dump(include=payload.model_fields_set)
    values = {name: sent.get(name, current[name]) for name in services.PREFERENCE_FIELDS}
    for flag in ("email_enabled", "digest"):
        if values[flag] is None:
            values[flag] = current[flag]
    if values["muted_events"] is None:
        values["muted_events"] = []
    for name in ("quiet_start", "quiet_end", "digest_at"):
        values[name] = _time(values[name])
    with as_field_errors():
        pref = services.do_save_preferences(request.user, source="api", **values)
    return _preferences_out(pref)


@inbox_router.get("/{notification_id}", response={200: NotificationOut, **READ_ERRORS})
def get_notification(request, notification_id: Id):
    return access.get_notification_for_user(request.user, notification_id)


@inbox_router.post("/{notification_id}/read", response={200: NotificationOut, **READ_ERRORS})
def mark_read(request, notification_id: Id):
    entry = access.get_notification_for_user(request.user, notification_id)
    return services.do_mark_read(request.user, entry, now=clock.now())


# My preferences -----------------------------------------------------------------------------


# Rules ----------------------------------------------------------------------------------------


def _channel(pk: int | None) -> Channel | None:
    if pk is None:
        return None
    channel = Channel.objects.filter(pk=pk).first()
    if channel is None:
        raise ValidationError({"channel": _("There is no chat channel %(id)s.") % {"id": pk}})
    return channel


RULE_RENAMED = {"channel": "channel_id"}


@rules_router.get("/", response={200: list[NotifyRuleOut], **LIST_ERRORS})
@paginate(Pagination)
def list_rules(request, event: str = ""):
    """The rules by event; ``event`` lists one event's."""
    rules = access.rules_for_user(request.user)
    return rules.filter(event=event) if event else rules


@rules_router.post("/", response={201: NotifyRuleOut, **WRITE_ERRORS})
def create_rule(request, payload: NotifyRuleIn):
    with as_field_errors(rename=RULE_RENAMED):
        values: dict[str, Any] = payload.model_dump(exclude={"channel_id"})
        rule = services.do_save_rule(
            request.user, None, channel=_channel(payload.channel_id), source="api", **values
        )
    return HttpStatus(201, access.get_rule_for_user(request.user, rule.pk))


@rules_router.get("/{rule_id}", response={200: NotifyRuleOut, **READ_ERRORS})
def get_rule(request, rule_id: Id):
    return access.get_rule_for_user(request.user, rule_id)


@rules_router.patch("/{rule_id}", response={200: NotifyRuleOut, **WRITE_ERRORS})
def update_rule(request, rule_id: Id, payload: NotifyRulePatch):
    """Change some of a rule's fields; ``channel_id: null`` clears the channel."""
    rule = access.get_rule_for_user(request.user, rule_id)
    sent = payload.model_fields_set
    values: dict[str, Any] = {
        "event": rule.event,
        "audience": rule.audience,
        "in_app": rule.in_app,
        "email": rule.email,
        "is_active": rule.is_active,
    }
    for name in values:
        if name in sent and getattr(payload, name) is not None:
            values[name] = getattr(payload, name)
    with as_field_errors(rename=RULE_RENAMED):
        if "channel_id" in sent:
            channel = _channel(payload.channel_id)
        else:  # a rule that stops being a chat group's drops its channel
            channel = rule.channel if values["audience"] == Audience.CHAT_GROUP else None
        services.do_save_rule(request.user, rule, channel=channel, source="api", **values)
    return access.get_rule_for_user(request.user, rule_id)


@rules_router.delete("/{rule_id}", response={204: None, **READ_ERRORS})
def delete_rule(request, rule_id: Id):
    services.do_delete_rule(
        request.user, access.get_rule_for_user(request.user, rule_id), source="api"
    )
    return HttpStatus(204, None)


@rules_router.post("/{rule_id}/test", response={202: NotifyRuleTestOut, **WRITE_ERRORS})
def test_rule(request, rule_id: Id):
    """Send a test message through the rule: to its chat channel, or to me by its inbox and
    e-mail flags. Answers what was queued."""
    rule = access.get_rule_for_user(request.user, rule_id)
    with as_field_errors(rename=RULE_RENAMED):
        sent = services.do_send_test(request.user, rule, now=clock.now())
    return HttpStatus(202, {"inbox": sent.inbox, "emails": sent.emails, "chats": sent.chats})


# --- end of the inbox block -------------------------------------------------------------------


# --- delivery: chat channels, deliveries, allowed hosts (delivery) -------------------------
#     /api/notifications/channels        chat channels, secrets masked (managers, administrators)
#     /api/notifications/deliveries      the outbox, "send again" (managers, administrators)
#     /api/notifications/allowed-hosts   the webhook allowlist (administrators)

channels_router = Router(tags=["notification channels"])
channels_router.add_decorator(
    api_guard(
        access_channels.can_manage_channels,
        lambda: _("Chat channels and deliveries are for managers and administrators only."),
    ),
    mode="operation",
)
hosts_router = Router(tags=["notification channels"])
hosts_router.add_decorator(
    api_guard(
        access_channels.can_manage_allowed_hosts,
        lambda: _("Only administrators change the allowed webhook hosts."),
    ),
    mode="operation",
)

CHANNEL_READ_ERRORS = {401: Message, 403: Message, 404: Message}
CHANNEL_LIST_ERRORS = {401: Message, 403: Message, 422: ValidationErrors}
CHANNEL_WRITE_ERRORS = {**CHANNEL_READ_ERRORS, 409: Message, 422: ValidationErrors}


@channels_router.get("/channels", response={200: list[NotifyChannelOut], **CHANNEL_LIST_ERRORS})
@paginate(Pagination)
def list_channels(request):
    """Chat channels by name; URLs and secrets masked."""
    return access_channels.channels_for_user(request.user)


@channels_router.post("/channels", response={201: NotifyChannelOut, **CHANNEL_WRITE_ERRORS})
def create_channel(request, payload: NotifyChannelIn):
    """Add a chat channel. The URL must pass the SSRF guard (vendor hosts over https, or a host
    an administrator allowed); URL and secret are stored encrypted and never returned."""
    with as_field_errors():
        channel = services_delivery.do_create_channel(
            request.user,
            services_delivery.ChannelInput(**payload.model_dump()),
            now=clock.now(),
            source="api",
        )
    return HttpStatus(201, channel)


@channels_router.get(
    "/channels/{channel_id}", response={200: NotifyChannelOut, **CHANNEL_READ_ERRORS}
)
def get_channel(request, channel_id: int):
    return access_channels.get_channel_for_user(request.user, channel_id)


@channels_router.patch(
    "/channels/{channel_id}", response={200: NotifyChannelOut, **CHANNEL_WRITE_ERRORS}
)
def update_channel(request, channel_id: int, payload: NotifyChannelPatch):
    channel = access_channels.get_channel_for_user(request.user, channel_id)
    sent = payload.model_dump(exclude_unset=True)
    data = services_delivery.ChannelInput(
        name=sent.get("name") or channel.name,
        kind=sent.get("kind") or channel.kind,
        url=sent.get("url") or None,
        secret=sent.get("secret") or None,
        clear_secret=bool(sent.get("clear_secret")),
        keyword=sent["keyword"] if sent.get("keyword") is not None else channel.keyword,
        rate_per_minute=sent.get("rate_per_minute", channel.rate_per_minute),
        is_active=sent["is_active"] if sent.get("is_active") is not None else channel.is_active,
    )
    with as_field_errors():
        channel = services_delivery.do_update_channel(
            request.user, channel, data, now=clock.now(), source="api"
        )
    return channel


@channels_router.delete("/channels/{channel_id}", response={204: None, **CHANNEL_WRITE_ERRORS})
def delete_channel(request, channel_id: int):
    """Delete a channel with its rules and deliveries."""
    channel = access_channels.get_channel_for_user(request.user, channel_id)
    services_delivery.do_delete_channel(request.user, channel, now=clock.now(), source="api")
    return HttpStatus(204, None)


@channels_router.post(
    "/channels/{channel_id}/test", response={202: NotifyDeliveryOut, **CHANNEL_WRITE_ERRORS}
)
def send_test(request, channel_id: int):
    """Queue a test message; read its outcome at /deliveries/{id}."""
    channel = access_channels.get_channel_for_user(request.user, channel_id)
    delivery = services_delivery.do_send_test(request.user, channel, now=clock.now())
    return HttpStatus(202, delivery)


class DeliveryFilters(Schema):
    status: DeliveryState | None = None
    kind: DeliveryKind | None = None
    channel_id: int | None = None


@channels_router.get("/deliveries", response={200: list[NotifyDeliveryOut], **CHANNEL_LIST_ERRORS})
@paginate(Pagination)
def list_deliveries(request, filters: Query[DeliveryFilters]):
    """The outbox, newest first, with each row's status, attempts and last error."""
    rows = access_channels.deliveries_for_user(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.channel_id is not None:
        rows = (
            rows.filter(channel_id=filters.channel_id)
            if 0 < filters.channel_id < 2**63
            else rows.none()
        )
    return rows


@channels_router.get(
    "/deliveries/{delivery_id}", response={200: NotifyDeliveryOut, **CHANNEL_READ_ERRORS}
)
def get_delivery(request, delivery_id: int):
    return access_channels.get_delivery_for_user(request.user, delivery_id)


@channels_router.post(
    "/deliveries/{delivery_id}/resend", response={202: NotifyDeliveryOut, **CHANNEL_WRITE_ERRORS}
)
def resend_delivery(request, delivery_id: int):
    """Send a failed delivery again (409 unless it failed)."""
    delivery = access_channels.get_delivery_for_user(request.user, delivery_id)
    delivery = services_delivery.do_resend_delivery(request.user, delivery, clock.now())
    return HttpStatus(202, delivery)


@hosts_router.get(
    "/allowed-hosts", response={200: list[NotifyAllowedHostOut], **CHANNEL_LIST_ERRORS}
)
@paginate(Pagination)
def list_allowed_hosts(request):
    return access_channels.allowed_hosts_for_user(request.user)


@hosts_router.post("/allowed-hosts", response={201: NotifyAllowedHostOut, **CHANNEL_WRITE_ERRORS})
def add_allowed_host(request, payload: NotifyAllowedHostIn):
    with as_field_errors():
        allowed = services_delivery.do_add_allowed_host(
            request.user, **payload.model_dump(), now=clock.now(), source="api"
        )
    return HttpStatus(201, allowed)


@hosts_router.delete("/allowed-hosts/{host_id}", response={204: None, **CHANNEL_WRITE_ERRORS})
def delete_allowed_host(request, host_id: int):
    allowed = access_channels.get_allowed_host_for_user(request.user, host_id)
    services_delivery.do_delete_allowed_host(request.user, allowed, now=clock.now(), source="api")
    return HttpStatus(204, None)


# --- end of delivery -------------------------------------------------------------------------
