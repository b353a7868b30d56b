"""Writes for accounts: API tokens and account state. Each function is one transaction."""

import secrets
import unicodedata
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opsbook.core import clock

from .access import can_create_staff
from .choices import Role
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


def keeps_an_admin(user: User, *, role: str, active: bool, lock: bool = False) -> bool:
    """Whether Opsbook still has an active administrator once ``user`` (as stored) has ``role``
    and ``active``. ``lock`` (inside a transaction) locks the other administrators' rows, so
    two administrators cannot deactivate each other at the same time."""
    if user.pk is None or user.role != Role.ADMIN or not user.is_active:
        return True
    if active and role == Role.ADMIN:
        return True
    others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if lock:
        others = others.select_for_update()
    return bool(list(others.values_list("pk", flat=True)[:1]))


def account_change_problem(actor, user: User, *, role: str, active: bool) -> str | None:
    """Why ``actor`` may not give ``user`` this role and state (nobody deactivates their own
    account or the last active administrator's), or None."""
    if actor is not None and actor.pk == user.pk and user.is_active and not active:
        return _("You cannot deactivate your own account.")
    if not keeps_an_admin(user, role=role, active=active, lock=True):
        return _("%(name)s is the last active administrator.") % {"name": user.label}
    return None


@transaction.atomic
def do_deactivate_user(user: User, now: datetime | None = None) -> None:
    """Deactivate a user: their sessions stop working at once and for good, and their API
    tokens are revoked (reactivating them later revives neither)."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    end_access(user, now)


# --- Staff known by name only ------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@")
_USERNAME_BASE = 30  # characters of the name's ASCII form kept in a generated username


def staff_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a new staff member's display name, or None."""
    if not name.strip():
        return _("A name is required.")
    limit = User._meta.get_field("display_name").max_length or 100
    if len(name) > limit:
        return _("%(name)s… is longer than %(limit)d characters, too long for a name.") % {
            "name": name[:20],
            "limit": limit,
        }
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        return _("The name contains control characters.")
    if name.startswith(_FORMULA_STARTS):
        return _(
            "%(name)s looks like a spreadsheet formula, not a name: map it to an existing user "
            "or team, or correct the cell."
        ) % {"name": name[:40]}
    return None


def generated_username(name: str) -> str:
    """A free username for a staff member known by ``name``: its ASCII form (``zhang-wei``), else
    ``staff``, numbered when taken (``staff-2``)."""
    base = slugify(name)[:_USERNAME_BASE].strip("-_") or "staff"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken and base != "staff":
        return base
    n = 1 if base == "staff" else 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def do_create_named_staff(name: str, *, actor) -> User:
    """A staff member known so far only by name (an owner named in an imported checklist): an
    active agent with a generated username, no e-mail and an unusable password, so nobody can
    sign in as them until they are invited. Administrators and managers only (``actor`` None:
    the system). ValidationError when the name cannot be a name (``staff_name_problem``)."""
    if actor is not None and not can_create_staff(actor):
        raise PermissionDenied(_("Only administrators and managers may add staff members."))
    name = name.strip()
    problem = staff_name_problem(name)
    if problem is not None:
        raise ValidationError({"display_name": problem})
    user = User(
        username=generated_username(name),
        display_name=name,
        role=Role.AGENT,
        is_active=True,
        email="",
    )
    user.set_unusable_password()
    user.save()
    return user
