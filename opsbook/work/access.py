"""Who sees whose work. Agents see their own; a team lead also sees the teams they lead;
managers and administrators see every team (and viewers read every team's, changing nothing).
Customers have no work here."""

from django.db.models import QuerySet

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.accounts.models import Team, User


def has_work(user) -> bool:
    return is_staff_member(user)


def sees_every_team(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER, Role.VIEWER}


def teams_for(user) -> QuerySet[Team]:
    """The teams whose work ``user`` may look at as a whole."""
    if sees_every_team(user):
        return Team.objects.all()
    if is_staff_member(user):
        return Team.objects.filter(lead=user)
    return Team.objects.none()


def sees_team_work(user) -> bool:
    return sees_every_team(user) or teams_for(user).exists()


def people_for(user) -> QuerySet[User]:
    """Whose workload ``user`` may see: everyone on staff for managers, the members of the
    teams they lead for a team lead, else only themselves."""
    staff = User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.MANAGER, Role.AGENT])
    if sees_every_team(user):
        return staff
    if not is_staff_member(user):
        return User.objects.none()
    led = Team.objects.filter(lead=user).values("pk")
    return staff.filter(team__in=led) | staff.filter(pk=user.pk)
