"""The inbox link and its unread badge on the navigation: one cheap query (a count capped at
100 on the (user, read_at) index), made only when a page shows the navigation."""

from django.utils.functional import SimpleLazyObject

from . import access
from .querysets import UNREAD_BADGE_CAP, unread_count


def _badge(user) -> str:
    count = unread_count(user, cap=UNREAD_BADGE_CAP)
    if count > UNREAD_BADGE_CAP:
        return f"{UNREAD_BADGE_CAP}+"
    return str(count) if count else ""


def inbox(request):
    user = getattr(request, "user", None)
    if not access.has_inbox(user):
        return {"nav_inbox": False}
    return {
        "nav_inbox": True,
        "nav_unread": SimpleLazyObject(lambda: _badge(user)),
        "nav_notify_rules": access.can_manage_rules(user),
    }
