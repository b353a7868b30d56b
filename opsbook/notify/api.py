"""The notifications API, mounted at /api/notifications/.

Each block below is a router of its own, registered in ``opsbook/api.py``; routes fetch through
``access.py`` (404 outside scope) and write through ``services.py``, like the pages.
"""

from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard

from . import access, services
from .choices import Audience
from .models import Channel, Notification, Preference, Rule

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


class NotifyPreferencesOut(Schema):
    email_enabled: bool
    muted_events: list[str]
    quiet_start: time | None
    quiet_end: time | None
    digest: bool
    digest_at: time | None
    digest_default_at: time = Field(description="When the digest comes if digest_at is empty.")
    time_zone: str = Field(description="The site's time zone, in which the times are read.")


class NotifyPreferencesPatch(Schema):
    email_enabled: bool | None = None
    muted_events: list[str] | None = Field(None, max_length=50)
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest: bool | None = None
    digest_at: time | None = None


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


@inbox_router.get("/{int:notification_id}", response={200: NotificationOut, **READ_ERRORS})
def get_notification(request, notification_id: Id):
    return access.get_notification_for_user(request.user, notification_id)


@inbox_router.post("/{int:notification_id}/read", response={200: NotificationOut, **READ_ERRORS})
def mark_read(request, notification_id: Id):
    entry = access.get_notification_for_user(request.user, notification_id)
    return services.do_mark_read(request.user, entry, now=clock.now())


# My preferences -----------------------------------------------------------------------------


def _preferences_out(pref: Preference) -> dict:
    return {
        "email_enabled": pref.email_enabled,
        "muted_events": list(pref.muted_events or []),
        "quiet_start": pref.quiet_start,
        "quiet_end": pref.quiet_end,
        "digest": pref.digest,
        "digest_at": pref.digest_at,
        "digest_default_at": services.default_digest_time(),
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
    with as_field_errors():
        pref = services.do_save_preferences(request.user, source="api", **values)
    return _preferences_out(pref)


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


@rules_router.get("/{int:rule_id}", response={200: NotifyRuleOut, **READ_ERRORS})
def get_rule(request, rule_id: Id):
    return access.get_rule_for_user(request.user, rule_id)


@rules_router.patch("/{int:rule_id}", response={200: NotifyRuleOut, **WRITE_ERRORS})
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


@rules_router.delete("/{int:rule_id}", response={204: None, **READ_ERRORS})
def delete_rule(request, rule_id: Id):
    services.do_delete_rule(
        request.user, access.get_rule_for_user(request.user, rule_id), source="api"
    )
    return HttpStatus(204, None)


@rules_router.post("/{int:rule_id}/test", response={202: NotifyRuleTestOut, **WRITE_ERRORS})
def test_rule(request, rule_id: Id):
    """Send a test message through the rule: to its chat channel, or to me by its inbox and
    e-mail flags. Answers what was queued."""
    rule = access.get_rule_for_user(request.user, rule_id)
    with as_field_errors(rename=RULE_RENAMED):
        sent = services.do_send_test(request.user, rule, now=clock.now())
    return HttpStatus(202, {"inbox": sent.inbox, "emails": sent.emails, "chats": sent.chats})


# --- end of the inbox block -------------------------------------------------------------------
