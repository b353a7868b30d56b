"""Table-wide reads of the inbox, the rules and the held outbox rows, shared by the pages, the
API, the navigation badge and the jobs."""

from datetime import datetime

from django.db.models import QuerySet

from .choices import DeliveryStatus
from .models import Delivery, Notification, Preference, Rule

# The navigation shows "99+" beyond this many unread entries.
UNREAD_BADGE_CAP = 99


def inbox_of(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """One person's inbox entries, newest first."""
    entries = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread_only:
        entries = entries.filter(read_at__isnull=True)
    return entries


def unread_count(user, *, cap: int | None = None) -> int:
    """How many entries ``user`` has not read; with ``cap``, counting stops at cap + 1: one
    cheap query on the (user, read_at) index that reads at most cap + 1 ids, however full the
    inbox (and no COUNT, which pages that promise never to count do not want)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if cap is None:
        return unread.count()
    return len(unread.values_list("pk", flat=True)[: cap + 1])


def rules_in_order() -> QuerySet[Rule]:
    return Rule.objects.select_related("channel").order_by("event", "audience", "id")


def held_due(now: datetime) -> QuerySet[Delivery]:
    """E-mails held for quiet hours whose hours are over."""
    return Delivery.objects.filter(status=DeliveryStatus.HELD, next_attempt_at__lte=now)


def digest_readers() -> QuerySet[Preference]:
    """The preferences of active people who asked for the daily digest and can get e-mail."""
    return (
        Preference.objects.filter(digest=True, email_enabled=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )


def waiting_for_digest(user, since: datetime | None, until: datetime) -> QuerySet[Notification]:
    """Unread inbox entries of ``user`` no digest has listed yet, oldest first."""
    entries = Notification.objects.filter(
        user=user, read_at__isnull=True, digested_at__isnull=True, created_at__lte=until
    )
    if since is not None:
        entries = entries.filter(created_at__gt=since)
    return entries.order_by("created_at", "id")
