"""Who may do what with surveys. Lookups outside a user's scope raise Http404.

* Administrators and managers create surveys and campaigns and send them.
* Every staff member reads surveys, campaigns and their results.
* A customer contact sees only their own invitations (in the portal).
"""

from django.db.models import QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.tickets.access import is_customer

from .models import Campaign, Invitation, Survey


def can_manage_surveys(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_read_surveys(user) -> bool:
    return is_staff_member(user)


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def get_survey_for_user(user, pk) -> Survey:
    if not can_read_surveys(user):
        raise Http404
    return _get(Survey.objects.all(), pk)


def get_campaign_for_user(user, pk) -> Campaign:
    if not can_read_surveys(user):
        raise Http404
    return _get(Campaign.objects.select_related("survey"), pk)


def invitations_of(user) -> QuerySet[Invitation]:
    """A customer contact's own invitations (nobody else has any here)."""
    if not is_customer(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(contact=user, customer_id=user.customer_id)


def get_invitation_for_contact(user, pk) -> Invitation:
    return _get(invitations_of(user).select_related("campaign__survey"), pk)
