"""Who sees and does what with procedures (SOPs) and their runs.

* Staff (administrators, managers, agents, viewers) read every procedure and its versions.
  Customer contacts see none of it, not even the checklist of their own ticket: the pages and the
  API answer 404 and the portal never shows it.
* Administrators and managers create, edit, attach and deactivate procedures, and reopen a step.
* A run is seen by whoever sees what holds it: administrators, managers and viewers see every
  run; an agent sees the run of a ticket assigned to them, of their team or watched by them, and
  the run of an occurrence assigned to them, owned by them or of their team. The person named
  responsible for one of the run's steps sees it too.
* A step is completed by the person named responsible for it, by someone of the responsible role
  who sees the run, by whoever may work the holding ticket or occurrence (the rules above, minus
  viewers), and by administrators and managers. Viewers only read.

The holder is reached through the reverse accessors ``run.ticket`` and ``run.occurrence`` (the
tickets and routines apps point at the run); nothing here imports those apps (layers). The
rules above mirror ``tickets.access.visible_tickets`` and the routines' own.

Lookups outside a user's scope raise Http404, never 403, so ids do not leak.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.core.permissions import require

from .models import Procedure, Run, StepRun, Version

SEES_ALL = frozenset({Role.ADMIN, Role.MANAGER, Role.VIEWER})


def can_view_procedures(user) -> bool:
    return is_staff_member(user)


def can_manage_procedures(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def is_hidden_from(user) -> bool:
    """Everyone but staff: the SOP pages do not exist for them (404)."""
    return not is_staff_member(user)


def check_can_manage(actor) -> None:
    """For services: PermissionDenied unless ``actor`` manages procedures (``None``: the system,
    a command, the demo loader or a test factory)."""
    if actor is not None:
        require(can_manage_procedures(actor), _("Only managers change procedures."))


# --- procedures -------------------------------------------------------------------------------


def procedures_for_user(user) -> QuerySet[Procedure]:
    if not can_view_procedures(user):
        return Procedure.objects.none()
    return Procedure.objects.all()


def get_procedure_for_user(user, pk) -> Procedure:
    try:
        return procedures_for_user(user).get(pk=pk)
    except (Procedure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_version_for_user(user, procedure: Procedure, number) -> Version:
    try:
        return procedure.versions.get(number=number)
    except (Version.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- runs and what holds them -----------------------------------------------------------------


def holder_of(run: Run) -> tuple[Any, Any]:
    """(ticket, occurrence) holding ``run``; each None when absent."""
    found = []
    for name in ("ticket", "occurrence"):
        try:
            found.append(getattr(run, name))
        except (ObjectDoesNotExist, AttributeError):
            found.append(None)
    return found[0], found[1]


def _works_on_holder(user, run: Run) -> bool:
    """Whether ``user`` (an agent) is among the people of the ticket or occurrence holding
    ``run``: its assignee, its team, a watcher of the ticket, an owner of the occurrence."""
    ticket, occurrence = holder_of(run)
    for holder in (ticket, occurrence):
        if holder is None:
            continue
        if holder.assignee_id == user.pk:
            return True
        if user.team_id and holder.team_id == user.team_id:
            return True
    if ticket is not None and ticket.watchers.filter(pk=user.pk).exists():
        return True
    return occurrence is not None and occurrence.owners.filter(pk=user.pk).exists()


def _is_responsible_somewhere(user, run: Run) -> bool:
    return run.version.steps.filter(responsible_user=user).exists()


def can_view_run(user, run: Run) -> bool:
    if not is_staff_member(user):
        return False
    if user.role in SEES_ALL:
        return True
    return _works_on_holder(user, run) or _is_responsible_somewhere(user, run)


def get_run_for_user(user, pk) -> Run:
    try:
        run = Run.objects.select_related("version__procedure", "calendar").get(pk=pk)
    except (Run.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_run(user, run):
        raise Http404
    return run


def get_step_run_for_user(user, pk) -> StepRun:
    try:
        step_run = StepRun.objects.select_related(
            "run__version__procedure", "run__calendar", "step"
        ).get(pk=pk)
    except (StepRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_run(user, step_run.run):
        raise Http404
    return step_run


def can_complete_step(user, step_run: StepRun) -> bool:
    """Whether ``user`` may complete (and tick) ``step_run``; see the module's docstring."""
    if not is_staff_member(user) or user.role in {Role.VIEWER, Role.CUSTOMER}:
        return False
    if user.role in {Role.ADMIN, Role.MANAGER}:
        return True
    step = step_run.step
    if step.responsible_user_id == user.pk:
        return True
    if _works_on_holder(user, step_run.run):
        return True
    return (
        bool(step.responsible_role)
        and step.responsible_role == user.role
        and (can_view_run(user, step_run.run))
    )


def can_reopen_step(user) -> bool:
    return can_manage_procedures(user)
