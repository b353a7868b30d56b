"""Who sees which dashboard and which rows behind a figure.

* The manager's overview and the executive's trends: administrators, managers, viewers and
  team leads (the organisation's figures).
* "My services": any staff member; it lists the service items they own (directly or through
  their team, as the checklist says).
* Drill-down: staff. Those who see the overview see every row behind a figure; other agents see
  the rows their role lets them see (their tickets, their occurrences), and the page says when
  that is fewer than the figure counts.
* Customer contacts see none of these pages (404); their dashboard is in the portal, scoped to
  their own organisation.
"""

from django.db.models import Q, QuerySet

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.accounts.models import Team
from opsbook.catalog.models import ServiceItem
from opsbook.routines.access import occurrences_for_user
from opsbook.routines.models import Occurrence
from opsbook.tickets.access import visible_tickets
from opsbook.tickets.models import Ticket, TicketEvent


def not_staff(user) -> bool:
    return not is_staff_member(user)


def is_team_lead(user) -> bool:
    return is_staff_member(user) and Team.objects.filter(lead=user).exists()


def sees_organisation(user) -> bool:
    """The whole organisation's figures and every row behind them."""
    if not is_staff_member(user):
        return False
    return user.role in {Role.ADMIN, Role.MANAGER, Role.VIEWER} or is_team_lead(user)


def owned_items(user) -> QuerySet[ServiceItem]:
    """The service items ``user`` owns: named as an owner, or their team is."""
    if not is_staff_member(user):
        return ServiceItem.objects.none()
    owners = Q(ownerships__user=user)
    if user.team_id:
        owners |= Q(ownerships__team_id=user.team_id)
    ids = ServiceItem.objects.filter(owners).values("pk")
    return ServiceItem.objects.filter(pk__in=ids).order_by("sort_order", "code")


def restrict_rows(user, rows: QuerySet) -> tuple[QuerySet, bool]:
    """``rows`` (a drill-down's) limited to what ``user`` may see, and whether that limited
    anything (False for those who see the organisation). Rows of a kind this module does not
    know are shown only to those who see the organisation."""
    if sees_organisation(user):
        return rows, False
    if not is_staff_member(user):
        return rows.none(), True
    model = rows.model
    if model is Ticket:
        return rows.filter(pk__in=visible_tickets(user).values("pk")), True
    if model is TicketEvent:
        return rows.filter(ticket__in=visible_tickets(user).values("pk")), True
    if model is Occurrence:
        return rows.filter(pk__in=occurrences_for_user(user).values("pk")), True
    return rows.none(), True
