"""The ticket list: filters (live by htmx), quick links, saved filters, one page of tickets,
their total (exact up to a limit, else an estimate labelled as one) and the export buttons."""

from datetime import datetime
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.models import ServiceItem
from opsbook.core import clock

from .. import access, export, filters, presenters
from ..choices import SlaState, Status
from ..forms import (
    BULK_ACTIONS,
    PAGE_SIZES,
    bulk_controls,
    filter_controls,
    save_controls,
)
from ..presenters import ListRow
from .helpers import StaffRequest, is_partial, list_url, staff_required

# The columns a list row shows or its SLA badge is decided from (and nothing else: loading
# sixty columns of a hundred tickets and their related rows is most of a page's time).
PERSON = ("username", "display_name", "first_name", "last_name")
LIST_FIELDS = (
    "title",
    "type",
    "channel",
    "priority",
    "status",
    "created_at",
    "first_response_at",
    "response_target_seconds",
    "resolution_target_seconds",
    "response_due_at",
    "resolution_due_at",
    "response_warn_at",
    "resolution_warn_at",
    "response_breached",
    "resolution_breached",
    "item__code",
    "item__name",
    "customer__name",
    *(f"assignee__{name}" for name in PERSON),
    "team__name",
    "sla_calendar__time_zone",
)
MAX_PAGE = 10_000
# The fields whose text is shown back as typed when it was not understood.
TYPED = {"q", "tag", "created_from", "created_to"}


def _page_size(raw: str | None, errors: dict[str, list[str]]) -> int:
    if not raw:
        return PAGE_SIZES[0]
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= PAGE_SIZES[-1]:
        return int(raw)
    errors.setdefault("per_page", []).append(
        _("Show between 1 and %(max)d tickets a page.") % {"max": PAGE_SIZES[-1]}
    )
    return PAGE_SIZES[0]


def _page_number(raw: str | None) -> int:
    if raw and raw.isascii() and raw.isdigit():
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


def _list_rows(
    request: StaffRequest, parsed: filters.TicketFilters, now: datetime, page: int, per_page: int
) -> tuple[list[ListRow], bool, export.Total]:
    """One page of tickets, whether there is another (LIMIT n+1) and the total: a COUNT over
    at most OPSBOOK_TICKET_COUNT_LIMIT + 1 rows, an estimate past it. A fixed number of queries
    whatever the page size (the total, the page, then the tags of its tickets)."""
    matching = filters.apply(access.visible_tickets(request.user), parsed, now)
    total = export.total(matching)
    tickets = matching.select_related("item", "customer", "assignee", "team", "sla_calendar").only(
        *LIST_FIELDS
    )
    start = (page - 1) * per_page
    found = list(tickets[start : start + per_page + 1])
    has_next = len(found) > per_page
    found = found[:per_page]
    prefetch_related_objects(found, "tags")
    detail_url = reverse("tickets:detail", args=[0]).removesuffix("0/")
    return presenters.list_rows(found, now, detail_url), has_next, total


def _chosen_labels(parsed: filters.TicketFilters, rows: list[ListRow]) -> dict[str, str]:
    """Names of the service, customer and person the filters name. Every row of a page filtered
    by one of them carries it already; only an empty page needs to look them up."""
    first = rows[0].ticket if rows else None
    labels = {}
    if parsed.item is not None:
        item = first.item if first else ServiceItem.objects.filter(pk=parsed.item).first()
        labels["item"] = f"{item.code} {item.name}" if item else _("(unknown service)")
    if parsed.customer is not None:
        customer = first.customer if first else Customer.objects.filter(pk=parsed.customer).first()
        labels["customer"] = customer.name if customer else _("(unknown customer)")
    if parsed.assignee == filters.ME:
        labels["assignee"] = _("Me")
    elif parsed.assignee == filters.NOBODY:
        labels["assignee"] = _("Unassigned")
    elif parsed.assignee:
        if first:
            person = first.assignee
        elif parsed.assignee_id is not None:
            person = User.objects.staff().filter(pk=parsed.assignee_id).first()
        else:
            person = None
        labels["assignee"] = person.label if person else _("(unknown person)")
    return labels


def _quick_links(user: Any) -> list[tuple[str, str]]:
    open_statuses = "&".join(
        f"status={s}" for s in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING)
    )
    links = [
        (_("My open tickets"), f"assignee=me&{open_statuses}"),
        (_("Unassigned"), f"assignee=none&{open_statuses}"),
        (_("Breached"), f"sla={SlaState.BREACHED}"),
        (_("At risk"), f"sla={SlaState.WARNING}"),
        (_("No SLA clock"), f"sla={SlaState.NO_CLOCK}&{open_statuses}"),
    ]
    if user.team_id:
        links.insert(1, (_("My team's open tickets"), f"team={user.team_id}&{open_statuses}"))
    return [(label, list_url(query)) for label, query in links]


def _filter_form(
    request: StaffRequest,
    parsed: filters.TicketFilters,
    errors: dict[str, list[str]],
    per_page: int,
    rows: list[ListRow],
) -> dict[str, Any]:
    """What only the full page draws: the filter form, the saved filters and the quick links.
    The form shows the filters as understood; text the user typed stays when it was bad."""
    values = parsed.to_query_dict()
    values["per_page"] = str(per_page)
    for name in TYPED & set(errors):
        values.setlist(name, request.GET.getlist(name))
    return {
        "filter_form": filter_controls(
            values,
            labels=_chosen_labels(parsed, rows),
            teams=Team.objects.only("name"),
            invalid=errors,
        ),
        "saved_filters": list(filters.saved_filters_for(request.user)),
        "quick_links": _quick_links(request.user),
    }


def _export_url(parsed: filters.TicketFilters) -> str:
    """The export's address with the list's filters as understood (``&format=…`` follows)."""
    query = parsed.to_query()
    return reverse("tickets:export") + "?" + (query + "&" if query else "")


@staff_required
@require_GET
def ticket_list(request: StaffRequest) -> HttpResponse:
    now = clock.now()
    parsed, errors = filters.parse(request.GET, user=request.user)
    per_page = _page_size(request.GET.get("per_page"), errors)
    page = _page_number(request.GET.get("page"))
    rows, has_next, total = _list_rows(request, parsed, now, page, per_page)

    query = parsed.to_query_dict()
    if per_page != PAGE_SIZES[0]:
        query["per_page"] = str(per_page)
    canonical = query.urlencode()

    def page_url(number: int) -> str:
        page_query = query.copy()
        page_query["page"] = str(number)
        return list_url(page_query)

    partial = is_partial(request)
    can_work = access.can_work_tickets(request.user)
    context = {
        "rows": rows,
        "filters": parsed,
        "filter_errors": errors,
        "page": page,
        "per_page": per_page,
        "first_index": (page - 1) * per_page + 1 if rows else 0,
        "last_index": (page - 1) * per_page + len(rows),
        "previous_url": page_url(page - 1) if page > 1 else "",
        "next_url": page_url(page + 1) if has_next else "",
        "query": canonical,
        "filter_query": parsed.to_query(),
        "total": total,
        "export_url": _export_url(parsed),
        "can_work": can_work,
        "bulk_actions": BULK_ACTIONS,
        "bulk": bulk_controls(canonical) if can_work else None,
        "save": save_controls(parsed.to_query()),
        "now": now,
    }
    if not partial:
        context |= _filter_form(request, parsed, errors, per_page, rows)
    template = "tickets/list.html#results" if partial else "tickets/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if partial:
        # The address bar shows the filters as understood, not the raw form fields.
        response = push_url(response, page_url(page) if page > 1 else list_url(canonical))
    return response
