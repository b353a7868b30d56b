"""Who may see and change problems and improvement actions.

* Staff (administrators, managers, agents, viewers) read every problem and action: they are
  the organisation's shared record of what keeps going wrong.
* Administrators and managers create and edit everything.
* Agents raise problems from tickets they can see, and edit the problems and actions they own
  (an action also belongs to the owner of its problem).
* Viewers only read. Customer contacts never see them (404 on pages, 403 on the API).

Tickets are always looked up through ``tickets.access``: a user links only tickets they see.
"""

from django.db.models import QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.tickets.access import visible_tickets
from opsbook.tickets.models import Ticket

from .models import Action, Problem


def can_view_problems(user) -> bool:
    return is_staff_member(user)


def can_manage_problems(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_raise_problems(user) -> bool:
    """Raise a problem (from tickets or by hand): staff other than read-only viewers."""
    return is_staff_member(user) and user.role != Role.VIEWER


def can_edit_problem(user, problem: Problem) -> bool:
    if can_manage_problems(user):
        return True
    return can_raise_problems(user) and problem.owner_id == user.pk


def can_add_action(user, problem: Problem | None) -> bool:
    """Managers add actions anywhere; an agent to a problem they own."""
    if can_manage_problems(user):
        return True
    return problem is not None and can_edit_problem(user, problem)


def can_edit_action(user, action: Action) -> bool:
    if can_manage_problems(user):
        return True
    if not can_raise_problems(user):
        return False
    if action.owner_id == user.pk:
        return True
    return action.problem is not None and action.problem.owner_id == user.pk


def problems_for_user(user) -> QuerySet[Problem]:
    if not can_view_problems(user):
        return Problem.objects.none()
    return Problem.objects.all()


def get_problem_for_user(user, pk) -> Problem:
    try:
        return problems_for_user(user).select_related("category", "owner", "team").get(pk=pk)
    except (Problem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def actions_for_user(user) -> QuerySet[Action]:
    if not can_view_problems(user):
        return Action.objects.none()
    return Action.objects.all()


def get_action_for_user(user, pk) -> Action:
    try:
        return actions_for_user(user).select_related("problem", "owner").get(pk=pk)
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tickets_for_user(user) -> QuerySet[Ticket]:
    """The tickets ``user`` may link to a problem (those they see; customers none)."""
    if not can_view_problems(user):
        return Ticket.objects.none()
    return visible_tickets(user)


def linked_tickets_for_user(user, problem: Problem) -> QuerySet[Ticket]:
    """A problem's linked tickets that ``user`` may open (others are counted, not listed)."""
    return tickets_for_user(user).filter(problem_links__problem=problem)
