"""Turning the references a client sends (an id, or a code / username / name) into objects the
caller may see. A reference to something the caller may not see is refused exactly like one to
something that does not exist (422, field named)."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja.errors import ValidationError

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.models import ServiceContent, ServiceItem
from opsbook.core.api import invalid

from .. import access
from ..models import Ticket

PAYLOAD = ("body", "payload")
Ref = int | str
Loc = list[str | int]


def _find[M: Model](qs: QuerySet[M], ref: Ref, text_field: str) -> M | None:
    """A row of ``qs`` by id (a number) or by ``text_field`` (a string)."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return qs.filter(pk=ref).first() if 0 < ref < 2**63 else None
    text = ref.strip()
    return qs.filter(**{text_field: text}).first() if text else None


def _matches(obj: Model | None, ref: Ref, text_field: str) -> bool:
    if obj is None or isinstance(ref, bool):
        return False
    if isinstance(ref, int):
        return obj.pk == ref
    return bool(getattr(obj, text_field) == ref.strip())


def _unknown(loc: Loc, ref: Ref) -> ValidationError:
    return invalid(
        [*PAYLOAD, *loc],
        _("There is no %(what)s %(ref)s that you may choose here.")
        % {"what": loc[0], "ref": repr(str(ref)[:60])},
    )


def _customers(user: Any) -> QuerySet[Customer]:
    if access.is_customer(user):
        return Customer.objects.filter(pk=user.customer_id)
    return Customer.objects.all() if access.can_work_tickets(user) else Customer.objects.none()


def _contacts(user: Any) -> QuerySet[User]:
    if access.is_customer(user):
        return User.objects.filter(pk=user.pk)
    if access.can_work_tickets(user):
        return User.objects.filter(role=Role.CUSTOMER, is_active=True)
    return User.objects.none()


def _staff(user: Any) -> QuerySet[User]:
    return User.objects.staff() if access.can_work_tickets(user) else User.objects.none()


def _teams(user: Any) -> QuerySet[Team]:
    return Team.objects.all() if access.can_work_tickets(user) else Team.objects.none()


class References:
    """Resolves the references of one request for ``user`` (on ``ticket`` when changing one)."""

    def __init__(self, user: Any, ticket: Ticket | None = None) -> None:
        self.user = user
        self.ticket = ticket

    def _one[M: Model](
        self,
        loc: Loc,
        ref: Ref | None,
        qs: QuerySet[M],
        text_field: str,
        current: M | None = None,
    ) -> M | None:
        if ref is None:
            return None
        # A value the ticket already has is kept even when it is no longer offered (a retired
        # service, an inactive customer): sending back what you read is not a change.
        if current is not None and _matches(current, ref, text_field):
            return current
        found = _find(qs, ref, text_field)
        if found is None:
            raise _unknown(loc, ref)
        return found

    def _current(self, name: str) -> Any:
        return getattr(self.ticket, name) if self.ticket is not None else None

    def item(self, ref: Ref | None) -> ServiceItem | None:
        qs = access.items_for_new_ticket(self.user)
        return self._one(["item"], ref, qs, "code", self._current("item"))

    def content(self, ref: Ref | None, item: ServiceItem | None) -> ServiceContent | None:
        if ref is None:
            return None
        if item is None:
            raise invalid([*PAYLOAD, "content"], _("Choose the service item before its content."))
        qs = ServiceContent.objects.filter(item=item)
        return self._one(["content"], ref, qs, "code", self._current("content"))

    def customer(self, ref: Ref | None) -> Customer | None:
        return self._one(
            ["customer"], ref, _customers(self.user), "code", self._current("customer")
        )

    def contact(self, ref: Ref | None) -> User | None:
        return self._one(
            ["contact"], ref, _contacts(self.user), "username", self._current("contact")
        )

    def assignee(self, ref: Ref | None) -> User | None:
        return self._one(["assignee"], ref, _staff(self.user), "username")

    def team(self, ref: Ref | None) -> Team | None:
        return self._one(["team"], ref, _teams(self.user), "name")

    def watchers(self, refs: list[Ref]) -> list[User]:
        qs = _staff(self.user)
        found = [self._one(["watchers", i], ref, qs, "username") for i, ref in enumerate(refs)]
        return [user for user in found if user is not None]
