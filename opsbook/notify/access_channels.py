"""Who may manage chat channels, deliveries and the webhook allowlist (pages, API, services).
Managers and administrators manage channels and deliveries; only administrators decide which
hosts besides the chat vendors' a webhook may call (that is the SSRF guard's door)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from opsbook.accounts.access import is_admin, is_staff_member
from opsbook.accounts.choices import Role
from opsbook.core.api import BIGINT_MAX

from .models import AllowedHost, Channel, Delivery


def can_manage_channels(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_manage_allowed_hosts(user) -> bool:
    return is_admin(user)


def is_hidden_from(user) -> bool:
    """Customers (and anyone not on the staff) do not see that these pages exist."""
    return not is_staff_member(user)


def channels_for_user(user):
    return Channel.objects.all() if can_manage_channels(user) else Channel.objects.none()


def deliveries_for_user(user):
    if not can_manage_channels(user):
        return Delivery.objects.none()
    return Delivery.objects.all()


def allowed_hosts_for_user(user):
    return (
        AllowedHost.objects.all() if can_manage_allowed_hosts(user) else AllowedHost.objects.none()
    )


def _valid(pk: int) -> int:
    if not isinstance(pk, int) or not 1 <= pk <= BIGINT_MAX:
        raise Http404
    return pk


def get_channel_for_user(user, pk: int) -> Channel:
    _valid(pk)
    return get_object_or_404(channels_for_user(user), pk=pk)


def get_delivery_for_user(user, pk: int) -> Delivery:
    _valid(pk)
    return get_object_or_404(
        deliveries_for_user(user).select_related("channel", "recipient"), pk=pk
    )


def get_allowed_host_for_user(user, pk: int) -> AllowedHost:
    _valid(pk)
    return get_object_or_404(allowed_hosts_for_user(user), pk=pk)
