"""One-time rating links. Only a SHA-256 digest of each token is stored."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import SatisfactionRequest, Ticket


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_request(ticket: Ticket, *, sent_to: str = "") -> str:
    """A fresh link token for ``ticket``; the caller sends it and forgets it."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    SatisfactionRequest.objects.create(
        ticket=ticket,
        digest=digest(token),
        sent_to=sent_to,
        created_at=now,
        expires_at=now + timedelta(days=settings.OPSBOOK_SATISFACTION_LINK_DAYS),
    )
    return token


def request_for_token(token: str) -> SatisfactionRequest | None:
    """The unused, unexpired request behind a link token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        SatisfactionRequest.objects.select_related("ticket")
        .filter(digest=digest(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
