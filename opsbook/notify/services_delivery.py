"""Writes of the delivery half of notify: chat channels, the webhook allowlist, test messages
and "send again". Each is one transaction, checks the actor's permission through
``access_channels``, audits the change, and starts the outbox worker after commit when it
queued something."""

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.audit.models import Action
from opsbook.audit.services import diff, record
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import require
from opsbook.core.text import has_control_characters
from opsbook.jobs.claims import claim_update

from . import secrets, ssrf
from .access_channels import can_manage_allowed_hosts, can_manage_channels
from .choices import ChannelKind, DeliveryStatus, Event
from .jobs import send_outbox
from .models import AllowedHost, Channel, Delivery

CHAT_KINDS = [k for k in ChannelKind.values if k != ChannelKind.EMAIL]
# The vendor host(s) each chat kind's URL is on, when it is on a vendor host at all.
KIND_HOSTS: dict[str, set[str]] = {
    ChannelKind.WECOM: {"qyapi.weixin.qq.com"},
    ChannelKind.DINGTALK: {"oapi.dingtalk.com"},
    ChannelKind.FEISHU: {"open.feishu.cn", "open.larksuite.com"},
    ChannelKind.SLACK: {"hooks.slack.com"},
    ChannelKind.WEBHOOK: set(),
}
SIGNED_KINDS = {ChannelKind.DINGTALK, ChannelKind.FEISHU, ChannelKind.WEBHOOK}
MAX_SECRET_LENGTH = 200


@dataclass
class ChannelInput:
    """What a page or the API sends. ``url`` and ``secret`` None (or blank) mean "keep";
    ``clear_secret`` removes the signing secret."""

    name: str
    kind: str
    url: str | None = None
    secret: str | None = None
    clear_secret: bool = False
    keyword: str = ""
    rate_per_minute: int | None = None
    is_active: bool = True


def _snapshot(channel: Channel) -> dict:
    return {
        "name": channel.name,
        "kind": channel.kind,
        "url": secrets.masked_channel_url(channel),
        "secret": secrets.masked_channel_secret(channel),
        "keyword": channel.keyword,
        "rate_per_minute": channel.rate_per_minute,
        "is_active": channel.is_active,
    }


def validate_channel_url(kind: str, url: str) -> None:
    """``ValidationError`` on ``url`` unless the SSRF guard accepts it (form only: names are
    resolved when sending) and it is on the vendor's host for a vendor kind."""
    try:
        target = ssrf.check_url(url, resolve=False)
    except ssrf.UnsafeURL as exc:
        raise ValidationError({"url": str(exc)}) from None
    hosts = KIND_HOSTS.get(kind, set())
    if target.host in ssrf.VENDOR_HOSTS and target.host not in hosts:
        raise ValidationError(
            {
                "url": _("%(host)s is not where a %(kind)s channel sends.")
                % {"host": target.host, "kind": ChannelKind(kind).label}
            }
        )
    if kind == ChannelKind.WECOM and target.host in hosts and "key=" not in url:
        raise ValidationError({"url": _("A WeCom robot URL ends with ?key=… (copy it whole).")})
    if kind == ChannelKind.DINGTALK and target.host in hosts and "access_token=" not in url:
        raise ValidationError(
            {"url": _("A DingTalk robot URL ends with ?access_token=… (copy it whole).")}
        )


def _validate(data: ChannelInput, channel: Channel | None) -> tuple[str | None, str | None]:
    """Check ``data``; returns the new URL and secret to store (None: keep)."""
    errors: dict[str, str] = {}
    for field in ("name", "url", "secret", "keyword"):
        if has_control_characters(getattr(data, field) or ""):
            errors[field] = _("Line breaks, tabs and other control characters are not allowed.")
    if errors:
        raise ValidationError(errors)
    name = data.name.strip()
    others = (
        Channel.objects.exclude(pk=channel.pk) if channel is not None else Channel.objects.all()
    )
    if not name:
        errors["name"] = _("Give the channel a name.")
    elif others.filter(name=name).exists():
        errors["name"] = _("A channel with this name exists.")
    if data.kind not in CHAT_KINDS:
        errors["kind"] = _("Choose a chat service.")
    url = (data.url or "").strip() or None
    if url is None and channel is None:
        errors["url"] = _("Enter the webhook URL.")
    secret = (data.secret or "").strip() or None
    if secret is not None:
        if data.kind not in SIGNED_KINDS:
            errors["secret"] = _("This service has no signing secret: leave it empty.")
        elif len(secret) > MAX_SECRET_LENGTH:
            errors["secret"] = _("The secret is too long.")
        elif data.kind == ChannelKind.DINGTALK and not secret.startswith("SEC"):
            errors["secret"] = _("A DingTalk signing secret (加签) starts with SEC.")
    if data.rate_per_minute is not None and not 1 <= data.rate_per_minute <= 10000:
        errors["rate_per_minute"] = _("Between 1 and 10,000 messages a minute, or empty.")
    if len(data.keyword) > 50:
        errors["keyword"] = _("At most 50 characters.")
    if errors:
        raise ValidationError(errors)
    check = url
    if check is None and channel is not None:
        try:
            check = secrets.channel_url(channel)
        except secrets.SecretUnreadable as exc:
            raise ValidationError({"url": str(exc)}) from None
    if check is not None and data.kind in CHAT_KINDS:
        validate_channel_url(data.kind, check)
    return url, secret


def _apply(channel: Channel, data: ChannelInput, url: str | None, secret: str | None) -> None:
    channel.name = data.name.strip()
    channel.kind = data.kind
    channel.keyword = data.keyword.strip()
    channel.rate_per_minute = data.rate_per_minute
    channel.is_active = data.is_active
    if url is not None:
        secrets.store_url(channel, url)
    if secret is not None:
        secrets.store_secret(channel, secret)
    elif data.clear_secret or data.kind not in SIGNED_KINDS:
        channel.secret_encrypted = ""


@transaction.atomic
def do_create_channel(actor, data: ChannelInput, *, now: datetime, source: str = "web") -> Channel:
    require(can_manage_channels(actor))
    url, secret = _validate(data, None)
    channel = Channel(created_at=now)
    _apply(channel, data, url, secret)
    channel.save()
    record(
        actor=actor, action=Action.CREATE, obj=channel, changes=_snapshot(channel), source=source
    )
    return channel


@transaction.atomic
def do_update_channel(
    actor, channel: Channel, data: ChannelInput, *, now: datetime, source: str = "web"
) -> Channel:
    require(can_manage_channels(actor))
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    before = _snapshot(channel)
    url, secret = _validate(data, channel)
    _apply(channel, data, url, secret)
    channel.save()
    after = _snapshot(channel)
    if url is not None and after["url"] == before["url"]:
        after["url"] = f"{after['url']} ({_('new')})"
    if secret is not None and after["secret"] == before["secret"]:
        after["secret"] = f"{after['secret']} ({_('new')})"
    record(
        actor=actor, action=Action.UPDATE, obj=channel, changes=diff(before, after), source=source
    )
    return channel


@transaction.atomic
def do_delete_channel(actor, channel: Channel, *, now: datetime, source: str = "web") -> None:
    """Delete a channel (its rules and deliveries go with it: the models cascade)."""
    require(can_manage_channels(actor))
    record(
        actor=actor, action=Action.DELETE, obj=channel, changes=_snapshot(channel), source=source
    )
    channel.delete()


def _start_worker() -> None:
    transaction.on_commit(send_outbox.enqueue)


@transaction.atomic
def do_send_test(actor, channel: Channel, *, now: datetime) -> Delivery:
    """Queue a test message to ``channel`` and start the worker after commit; the page shows
    the delivery's outcome when it has one."""
    require(can_manage_channels(actor))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Test message from Opsbook")
        body = _("If you can read this, the channel %(name)s works. Sent by %(who)s.") % {
            "name": channel.name,
            "who": getattr(actor, "label", str(actor)),
        }
    delivery = Delivery.objects.create(
        key=f"test:{channel.pk}:{uuid.uuid4().hex}",
        event=Event.TEST,
        kind=channel.kind,
        channel=channel,
        subject=subject,
        body=body,
        link=settings.OPSBOOK_BASE_URL + reverse("notify:channels"),
        next_attempt_at=now,
        created_at=now,
    )
    _start_worker()
    return delivery


@transaction.atomic
def do_resend_delivery(actor, delivery: Delivery, now: datetime) -> Delivery:
    """Send a failed delivery again: back to ``pending`` with a fresh count of attempts.
    Only failed rows: a row still being tried or already sent is a conflict."""
    require(can_manage_channels(actor))
    done = claim_update(
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED),
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        claimed_at=None,
        claimed_by="",
        last_error="",
    )
    if not done:
        raise ConflictError(_("Only a failed delivery can be sent again."))
    delivery.refresh_from_db()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=delivery,
        changes={"status": [DeliveryStatus.FAILED.value, DeliveryStatus.PENDING.value]},
    )
    _start_worker()
    return delivery


# --- the allowlist ----------------------------------------------------------------------------


def normalise_host(raw: str) -> str:
    """A host as the guard compares it: lower case, IDNA, no port, no trailing dot; a URL
    pasted whole gives its host."""
    value = raw.strip()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.strip("[]").rstrip(".")
    try:
        return value.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValidationError({"host": _("This is not a valid host name.")}) from None


@transaction.atomic
def do_add_allowed_host(
    actor, *, host: str, allow_private: bool, note: str, now: datetime, source: str = "web"
) -> AllowedHost:
    require(can_manage_allowed_hosts(actor), _("Only administrators change the allowlist."))
    if has_control_characters(host) or has_control_characters(note):
        raise ValidationError(
            {"host": _("Line breaks, tabs and other control characters are not allowed.")}
        )
    name = normalise_host(host)
    bad_chars = any(c in name for c in "/?#@ :") and not _is_ipv6(name)
    if not name or len(name) > 253 or bad_chars:
        raise ValidationError(
            {"host": _("Enter a host name or an IP address, like hooks.example.com.")}
        )
    if name in ssrf.VENDOR_HOSTS:
        raise ValidationError({"host": _("The chat vendors' hosts are always allowed.")})
    if AllowedHost.objects.filter(host=name).exists():
        raise ValidationError({"host": _("This host is already allowed.")})
    allowed = AllowedHost.objects.create(
        host=name, allow_private=allow_private, note=note.strip()[:200], created_at=now
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=allowed,
        changes={"host": name, "allow_private": allow_private},
        source=source,
    )
    return allowed


def _is_ipv6(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).version == 6
    except ValueError:
        return False


@transaction.atomic
def do_delete_allowed_host(
    actor, allowed: AllowedHost, *, now: datetime, source: str = "web"
) -> None:
    require(can_manage_allowed_hosts(actor), _("Only administrators change the allowlist."))
    record(
        actor=actor,
        action=Action.DELETE,
        obj=allowed,
        changes={"host": allowed.host, "allow_private": allowed.allow_private},
        source=source,
    )
    allowed.delete()
