"""Writes for people and organisations: staff, contacts, teams, customers, invitations.

Each ``do_*`` is one transaction, checks its actor through ``access.py`` (None is the system: a
command, the import run from the command line, the demo) and raises ``ValidationError`` naming
the field for bad input. The web pages, the API and the roster import call these functions.
"""

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.accounts.access import can_grant_role
from opsbook.accounts.choices import STAFF_ROLES, Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.accounts.services import end_access, keeps_an_admin
from opsbook.audit.models import Action
from opsbook.audit.services import diff, record, snapshot
from opsbook.catalog.models import CustomerService, ServiceItem
from opsbook.core import clock
from opsbook.core.permissions import require

from . import access, notices

PERSON_FIELDS = ("username", "display_name", "email", "phone", "role", "team", "capacity_hours")
CONTACT_FIELDS = ("username", "display_name", "email", "phone", "customer")
TEAM_FIELDS = ("name", "parent", "lead", "description")
CUSTOMER_FIELDS = ("code", "name", "notes", "is_active")
MAX_CAPACITY_HOURS = 744  # every hour of a 31-day month


MULTILINE_FIELDS = frozenset({"description", "notes"})


def _clean_text(data: dict[str, Any]) -> dict[str, Any]:
    """Text values stripped; control characters (NUL included, which PostgreSQL refuses) are
    an error on their field, except line breaks and tabs in descriptions and notes."""
    errors: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, str):
            allowed = "\n\r\t" if key in MULTILINE_FIELDS else ""
            if any((ord(ch) < 32 and ch not in allowed) or ch == "\x7f" for ch in value):
                errors[key] = _("Control characters are not allowed.")
    if errors:
        raise ValidationError(errors)
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


# Letters of other alphabets that look like Latin ones (Unicode's confusables for logins): a
# login written with them would pass for someone else's in every list and e-mail.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝвкмнтАВЕКМНОРСТХІЈЅαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlqwbkmhtABEKMHOPCTXIJSabeikvoptuxABEZHIKMNOPTYX",
)
_ALPHABETS = ("LATIN", "CYRILLIC", "GREEK")


def login_problem(login: str) -> str | None:
    """Why ``login`` cannot be a new login (besides its characters and being taken), or None:
    it must be written as it is normalised (no full-width letters), may not mix the Latin,
    Cyrillic and Greek alphabets, and may not look like another account's login."""
    if unicodedata.normalize("NFKC", login) != login:
        return _("Write the login %(login)s in plain characters (not full-width).") % {
            "login": unicodedata.normalize("NFKC", login)
        }
    if login.isascii():
        return None
    alphabets = {
        name.split(" ", 1)[0]
        for name in (unicodedata.name(ch, "") for ch in login if ch.isalpha())
        if name.startswith(_ALPHABETS)
    }
    if len(alphabets) > 1:
        return _("The login %(login)s mixes letters of different alphabets.") % {"login": login}
    skeleton = login.translate(_LOOKALIKES)
    if skeleton != login and User.objects.filter(username__iexact=skeleton).exists():
        return _("The login %(login)s looks like the login %(other)s.") % {
            "login": login,
            "other": skeleton,
        }
    return None


def _check_login(data: dict[str, Any], stored: User | None) -> None:
    login = data.get("username")
    if isinstance(login, str) and (stored is None or login != stored.username):
        problem = login_problem(login)
        if problem is not None:
            raise ValidationError({"username": problem})


def check_username_free(username: str, exclude_pk: int | None = None) -> None:
    if User.objects.filter(username__iexact=username).exclude(pk=exclude_pk or 0).exists():
        raise ValidationError(
            {"username": _("The login %(login)s is taken.") % {"login": username}}
        )


def check_email_free(email: str, exclude_pk: int | None = None) -> None:
    if email and User.objects.filter(email__iexact=email).exclude(pk=exclude_pk or 0).exists():
        raise ValidationError(
            {"email": _("The e-mail %(email)s belongs to another account.") % {"email": email}}
        )


def _check_user(user: User) -> None:
    """Every rule of an account, reported together by field."""
    errors: dict[str, list[Any]] = {}
    try:
        user.full_clean(exclude=["password", "last_login", "date_joined"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if user.email:
        try:
            validate_email(user.email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    for check in (check_username_free, check_email_free):
        try:
            value = user.username if check is check_username_free else user.email
            check(value, user.pk)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if user.capacity_hours is not None and user.capacity_hours > MAX_CAPACITY_HOURS:
        errors.setdefault("capacity_hours", []).append(
            _("At most %(hours)d hours a month.") % {"hours": MAX_CAPACITY_HOURS}
        )
    if errors:
        raise ValidationError(errors)


def check_admins_remain(person: User, *, role: str, active: bool) -> None:
    """The last active administrator stays one: nobody (not even the system) deactivates or
    demotes them, or nobody could manage administrators any more."""
    if not keeps_an_admin(person, role=role, active=active, lock=True):
        field = "is_active" if not active else "role"
        raise ValidationError(
            {field: _("%(name)s is the last active administrator.") % {"name": person.label}}
        )


def _audit(actor, obj, before: dict | None, fields: Iterable[str], source: str) -> None:
    after = snapshot(obj, fields)
    if before is None:
        record(actor=actor, action=Action.CREATE, obj=obj, changes=after, source=source)
    else:
        record(
            actor=actor, action=Action.UPDATE, obj=obj, changes=diff(before, after), source=source
        )


# --- Staff --------------------------------------------------------------------------------------


@transaction.atomic
def do_save_person(
    actor,
    person: User | None,
    *,
    is_team_lead: bool | None = None,
    invite: bool = True,
    source: str = "web",
    now: datetime | None = None,
    **data: Any,
) -> User:
    """Create (``person`` None) or update a member of staff from ``data`` (PERSON_FIELDS).

    A new account has no password: when it has an e-mail (and ``invite``), it is sent a
    one-time link to set one. ``is_team_lead`` makes the person their team's lead (True) or
    stops them being it (False); None leaves the lead alone.
    """
    now = clock.or_now(now)
    data = _clean_text({k: v for k, v in data.items() if k in PERSON_FIELDS})
    if person is not None:
        access.check_can_touch(actor, person)
    else:
        access.check_can_manage(actor)
    role = data.get("role", person.role if person else Role.AGENT)
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Choose a staff role.")})
    if actor is not None:
        require(can_grant_role(actor, role), _("Only an administrator can make an administrator."))
    _check_login(data, person)
    creating = person is None
    if person is not None:
        check_admins_remain(person, role=role, active=True)
    before = None if person is None else snapshot(person, PERSON_FIELDS)
    old_team_id = None if person is None else person.team_id
    if person is None:
        person = User(is_active=True)
        person.set_unusable_password()
    for name, value in data.items():
        setattr(person, name, value)
    if person.email is None:
        person.email = ""
    _check_user(person)
    person.save()
    _audit(actor, person, before, PERSON_FIELDS, source)
    _set_lead(actor, person, old_team_id, is_team_lead, source)
    if creating and invite and person.email:
        _invite(actor, person, now)
    return person


def _set_lead(actor, person: User, old_team_id: int | None, lead: bool | None, source: str):
    if old_team_id and old_team_id != person.team_id:
        for old_team in Team.objects.filter(pk=old_team_id, lead=person):
            _save_team_lead(actor, old_team, None, source)
    if lead is None:
        return
    team: Team | None = person.team
    if lead:
        if team is None:
            raise ValidationError({"team": _("A team lead needs a team.")})
        if team.lead_id != person.pk:
            _save_team_lead(actor, team, person, source)
    elif team is not None and team.lead_id == person.pk:
        _save_team_lead(actor, team, None, source)


def _save_team_lead(actor, team: Team, lead: User | None, source: str) -> None:
    before = snapshot(team, TEAM_FIELDS)
    team.lead = lead
    team.save(update_fields=["lead"])
    _audit(actor, team, before, TEAM_FIELDS, source)


@transaction.atomic
def do_set_active(
    actor, person: User, active: bool, *, source: str = "web", now: datetime | None = None
) -> User:
    """Deactivate or reactivate a member of staff or a contact. Deactivation revokes their API
    tokens and signs out their sessions for good; reactivation gives back neither."""
    access.check_can_touch(actor, person)
    if actor is not None and actor.pk == person.pk and not active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    if person.is_active == active:
        return person
    check_admins_remain(person, role=person.role, active=active)
    before = snapshot(person, ["is_active"])
    User.objects.filter(pk=person.pk).update(is_active=active)
    person.is_active = active
    if not active:
        end_access(person, now)
    _audit(actor, person, before, ["is_active"], source)
    return person


# --- Invitations --------------------------------------------------------------------------------


def _invite(actor, person: User, now: datetime) -> None:
    if not person.email:
        raise ValidationError({"email": _("Add an e-mail address to send the invitation to.")})
    if not person.is_active:
        raise ValidationError({"is_active": _("The account is deactivated.")})
    User.objects.filter(pk=person.pk).update(invited_at=now)
    person.invited_at = now
    notices.on_commit_send_invitation(person)


@transaction.atomic
def do_invite(
    actor, person: User, *, email: str | None = None, now: datetime | None = None
) -> User:
    """(Re)send the one-time link to set a password; with ``email``, first give the account
    that address (for people created with a name only). Links sent before keep working until
    they expire or one of them is used.

    For someone who has already set a password the link is a password reset, and whoever can
    change their e-mail address could take the account over with it: only an administrator
    sends it (``actor`` None: the system)."""
    access.check_can_touch(actor, person)
    if person.has_usable_password() and actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied(
            _(
                "%(name)s has already set a password: only an administrator can send them a "
                "new link."
            )
            % {"name": person}
        )
    if email is not None and email.strip() != person.email:
        before = snapshot(person, ["email"])
        person.email = email.strip()
        _check_user(person)
        person.save(update_fields=["email"])
        _audit(actor, person, before, ["email"], "web")
    _invite(actor, person, clock.or_now(now))
    return person


# --- Contacts -----------------------------------------------------------------------------------


@transaction.atomic
def do_save_contact(
    actor,
    contact: User | None,
    *,
    invite: bool = True,
    source: str = "web",
    now: datetime | None = None,
    **data: Any,
) -> User:
    """Create or update a customer organisation's contact (role customer)."""
    now = clock.or_now(now)
    data = _clean_text({k: v for k, v in data.items() if k in CONTACT_FIELDS})
    access.check_can_manage(actor)
    if data.get("customer", contact.customer if contact else None) is None:
        raise ValidationError({"customer": _("Choose the contact's organisation.")})
    _check_login(data, contact)
    before = None if contact is None else snapshot(contact, CONTACT_FIELDS)
    creating = contact is None
    if contact is None:
        contact = User(is_active=True, role=Role.CUSTOMER)
        contact.set_unusable_password()
    elif contact.role != Role.CUSTOMER:
        raise ValidationError({"role": _("This account is not a customer contact.")})
    for name, value in data.items():
        setattr(contact, name, value)
    _check_user(contact)
    contact.save()
    _audit(actor, contact, before, CONTACT_FIELDS, source)
    if creating and invite and contact.email:
        _invite(actor, contact, now)
    return contact


# --- Teams --------------------------------------------------------------------------------------


def _check_team(team: Team) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        team.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if Team.objects.filter(name__iexact=team.name).exclude(pk=team.pk).exists():
        errors.setdefault("name", []).append(
            _("A team called %(name)s exists already.") % {"name": team.name}
        )
    parent, seen = team.parent, set()
    while parent is not None and team.pk is not None:
        if parent.pk == team.pk or parent.pk in seen:
            errors.setdefault("parent", []).append(
                _("A team cannot be inside itself or one of its own sub-teams.")
            )
            break
        seen.add(parent.pk)
        parent = parent.parent
    if team.lead is not None and not team.lead.is_staff_member:
        errors.setdefault("lead", []).append(_("The lead must be an active member of staff."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_team(actor, team: Team | None, *, source: str = "web", **data: Any) -> Team:
    """Create or update a team (name, parent team, lead, description)."""
    access.check_can_manage(actor)
    data = _clean_text({k: v for k, v in data.items() if k in TEAM_FIELDS})
    before = None if team is None else snapshot(team, TEAM_FIELDS)
    team = team or Team()
    for name, value in data.items():
        setattr(team, name, value)
    _check_team(team)
    team.save()
    _audit(actor, team, before, TEAM_FIELDS, source)
    return team


# --- Customer organisations ---------------------------------------------------------------------


def _check_customer(customer: Customer) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        customer.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if Customer.objects.filter(code__iexact=customer.code).exclude(pk=customer.pk).exists():
        errors.setdefault("code", []).append(
            _("The code %(code)s is taken.") % {"code": customer.code}
        )
    if Customer.objects.filter(name__iexact=customer.name).exclude(pk=customer.pk).exists():
        errors.setdefault("name", []).append(
            _("An organisation called %(name)s exists already.") % {"name": customer.name}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_customer(
    actor,
    customer: Customer | None,
    *,
    services: Iterable[ServiceItem] | None = None,
    source: str = "web",
    now: datetime | None = None,
    **data: Any,
) -> Customer:
    """Create or update a customer organisation; ``services`` (when given) becomes exactly the
    set of service items it receives. Deactivating an organisation deactivates its contacts."""
    access.check_can_manage(actor)
    data = _clean_text({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    before = None if customer is None else {**snapshot(customer, CUSTOMER_FIELDS)}
    if customer is not None and before is not None:
        before["services"] = service_codes(customer)
    was_active = customer.is_active if customer is not None else True
    customer = customer or Customer()
    for name, value in data.items():
        setattr(customer, name, value)
    _check_customer(customer)
    customer.save()
    if services is not None:
        wanted = {item.pk for item in services}
        CustomerService.objects.filter(customer=customer).exclude(item_id__in=wanted).delete()
        have = set(
            CustomerService.objects.filter(customer=customer).values_list("item_id", flat=True)
        )
        CustomerService.objects.bulk_create(
            CustomerService(customer=customer, item_id=pk) for pk in sorted(wanted - have)
        )
    after = {**snapshot(customer, CUSTOMER_FIELDS), "services": service_codes(customer)}
    if before is None:
        record(actor=actor, action=Action.CREATE, obj=customer, changes=after, source=source)
    else:
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=customer,
            changes=diff(before, after),
            source=source,
        )
    if was_active and not customer.is_active:
        for contact in User.objects.filter(customer=customer, is_active=True):
            do_set_active(actor, contact, False, source=source, now=now)
    return customer


def service_codes(customer: Customer) -> list[str]:
    return sorted(
        CustomerService.objects.filter(customer=customer).values_list("item__code", flat=True)
    )


def active_service_items(codes: Iterable[str]) -> dict[str, ServiceItem]:
    """{code: item} of the named service items (compared case-insensitively)."""
    wanted = {c.casefold() for c in codes}
    if not wanted:
        return {}
    items = ServiceItem.objects.only("pk", "code")
    return {key: item for item in items if (key := item.code.casefold()) in wanted}
