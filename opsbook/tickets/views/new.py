"""A new ticket, opened by staff (the portal has its own form for customers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from opsbook.core.middleware import body_limit

from .. import access, services
from ..choices import Source
from ..forms import TicketCreateForm
from .helpers import StaffRequest, add_errors, messages_of, worker_required


@body_limit("ATTACHMENT_MAX_BYTES")
@worker_required
def ticket_new(request: StaffRequest) -> HttpResponse:
    form = TicketCreateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.do_create_ticket(request.user, source=Source.WEB, **form.values())
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                add_errors(form, exc)
            else:
                form.add_error(None, messages_of(exc))
        else:
            messages.success(
                request,
                _("Ticket %(number)s was opened.") % {"number": ticket.number},
            )
            if not access.visible_tickets(request.user).filter(pk=ticket.pk).exists():
                return redirect("tickets:list")  # another team handles it
            return redirect("tickets:detail", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/new.html", {"form": form}, status=status)
