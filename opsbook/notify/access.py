"""Who may use the inbox, the preferences and the rules, and the scoped lookups the pages and
the API share.

Decision (issue 9): the inbox is for staff. Customers' contacts have no inbox for now (the
portal shows them their requests); the inbox and preference pages do not exist for them (404)
and the API answers 403. Rules are for administrators and operations managers.
"""

from django.db.models import QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role

from .models import Channel, Notification, Rule
from .querysets import inbox_of, rules_in_order


def has_inbox(user) -> bool:
    """Every active member of staff has an inbox and notification preferences."""
    return is_staff_member(user)


def is_hidden_from(user) -> bool:
    """The notification pages do not exist for customers' contacts (404, not 403)."""
    return not is_staff_member(user)


def can_manage_rules(user) -> bool:
    """Add, change, delete and test notification rules: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def notifications_for_user(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own inbox; nobody ever sees another person's entries."""
    if not has_inbox(user):
        return Notification.objects.none()
    return inbox_of(user, unread_only=unread_only)


def get_notification_for_user(user, pk: int) -> Notification:
    """One of the user's own entries; 404 for anyone else's (and for ids out of range)."""
    if not 1 <= pk <= 2**63 - 1:
        raise Http404
    entry = notifications_for_user(user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def rules_for_user(user) -> QuerySet[Rule]:
    if not can_manage_rules(user):
        return Rule.objects.none()
    return rules_in_order()


def get_rule_for_user(user, pk: int) -> Rule:
    if not 1 <= pk <= 2**63 - 1:
        raise Http404
    rule = rules_for_user(user).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def channels_for_rules() -> QuerySet[Channel]:
    """The chat channels a rule may name: the active ones."""
    return Channel.objects.filter(is_active=True).order_by("name")
