"""One action on the tickets ticked in the list: each ticket changed wholly or not at all, and
a message for each that could not be."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from opsbook.core.errors import ConflictError

from .. import access, services
from ..forms import BULK_ACTIONS, BulkActionForm
from ..models import Ticket
from .helpers import StaffRequest, flash_errors, list_url, messages_of, worker_required


def _bulk_apply(user: Any, ticket: Ticket, action: str, data: dict[str, Any]) -> None:
    """One ticket's change: one service call, so a ticket is changed wholly or not at all."""
    if action == "assign":
        assignee = data["assignee_user"]
        team = assignee.team if assignee is not None and assignee.team_id else ticket.team
        services.do_assign_ticket(user, ticket, assignee=assignee, team=team)
    elif action == "status":
        services.do_change_status(user, ticket, data["status"])
    elif action == "priority":
        services.do_update_ticket(user, ticket, expected_version=None, priority=data["priority"])
    elif action == "tag":
        names = [t.name for t in ticket.tags.all()]
        if data["tag"] not in names:
            services.do_update_ticket(
                user, ticket, expected_version=None, tags=[*names, data["tag"]]
            )


def _apply_all(
    request: StaffRequest, ids: list[int], action: str, data: dict[str, Any]
) -> tuple[int, list[str]]:
    """How many tickets were changed, and what stopped the others."""
    found = {t.pk: t for t in access.visible_tickets(request.user).filter(pk__in=ids).order_by()}
    if action == "tag":
        prefetch_related_objects(list(found.values()), "tags")
    done, problems = 0, []
    for pk in ids:
        ticket = found.get(pk)
        if ticket is None:
            problems.append(_("#%(pk)s: no such ticket.") % {"pk": pk})
            continue
        try:
            _bulk_apply(request.user, ticket, action, data)
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            for message in messages_of(exc):
                problems.append(f"{ticket.number} {ticket.title}: {message}")
        else:
            done += 1
    return done, problems


@worker_required
@require_POST
def bulk(request: StaffRequest) -> HttpResponse:
    form = BulkActionForm(request.POST)
    return_query = QueryDict(request.POST.get("return_query", ""))
    back = list_url(return_query.urlencode())
    if not form.is_valid():
        flash_errors(request, form)
        return redirect(back)
    action = form.cleaned_data["action"]
    done, problems = _apply_all(request, form.cleaned_data["tickets"], action, form.cleaned_data)
    if done:
        messages.success(
            request,
            ngettext(
                "%(action)s: %(count)d ticket was changed.",
                "%(action)s: %(count)d tickets were changed.",
                done,
            )
            % {"action": BULK_ACTIONS[action], "count": done},
        )
    for problem in problems:
        messages.error(request, problem)
    return redirect(back)
