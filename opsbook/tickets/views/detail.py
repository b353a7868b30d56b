"""One ticket's page: its fields, SLA panel and timeline, and (for those who may change it)
the forms of what can be done on it. A form that failed comes back bound with its errors; a
save over someone else's change comes back as a conflict (409) showing what differs."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from opsbook.core import clock

from .. import access, presenters
from ..choices import Status, TicketType
from ..followups import needs_follow_up
from ..forms import (
    AssignForm,
    AttachmentsForm,
    FollowUpCorrectionForm,
    FollowUpForm,
    ReplyForm,
    RootCauseCorrectionForm,
    RootCauseForm,
    StatusForm,
    TicketEditForm,
    WatchersForm,
)
from ..models import Ticket
from ..presenters import STATUS_CLASSES
from .helpers import StaffRequest, load, staff_required


def _action_forms(
    request: StaffRequest,
    ticket: Ticket,
    now: datetime,
    tags: list[Any],
    watchers: list[Any],
    bound: dict[str, Any],
) -> dict[str, Any]:
    """The forms of the page: the bound one that failed (in ``bound``), fresh ones else."""
    user = request.user
    can_manage = access.can_manage_tickets(user)
    return {
        "edit_form": bound.get("edit_form")
        or TicketEditForm(user=user, ticket=ticket, tags=[t.name for t in tags]),
        "reply_form": bound.get("reply_form") or ReplyForm(ticket=ticket),
        "status_form": bound.get("status_form") or StatusForm(ticket=ticket),
        "assign_form": bound.get("assign_form")
        or AssignForm(user=user, ticket=ticket, can_manage=can_manage),
        "watchers_form": bound.get("watchers_form") or WatchersForm(watchers=watchers),
        "cause_form": bound.get("cause_form") or RootCauseForm(ticket=ticket),
        "follow_up_form": bound.get("follow_up_form") or FollowUpForm(),
        "upload_form": bound.get("upload_form") or AttachmentsForm(),
        "transitions": [
            (s, Status(s).label, STATUS_CLASSES.get(s, "")) for s in ticket.allowed_transitions(now)
        ],
    }


def render_detail(
    request: StaffRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    open_section: str = "",
    **bound: Any,
) -> HttpResponse:
    """The ticket page; ``bound`` replaces a fresh form with the bound one that failed (and
    ``conflict`` says what differs after a conflict)."""
    user = request.user
    now = clock.now()
    can_edit = access.can_edit_ticket(user, ticket)
    tags = list(ticket.tags.all())
    watchers = list(ticket.watchers.all())
    context = {
        "ticket": ticket,
        "status_class": STATUS_CLASSES.get(ticket.status, ""),
        "priority_class": presenters.PRIORITY_CLASSES.get(ticket.priority, ""),
        "tags": tags,
        "watchers": watchers,
        "is_watching": any(w.pk == user.pk for w in watchers),
        "sla": presenters.sla_panel(ticket, now)
        | {"defaults_url": reverse("tickets:default_targets")},
        "timeline": presenters.timeline(ticket, ticket.sla_calendar_tz()),
        "follow_ups": list(ticket.follow_ups.select_related("by")),
        "can_edit": can_edit,
        "open_section": open_section,
        "show_complaint": ticket.type in {TicketType.COMPLAINT, TicketType.INCIDENT},
        "closing_blockers": ticket.closing_blockers()
        if Status.CLOSED in ticket.allowed_transitions(now)
        else [],
        "reopen_deadline": ticket.reopen_deadline()
        if ticket.status in {Status.RESOLVED, Status.CLOSED}
        else None,
    }
    # Follow-up visits owed on the ticket (followups.py): shown with the 回访 form.
    owed = list(ticket.follow_up_tasks.open().select_related("owner"))
    context["owed_follow_ups"] = [{"task": t, "overdue": t.is_overdue(now)} for t in owed]
    context["show_complaint"] = context["show_complaint"] or bool(owed) or needs_follow_up(ticket)
    if can_edit:
        context |= _action_forms(request, ticket, now, tags, watchers, bound)
    # A closed complaint's root cause and visits are read-only; managers record corrections.
    context["record_final"] = ticket.record_is_final
    context["can_correct"] = can_edit and ticket.record_is_final and access.can_manage_tickets(user)
    if context["can_correct"]:
        context["correct_cause_form"] = bound.get("correct_cause_form") or RootCauseCorrectionForm(
            ticket=ticket
        )
        context["correct_visit_form"] = bound.get("correct_visit_form") or FollowUpCorrectionForm(
            ticket=ticket
        )
    context["conflict"] = bound.get("conflict")
    return render(request, "tickets/detail.html", context, status=status)


@staff_required
@require_GET
def ticket_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return render_detail(request, load(request, pk))


def render_conflict(
    request: StaffRequest,
    pk: int,
    name: str,
    form_class: Callable[..., forms.Form],
    exc: Exception,
    section: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """Someone saved the ticket first: show why, keep what the user typed (bound to the
    current version, so saving again is a deliberate choice) and answer 409."""
    ticket = load(request, pk)
    data = request.POST.copy()
    data["version"] = str(ticket.version)
    form = form_class(data, request.FILES or None, ticket=ticket, **form_kwargs)
    form.is_valid()
    conflict: dict[str, Any] = {"message": str(exc), "differences": []}
    if isinstance(form, TicketEditForm) and form.is_valid():
        for field_name, value in form.changes().items():
            conflict["differences"].append(
                (
                    form.fields[field_name].label,
                    presenters.field_value(field_name, getattr(ticket, field_name)),
                    presenters.field_value(field_name, value),
                )
            )
    return render_detail(
        request, ticket, status=409, open_section=section, conflict=conflict, **{name: form}
    )
