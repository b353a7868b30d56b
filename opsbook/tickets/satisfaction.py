"""One-time rating links. Only a SHA-256 digest of each token is stored."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings

from opsbook.core import clock

from .models import SatisfactionRequest, Ticket


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_request(ticket: Ticket, *, sent_to: str = "", now: datetime | None = None) -> str:
    """A fresh link token for ``ticket``, made at ``now``; the caller sends it and forgets it."""
    token = secrets.token_urlsafe(32)
    now = clock.or_now(now)
    SatisfactionRequest.objects.create(
        ticket=ticket,
        digest=digest(token),
        sent_to=sent_to,
        created_at=now,
        expires_at=now + timedelta(days=settings.OPSBOOK_SATISFACTION_LINK_DAYS),
    )
    return token


def request_for_token(token: str, now: datetime | None = None) -> SatisfactionRequest | None:
    """The request behind a link token if it is unused and unexpired at ``now``, or None."""
    if not token or len(token) > 100:
        return None
    return (
        SatisfactionRequest.objects.select_related("ticket")
        .filter(digest=digest(token), used_at__isnull=True, expires_at__gt=clock.or_now(now))
        .first()
    )
