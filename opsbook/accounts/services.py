"""Writes for accounts: API tokens and account state. Each function is one transaction."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction

from opsbook.core import clock

from .models import ApiToken, User

# Writing last_used_at on every request would turn every API read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=5)


@transaction.atomic
def do_create_api_token(user: User, *, name: str = "", expires_at=None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the raw token, which is never stored."""
    if not user.is_active:
        raise ValueError("cannot create a token for an inactive user")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=ApiToken.hash(raw),
        hint=raw[: len(ApiToken.PREFIX) + 4],
        expires_at=expires_at,
    )
    return token, raw


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, expired, inactive)."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.hash(raw)).first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def do_revoke_api_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())


def end_access(user: User, now: datetime | None = None) -> None:
    """Revoke every API token of ``user`` and sign out every session they have, for good: the
    tokens keep their ``revoked_at`` and the sessions' hash no longer matches the new stamp,
    so a later reactivation revives neither. Called inside the deactivating transaction,
    wherever the deactivation happens (services, the import, the admin site via the receiver
    in ``receivers.py``)."""
    ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
        revoked_at=clock.or_now(now)
    )
    user.session_stamp = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_stamp=user.session_stamp)


@transaction.atomic
def do_deactivate_user(user: User, now: datetime | None = None) -> None:
    """Deactivate a user: their sessions stop working at once and for good, and their API
    tokens are revoked (reactivating them later revives neither)."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    end_access(user, now)
