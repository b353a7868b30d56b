"""Writes for accounts: API tokens and account state. Each function is one transaction."""

from datetime import timedelta

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


@transaction.atomic
def do_deactivate_user(user: User) -> None:
    """Deactivate a user: their sessions stop working at once (ModelBackend refuses inactive
    users on every request) and their API tokens are revoked."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
