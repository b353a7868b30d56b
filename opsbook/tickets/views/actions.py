"""What is done on one ticket from its page: edit its fields, reply or add a note, change its
status, assign it, choose its watchers, record a complaint's root cause and follow-up visits
(and, once it is closed, a manager's corrections of them), add files. Each posts one form to
one service; a refused form comes back on the ticket page."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from opsbook.core.errors import ConflictError
from opsbook.core.middleware import body_limit

from .. import access, services
from ..choices import Status
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
from .detail import render_conflict, render_detail
from .helpers import StaffRequest, add_errors, editable, messages_of, worker_required


@worker_required
@require_POST
def ticket_edit(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    tags = [t.name for t in ticket.tags.all()]
    form = TicketEditForm(request.POST, user=request.user, ticket=ticket, tags=tags)
    if not form.is_valid():
        return render_detail(request, ticket, status=400, open_section="edit", edit_form=form)
    try:
        services.do_update_ticket(
            request.user,
            ticket,
            expected_version=form.cleaned_data["version"],
            tags=form.new_tags(),
            **form.changes(),
        )
    except ConflictError as exc:
        return render_conflict(
            request, pk, "edit_form", TicketEditForm, exc, "edit", user=request.user, tags=tags
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return render_detail(request, ticket, status=400, open_section="edit", edit_form=form)
    messages.success(request, _("Ticket %(number)s was saved.") % {"number": ticket.number})
    return redirect("tickets:detail", pk=ticket.pk)


@body_limit("ATTACHMENT_MAX_BYTES")
@worker_required
@require_POST
def ticket_reply(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    form = ReplyForm(request.POST, request.FILES, ticket=ticket)
    if not form.is_valid():
        return render_detail(request, ticket, status=400, open_section="reply", reply_form=form)
    then_status = form.cleaned_data["then_status"] or None
    try:
        services.do_reply(
            request.user,
            ticket,
            form.cleaned_data["body"],
            public=form.public,
            files=form.cleaned_data["files"],
            then_status=then_status,
            # A reply adds to the ticket; only a status chosen from a stale page conflicts.
            expected_version=form.cleaned_data["version"] if then_status else None,
        )
    except ConflictError as exc:
        return render_conflict(request, pk, "reply_form", ReplyForm, exc, "reply")
    except ValidationError as exc:
        add_errors(form, exc)
        return render_detail(request, ticket, status=400, open_section="reply", reply_form=form)
    text = _("Your reply was sent.") if form.public else _("Your internal note was added.")
    messages.success(request, text)
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_status(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    form = StatusForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return render_detail(request, ticket, status=400, open_section="status", status_form=form)
    to_status = form.cleaned_data["to_status"]
    try:
        services.do_change_status(
            request.user,
            ticket,
            to_status,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except ConflictError as exc:
        return render_conflict(request, pk, "status_form", StatusForm, exc, "status")
    except ValidationError as exc:
        add_errors(form, exc)
        return render_detail(request, ticket, status=400, open_section="status", status_form=form)
    messages.success(
        request,
        _("Ticket %(number)s is now %(status)s.")
        % {"number": ticket.number, "status": Status(to_status).label},
    )
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_assign(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    can_manage = access.can_manage_tickets(request.user)
    kwargs: dict[str, Any] = {"user": request.user, "can_manage": can_manage}
    form = AssignForm(request.POST, ticket=ticket, **kwargs)
    if not form.is_valid():
        return render_detail(request, ticket, status=400, open_section="assign", assign_form=form)
    assignee, team = form.target(ticket)
    try:
        services.do_assign_ticket(
            request.user,
            ticket,
            assignee=assignee,
            team=team,
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        return render_conflict(request, pk, "assign_form", AssignForm, exc, "assign", **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        for message in messages_of(exc):
            form.add_error(None, message)
        return render_detail(request, ticket, status=400, open_section="assign", assign_form=form)
    messages.success(request, _("The assignment was saved."))
    if not access.visible_tickets(request.user).filter(pk=ticket.pk).exists():
        return redirect("tickets:list")  # handed over outside what this agent sees
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_watchers(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    current = list(ticket.watchers.all())
    me = request.POST.get("me")
    if me in {"watch", "unwatch"}:
        add = [request.user] if me == "watch" else []
        remove = [request.user] if me == "unwatch" else []
    else:
        form = WatchersForm(request.POST, watchers=current)
        if not form.is_valid():
            return render_detail(
                request, ticket, status=400, open_section="watchers", watchers_form=form
            )
        chosen = set(form.cleaned_data["watchers"])
        add = [u for u in chosen if u not in current]
        remove = [u for u in current if u not in chosen]
    services.do_set_watchers(request.user, ticket, add=add, remove=remove)
    messages.success(request, _("The watchers were saved."))
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_root_cause(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    form = RootCauseForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return render_detail(request, ticket, status=400, open_section="complaint", cause_form=form)
    try:
        services.do_update_ticket(
            request.user,
            ticket,
            expected_version=form.cleaned_data["version"],
            root_cause=form.cleaned_data["root_cause"],
        )
    except ConflictError as exc:
        return render_conflict(request, pk, "cause_form", RootCauseForm, exc, "complaint")
    except ValidationError as exc:
        add_errors(form, exc)
        return render_detail(request, ticket, status=400, open_section="complaint", cause_form=form)
    messages.success(request, _("The root cause was saved."))
    return redirect("tickets:detail", pk=ticket.pk)


@worker_required
@require_POST
def ticket_follow_up(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_follow_up(request.user, ticket, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The follow-up visit was recorded."))
            return redirect("tickets:detail", pk=ticket.pk)
    return render_detail(request, ticket, status=400, open_section="complaint", follow_up_form=form)


@body_limit("ATTACHMENT_MAX_BYTES")
@worker_required
@require_POST
def ticket_attachments(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = editable(request, pk)
    form = AttachmentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.do_add_attachments(
                request.user,
                ticket,
                form.cleaned_data["files"],
                public=form.cleaned_data["public"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("%(count)d file was added.", "%(count)d files were added.", len(added))
                % {"count": len(added)},
            )
            return redirect("tickets:detail", pk=ticket.pk)
    return render_detail(request, ticket, status=400, open_section="upload", upload_form=form)


def _correctable(request: StaffRequest, pk: int) -> Any:
    """The ticket whose closed record a manager corrects (403 for anyone else)."""
    ticket = editable(request, pk)
    if not access.can_manage_tickets(request.user):
        raise PermissionDenied
    return ticket


@worker_required
@require_POST
def ticket_correct_root_cause(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _correctable(request, pk)
    form = RootCauseCorrectionForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.do_correct_root_cause(
                request.user,
                ticket,
                root_cause=form.cleaned_data["root_cause"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as exc:
            return render_conflict(
                request, pk, "correct_cause_form", RootCauseCorrectionForm, exc, "complaint"
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The correction was recorded."))
            return redirect("tickets:detail", pk=ticket.pk)
    return render_detail(
        request, ticket, status=400, open_section="complaint", correct_cause_form=form
    )


@worker_required
@require_POST
def ticket_correct_follow_up(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _correctable(request, pk)
    form = FollowUpCorrectionForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.do_correct_follow_up(
                request.user,
                form.cleaned_data["follow_up"],
                outcome=form.cleaned_data["outcome"],
                customer_satisfied=form.cleaned_data.get("customer_satisfied"),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The correction was recorded."))
            return redirect("tickets:detail", pk=ticket.pk)
    return render_detail(
        request, ticket, status=400, open_section="complaint", correct_visit_form=form
    )
