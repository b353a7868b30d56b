"""Who sees which people, teams and organisations: managers and administrators see them all;
everybody else sees none of them here (the pages answer 403 to staff, 404 to customers)."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from opsbook.accounts.access import can_grant_role, can_manage_people, is_staff_member
from opsbook.accounts.choices import STAFF_ROLES, Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.core.permissions import require

__all__ = ["can_grant_role", "can_manage_people", "is_hidden_from"]


def is_hidden_from(user) -> bool:
    """The people pages do not exist for customers' contacts (404, not 403)."""
    return not is_staff_member(user)


def _scope(actor) -> bool:
    return can_manage_people(actor)


def not_invited(people: QuerySet[User]) -> QuerySet[User]:
    """Active accounts that have no password and were never sent an invitation (people
    created with a name only, e.g. owners named in a checklist import)."""
    return people.filter(
        is_active=True, invited_at__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )


def staff_for_user(actor, search: str = "", *, active: bool | None = None) -> QuerySet[User]:
    if not _scope(actor):
        return User.objects.none()
    people = User.objects.filter(role__in=STAFF_ROLES).select_related("team")
    if active is not None:
        people = people.filter(is_active=active)
    if search:
        people = people.filter(
            Q(username__icontains=search)
            | Q(display_name__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(phone__icontains=search)
            | Q(team__name__icontains=search)
        )
    return people.order_by("username")


def contacts_for_user(actor, search: str = "", customer: Customer | None = None) -> QuerySet[User]:
    if not _scope(actor):
        return User.objects.none()
    people = User.objects.filter(role=Role.CUSTOMER).select_related("customer")
    if customer is not None:
        people = people.filter(customer=customer)
    if search:
        people = people.filter(
            Q(username__icontains=search)
            | Q(display_name__icontains=search)
            | Q(email__icontains=search)
            | Q(phone__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(customer__code__icontains=search)
        )
    return people.order_by("customer__name", "username")


def teams_for_user(actor, search: str = "") -> QuerySet[Team]:
    if not _scope(actor):
        return Team.objects.none()
    teams = Team.objects.select_related("parent", "lead").annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    if search:
        teams = teams.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return teams.order_by("name")


def customers_for_user(actor, search: str = "") -> QuerySet[Customer]:
    if not _scope(actor):
        return Customer.objects.none()
    customers = Customer.objects.annotate(
        contact_count=Count("contacts", filter=Q(contacts__is_active=True), distinct=True),
        service_count=Count("services", distinct=True),
    )
    if search:
        customers = customers.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return customers.order_by("name")


MAX_PK = 2**63 - 1


def is_valid_pk(pk: int | None) -> bool:
    """Whether ``pk`` can be a row id at all (a larger number overflows the database's
    integer and would be a server error, not "not found")."""
    return pk is not None and 0 < pk <= MAX_PK


def _get[M: Model](queryset: QuerySet[M], pk: int) -> M:
    if not is_valid_pk(pk):
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def get_person_for_user(actor, pk: int) -> User:
    return _get(staff_for_user(actor), pk)


def get_contact_for_user(actor, pk: int) -> User:
    return _get(contacts_for_user(actor), pk)


def get_team_for_user(actor, pk: int) -> Team:
    return _get(teams_for_user(actor), pk)


def get_customer_for_user(actor, pk: int) -> Customer:
    return _get(customers_for_user(actor), pk)


def check_can_manage(actor) -> None:
    """Inside a service: None is the system (a command, the demo); anyone else must manage
    people."""
    if actor is not None:
        require(can_manage_people(actor))


def check_can_touch(actor, person: User) -> None:
    """A manager may not edit an administrator's account; only administrators may."""
    check_can_manage(actor)
    if actor is not None:
        require(can_grant_role(actor, person.role))
