"""The autocomplete fragments of the ticket forms and filters: service items, customers and
people matching what was typed, at most ``AUTOCOMPLETE_LIMIT`` of each."""

from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, User
from opsbook.catalog import access as catalog_access

from .. import access
from ..forms import assignable_users
from .helpers import StaffRequest, staff_required

AUTOCOMPLETE_LIMIT = 20


def _search_text(request: StaffRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:100]


def _options(
    request: StaffRequest, options: list[tuple[Any, str, str]], *, empty: str = ""
) -> HttpResponse:
    return render(
        request,
        "tickets/autocomplete.html",
        {"options": options, "empty": empty or _("Nothing matches.")},
    )


@staff_required
@require_GET
def autocomplete_items(request: StaffRequest) -> HttpResponse:
    """Service items: those a ticket may be raised on (purpose=new), else those the user
    reads in the checklist (for filters)."""
    text = _search_text(request)
    if request.GET.get("purpose") == "new":
        items = access.items_for_new_ticket(request.user)
    else:
        items = catalog_access.items_for_user(request.user)
    if text:
        items = items.filter(Q(code__icontains=text) | Q(name__icontains=text))
    rows = items.order_by("code").only("code", "name")[:AUTOCOMPLETE_LIMIT]
    return _options(request, [(i.pk, f"{i.code} {i.name}", "") for i in rows])


@staff_required
@require_GET
def autocomplete_customers(request: StaffRequest) -> HttpResponse:
    text = _search_text(request)
    customers = Customer.objects.all()
    if request.GET.get("purpose") == "new":
        if not access.can_work_tickets(request.user):
            customers = customers.none()
        customers = customers.filter(is_active=True)
    if text:
        customers = customers.filter(Q(name__icontains=text) | Q(code__icontains=text))
    rows = customers.order_by("name").only("name", "code")[:AUTOCOMPLETE_LIMIT]
    return _options(request, [(c.pk, c.name, c.code) for c in rows])


def _person_filter(text: str) -> Q:
    return (
        Q(username__icontains=text)
        | Q(display_name__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
    )


@staff_required
@require_GET
def autocomplete_users(request: StaffRequest) -> HttpResponse:
    """People: staff who may be assigned (purpose=assign or filter), or the contacts of one
    customer (purpose=contact&customer=<id>). Customers' contacts are never listed without
    naming their customer."""
    text = _search_text(request)
    purpose = request.GET.get("purpose", "")
    options: list[tuple[Any, str, str]] = []
    if purpose == "contact":
        customer = request.GET.get("customer", "")
        if not (customer.isascii() and customer.isdigit()) or not access.can_work_tickets(
            request.user
        ):
            return _options(request, [], empty=_("Choose the customer first."))
        people = User.objects.filter(role=Role.CUSTOMER, is_active=True, customer_id=int(customer))
    else:
        people = assignable_users()
        if purpose == "filter" and not text:
            options += [("me", _("Me"), ""), ("none", _("Unassigned"), "")]
        if purpose == "assign" and not text:
            options.append(("none", _("Unassigned"), ""))
    if text:
        people = people.filter(_person_filter(text))
    rows = people.select_related("team").order_by("username")[:AUTOCOMPLETE_LIMIT]
    options += [(u.pk, u.label, str(u.team or u.username)) for u in rows]
    return _options(request, options)
