"""The people API, mounted at /api/people/: staff, teams, customer organisations and their
contacts. Managers and administrators read and write (only administrators touch
administrators); everybody else gets 403. Routes fetch through ``access.py`` (404 outside
scope) and write through ``services.py``, like the pages.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.accounts.models import Customer, Team, User
from opsbook.core.api import Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard

from . import access, services
from .schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    PeopleInviteIn,
    PersonIn,
    PersonOut,
    PersonPatch,
    TeamIn,
    TeamOut,
    TeamPatch,
)

router = Router(tags=["people"])
router.add_decorator(
    api_guard(
        access.can_manage_people,
        lambda: _("People and organisations are for managers and administrators only."),
    ),
    mode="operation",
)

READ_ERRORS = {401: Message, 403: Message, 404: Message}
LIST_ERRORS = {401: Message, 403: Message, 422: ValidationErrors}
WRITE_ERRORS = {**READ_ERRORS, 409: Message, 422: ValidationErrors}
RENAMED = {
    "team": "team_id",
    "customer": "customer_id",
    "display_name": "name",
    "parent": "parent_id",
    "lead": "lead_id",
}


def _query(q: str) -> str:
    """A search text as the pages take it: at most 100 characters, no control characters."""
    return "".join(ch for ch in q[:100] if ord(ch) >= 32)


def _missing(field: str) -> DjangoValidationError:
    return DjangoValidationError({field: _("No such record.")})


def _team(pk: int | None) -> Team | None:
    if pk is None:
        return None
    team = Team.objects.filter(pk=pk).first() if access.is_valid_pk(pk) else None
    if team is None:
        raise _missing("team")
    return team


def _customer(pk: int) -> Customer:
    customer = Customer.objects.filter(pk=pk).first() if access.is_valid_pk(pk) else None
    if customer is None:
        raise _missing("customer")
    return customer


def _lead(pk: int | None) -> User | None:
    if pk is None:
        return None
    lead = User.objects.staff().filter(pk=pk).first() if access.is_valid_pk(pk) else None
    if lead is None:
        raise _missing("lead")
    return lead


def _items(codes: list[str]):
    found = services.active_service_items(codes)
    unknown = [c for c in codes if c.casefold() not in found]
    if unknown:
        raise DjangoValidationError(
            {"services": _("There is no service item %(code)s.") % {"code": unknown[0]}}
        )
    return list({item.pk: item for item in found.values()}.values())


def _person_values(payload: Any, fields: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    data = payload.model_dump(include=fields)
    for key, value in data.items():
        if key == "name":
            values["display_name"] = value
        elif key == "team_id":
            values["team"] = _team(value)
        elif key == "customer_id":
            values["customer"] = _customer(value)
        elif key in {"email", "phone"} and value is None:
            continue
        else:
            values[key] = value
    return values


def _person(request, pk: int) -> User:
    return access.staff_for_user(request.user).get(
        pk=access.get_person_for_user(request.user, pk).pk
    )


# --- Staff ----------------------------------------------------------------------------------


@router.get("/staff", response={200: list[PersonOut], **LIST_ERRORS})
@paginate(Pagination)
def list_staff(request, q: str = "", active: bool | None = None):
    """Members of staff by login; ``q`` searches name, login, e-mail, phone and team."""
    return access.staff_for_user(request.user, _query(q), active=active)


@router.post("/staff", response={201: PersonOut, **WRITE_ERRORS})
def create_person(request, payload: PersonIn):
    """Add a member of staff. With an e-mail (and ``invite``), they are sent a one-time link
    to set their password."""
    with as_field_errors(rename=RENAMED):
        values = _person_values(
            payload, {"username", "name", "email", "phone", "role", "team_id", "capacity_hours"}
        )
        person = services.do_save_person(
            request.user,
            None,
            is_team_lead=payload.is_team_lead,
            invite=payload.invite,
            source="api",
            **values,
        )
    return HttpStatus(201, _person(request, person.pk))


@router.get("/staff/{person_id}", response={200: PersonOut, **READ_ERRORS})
def get_person(request, person_id: int):
    return _person(request, person_id)


@router.patch("/staff/{person_id}", response={200: PersonOut, **WRITE_ERRORS})
def update_person(request, person_id: int, payload: PersonPatch):
    person = access.get_person_for_user(request.user, person_id)
    sent = payload.model_fields_set - {"is_team_lead"}
    with as_field_errors(rename=RENAMED):
        values = _person_values(payload, sent)
        if values.get("role", "") is None or values.get("username", "") is None:
            raise DjangoValidationError(
                {"role" if "role" in values else "username": _("This field cannot be null.")}
            )
        services.do_save_person(
            request.user, person, is_team_lead=payload.is_team_lead, source="api", **values
        )
    return _person(request, person_id)


def _set_active(request, user: User, active: bool) -> None:
    with as_field_errors():
        services.do_set_active(request.user, user, active, source="api")


@router.post("/staff/{person_id}/deactivate", response={200: PersonOut, **WRITE_ERRORS})
def deactivate_person(request, person_id: int):
    """Deactivate: API tokens are revoked and sessions signed out, for good."""
    _set_active(request, access.get_person_for_user(request.user, person_id), False)
    return _person(request, person_id)


@router.post("/staff/{person_id}/reactivate", response={200: PersonOut, **WRITE_ERRORS})
def reactivate_person(request, person_id: int):
    """Reactivate: the person signs in with their password again; old tokens stay revoked."""
    _set_active(request, access.get_person_for_user(request.user, person_id), True)
    return _person(request, person_id)


@router.post("/staff/{person_id}/invite", response={202: PersonOut, **WRITE_ERRORS})
def invite_person(request, person_id: int, payload: PeopleInviteIn):
    """(Re)send the one-time link to set a password, optionally to a new e-mail address."""
    person = access.get_person_for_user(request.user, person_id)
    with as_field_errors():
        services.do_invite(request.user, person, email=payload.email)
    return HttpStatus(202, _person(request, person_id))


# --- Contacts -------------------------------------------------------------------------------


def _contact(request, pk: int) -> User:
    return access.get_contact_for_user(request.user, pk)


@router.get("/contacts", response={200: list[ContactOut], **LIST_ERRORS})
@paginate(Pagination)
def list_contacts(request, q: str = "", customer_id: int | None = None):
    contacts = access.contacts_for_user(request.user, _query(q))
    if customer_id is not None:
        contacts = (
            contacts.filter(customer_id=customer_id)
            if access.is_valid_pk(customer_id)
            else contacts.none()
        )
    return contacts


@router.post("/contacts", response={201: ContactOut, **WRITE_ERRORS})
def create_contact(request, payload: ContactIn):
    with as_field_errors(rename=RENAMED):
        values = _person_values(payload, {"username", "name", "email", "phone", "customer_id"})
        contact = services.do_save_contact(
            request.user, None, invite=payload.invite, source="api", **values
        )
    return HttpStatus(201, _contact(request, contact.pk))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS})
def get_contact(request, contact_id: int):
    return _contact(request, contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def update_contact(request, contact_id: int, payload: ContactPatch):
    contact = _contact(request, contact_id)
    with as_field_errors(rename=RENAMED):
        values = _person_values(payload, set(payload.model_fields_set))
        if "customer_id" in payload.model_fields_set and payload.customer_id is None:
            raise DjangoValidationError({"customer": _("This field cannot be null.")})
        services.do_save_contact(request.user, contact, source="api", **values)
    return _contact(request, contact_id)


@router.post("/contacts/{contact_id}/deactivate", response={200: ContactOut, **WRITE_ERRORS})
def deactivate_contact(request, contact_id: int):
    _set_active(request, _contact(request, contact_id), False)
    return _contact(request, contact_id)


@router.post("/contacts/{contact_id}/reactivate", response={200: ContactOut, **WRITE_ERRORS})
def reactivate_contact(request, contact_id: int):
    _set_active(request, _contact(request, contact_id), True)
    return _contact(request, contact_id)


@router.post("/contacts/{contact_id}/invite", response={202: ContactOut, **WRITE_ERRORS})
def invite_contact(request, contact_id: int, payload: PeopleInviteIn):
    contact = _contact(request, contact_id)
    with as_field_errors():
        services.do_invite(request.user, contact, email=payload.email)
    return HttpStatus(202, _contact(request, contact_id))


# --- Teams ----------------------------------------------------------------------------------


@router.get("/teams", response={200: list[TeamOut], **LIST_ERRORS})
@paginate(Pagination)
def list_teams(request, q: str = ""):
    return access.teams_for_user(request.user, _query(q))


def _team_values(payload: Any, fields: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in payload.model_dump(include=fields).items():
        if key == "parent_id":
            values["parent"] = None
            if value is not None:
                values["parent"] = (
                    Team.objects.filter(pk=value).first() if access.is_valid_pk(value) else None
                )
                if values["parent"] is None:
                    raise _missing("parent")
        elif key == "lead_id":
            values["lead"] = _lead(value)
        elif value is not None:
            values[key] = value
    return values


@router.post("/teams", response={201: TeamOut, **WRITE_ERRORS})
def create_team(request, payload: TeamIn):
    with as_field_errors(rename=RENAMED):
        values = _team_values(payload, set(TeamIn.model_fields))
        team = services.do_save_team(request.user, None, source="api", **values)
    return HttpStatus(201, access.get_team_for_user(request.user, team.pk))


@router.get("/teams/{team_id}", response={200: TeamOut, **READ_ERRORS})
def get_team(request, team_id: int):
    return access.get_team_for_user(request.user, team_id)


@router.patch("/teams/{team_id}", response={200: TeamOut, **WRITE_ERRORS})
def update_team(request, team_id: int, payload: TeamPatch):
    team = access.get_team_for_user(request.user, team_id)
    with as_field_errors(rename=RENAMED):
        values = _team_values(payload, set(payload.model_fields_set))
        services.do_save_team(request.user, team, source="api", **values)
    return access.get_team_for_user(request.user, team_id)


# --- Customer organisations -------------------------------------------------------------------


def _customers(request):
    return access.customers_for_user(request.user).prefetch_related("services__item")


@router.get("/customers", response={200: list[CustomerOut], **LIST_ERRORS})
@paginate(Pagination)
def list_customers(request, q: str = ""):
    return access.customers_for_user(request.user, _query(q)).prefetch_related("services__item")


@router.post("/customers", response={201: CustomerOut, **WRITE_ERRORS})
def create_customer(request, payload: CustomerIn):
    with as_field_errors():
        items = _items(payload.services)
        values = payload.model_dump(exclude={"services"})
        customer = services.do_save_customer(
            request.user, None, services=items, source="api", **values
        )
    return HttpStatus(201, _customers(request).get(pk=customer.pk))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **READ_ERRORS})
def get_customer(request, customer_id: int):
    customer = access.get_customer_for_user(request.user, customer_id)
    return _customers(request).get(pk=customer.pk)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **WRITE_ERRORS})
def update_customer(request, customer_id: int, payload: CustomerPatch):
    customer = access.get_customer_for_user(request.user, customer_id)
    sent = payload.model_fields_set
    with as_field_errors():
        items = _items(payload.services) if payload.services is not None else None
        values = {
            k: v
            for k, v in payload.model_dump(include=sent - {"services"}).items()
            if v is not None
        }
        services.do_save_customer(request.user, customer, services=items, source="api", **values)
    return _customers(request).get(pk=customer.pk)
