"""Who sees and does what with routine work (occurrences). Views, the API and services ask these.

* Administrators, managers and viewers see every occurrence; viewers only read.
* Agents see the occurrences assigned to them, those they own, those of their team and those
  of the teams they lead.
* Customer contacts see none (the pages and routes are a 404 for them).

Completing, skipping and reassigning an open occurrence: its assignee and owners, the lead of
its team, managers and administrators. Reopening a completed or skipped one while its period is
still open: the lead of its team, managers and administrators. Creating on-demand work: managers
and administrators, the content's owners (as the checklist says, directly or through their
team), and anyone who works the ticket it comes from.

Lookups outside a user's scope raise Http404, never 403, so ids do not leak.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.catalog.access import can_edit_content
from opsbook.catalog.models import ServiceContent
from opsbook.tickets.access import can_edit_ticket
from opsbook.tickets.models import Ticket

from .models import Evidence, Occurrence


def sees_all_occurrences(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER, Role.VIEWER}


def can_work_routines(user) -> bool:
    """Complete, skip, create: staff other than read-only viewers (scope checked apart)."""
    return is_staff_member(user) and user.role != Role.VIEWER


def can_manage_routines(user) -> bool:
    """Everything on every occurrence: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def not_staff(user) -> bool:
    """Customer contacts and anyone else outside the staff: the pages are a 404 for them."""
    return not is_staff_member(user)


def _owned_by(user) -> Exists:
    return Exists(
        Occurrence.owners.through.objects.filter(occurrence_id=OuterRef("pk"), user_id=user.pk)
    )


def occurrences_for_user(user) -> QuerySet[Occurrence]:
    occurrences = Occurrence.objects.all()
    if sees_all_occurrences(user):
        return occurrences
    if is_staff_member(user):
        # EXISTS on the owners keeps one row per occurrence (no DISTINCT over a join).
        scope = Q(assignee_id=user.pk) | _owned_by(user) | Q(team__lead_id=user.pk)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
        return occurrences.filter(scope)
    return occurrences.none()


def get_occurrence_for_user(user, pk) -> Occurrence:
    try:
        return occurrences_for_user(user).select_related("content", "content__item").get(pk=pk)
    except (Occurrence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_evidence_for_user(user, pk) -> Evidence:
    """A file of an occurrence the user sees."""
    try:
        evidence = Evidence.objects.get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not occurrences_for_user(user).filter(pk=evidence.occurrence_id).exists():
        raise Http404
    return evidence


def _is_team_lead(user, occurrence: Occurrence) -> bool:
    team = occurrence.team if occurrence.team_id is not None else None
    return team is not None and team.lead_id == user.pk


def can_act_on(user, occurrence: Occurrence) -> bool:
    """Complete, skip or reassign ``occurrence`` (its state is checked by the services)."""
    if not can_work_routines(user):
        return False
    if can_manage_routines(user):
        return True
    if occurrence.assignee_id == user.pk or _is_team_lead(user, occurrence):
        return True
    return occurrence.owners.filter(pk=user.pk).exists()


def can_reopen(user, occurrence: Occurrence) -> bool:
    """Undo a wrong completion or skip: managers, administrators and the team's lead."""
    if not can_work_routines(user):
        return False
    return can_manage_routines(user) or _is_team_lead(user, occurrence)


def can_create_for_content(user, content: ServiceContent, ticket: Ticket | None = None) -> bool:
    """Create on-demand work for ``content`` (from ``ticket`` when given)."""
    if not can_work_routines(user):
        return False
    if can_manage_routines(user) or can_edit_content(user, content):
        return True
    return ticket is not None and can_edit_ticket(user, ticket)
