"""The notifications API, mounted at /api/notifications/.

Each block below is a router of its own, registered in ``opsbook/api.py``; routes fetch through
the access helpers (404 outside scope) and write through the services, like the pages.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.core import clock
from opsbook.core.api import Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard

from . import access_channels, services_delivery
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
