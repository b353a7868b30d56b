"""What the staff ticket pages share: who may open them, htmx partials, service errors onto
forms, loading the ticket of a page and the list's address."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.models import User
from opsbook.core.permissions import requires

from .. import access
from ..models import Ticket


class StaffRequest(HttpRequest):
    """A request the decorators below let through: a signed-in staff member's (for types)."""

    user: User
    htmx: HtmxDetails


def not_staff(user: Any) -> bool:
    """Everyone but staff (customer contacts use the portal): the staff pages are a 404."""
    return not is_staff_member(user)


staff_required = requires(is_staff_member, hidden=not_staff)
worker_required = requires(access.can_work_tickets, hidden=not_staff)


def is_partial(request: StaffRequest) -> bool:
    """An htmx swap (not a boosted link or a history restore) gets a partial."""
    htmx = request.htmx
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("You may not do this.")]


def flash_errors(request: HttpRequest, form: forms.Form) -> None:
    """A refused form's errors as messages (for forms posted from the list)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def list_url(query: QueryDict | str) -> str:
    text = query if isinstance(query, str) else query.urlencode()
    url = reverse("tickets:list")
    return f"{url}?{text}" if text else url


def load(request: StaffRequest, pk: int) -> Ticket:
    """The ticket of a page, with what the page shows of its relations (404 outside the
    user's scope)."""
    ticket = access.get_ticket_for_user(request.user, pk)
    return (
        Ticket.objects.select_related(
            "item",
            "customer",
            "contact",
            "assignee",
            "team",
            "sla_calendar",
            "sla_standard",
            "sla_default",
            "created_by",
        )
        .filter(pk=ticket.pk)
        .get()
    )


def editable(request: StaffRequest, pk: int) -> Ticket:
    """The ticket of a page the user changes (403 when they may only read it)."""
    ticket = load(request, pk)
    if not access.can_edit_ticket(request.user, ticket):
        raise PermissionDenied
    return ticket
