"""Who may see and change goals. Staff read every goal (a goal is an organisation's
commitment); administrators and managers create and edit them; a goal's owner may add notes to
its checkpoints. Customer contacts never see goals (404 on pages, 403 on the API)."""

from django.db.models import QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role

from .models import Goal


def can_view_goals(user) -> bool:
    return is_staff_member(user)


def can_manage_goals(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_edit_goal(user, goal: Goal) -> bool:
    """Goals mirrored from a checklist KPI are edited in the checklist, never here."""
    return can_manage_goals(user) and not goal.is_from_checklist


def can_note_checkpoint(user, goal: Goal) -> bool:
    return can_manage_goals(user) or (is_staff_member(user) and goal.owner_id == user.pk)


def goals_for_user(user) -> QuerySet[Goal]:
    if not can_view_goals(user):
        return Goal.objects.none()
    return Goal.objects.all()


def get_goal_for_user(user, pk) -> Goal:
    try:
        return goals_for_user(user).select_related("owner", "kpi").get(pk=pk)
    except (Goal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
