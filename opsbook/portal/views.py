"""Portal pages for customer contacts, the one-time rating link and the public feedback form.

Thin: tickets are read through ``tickets.access`` (scoped to the contact's organisation, 404
outside it) and written through ``tickets.services``. Staff who open a portal page are sent
to the staff pages; anyone else signed in gets 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from opsbook.accounts.access import is_staff_member
from opsbook.catalog.choices import Channel
from opsbook.catalog.models import ServiceItem
from opsbook.core import clock
from opsbook.core.middleware import body_limit
from opsbook.core.permissions import View, requires
from opsbook.tickets import access, presenters, satisfaction, services
from opsbook.tickets.choices import DONE_STATUSES, OPEN_STATUSES, Source, Status, TicketType
from opsbook.tickets.models import SatisfactionRequest
from opsbook.tickets.presenters import public_timeline
from opsbook.work.landing import staff_landing_url

from . import guard
from .forms import FeedbackForm, NewTicketForm, RatingForm, ReplyForm, add_service_errors

TICKETS_PER_PAGE = 25
STATES = ("open", "closed", "all")
RATED_STATUSES = (Status.RESOLVED, Status.CLOSED)
USED_OR_EXPIRED = gettext_lazy("This rating link has expired or has already been used.")


# --- where people land ----------------------------------------------------------------------------


def staff_home_url(user: Any) -> str:
    """Staff land on "my work" (``work.landing``)."""
    return staff_landing_url(user)


def start(request):
    """The site root and the page after signing in: customers go to the portal, staff to
    their open tickets, anonymous visitors to the login page."""
    user = request.user
    if access.is_customer(user):
        return redirect("portal:home")
    if is_staff_member(user):
        return redirect(staff_home_url(user))
    if user.is_authenticated:
        raise Http404
    return redirect(settings.LOGIN_URL)


def _staff_ticket_url(pk) -> str:
    # The staff page checks the staff member's own scope (404 outside it).
    return reverse("tickets:detail", args=[pk])


def _not_a_customer(user: Any) -> bool:
    return not access.is_customer(user)


# Anonymous visitors get the login page, anyone but customer contacts 404.
for_customers = requires(access.is_customer, hidden=_not_a_customer)


def customer_required(
    view: View | None = None, *, staff_url: Callable[..., str] | None = None
) -> Any:
    """``requires`` for customer contacts (anonymous visitors get the login page, other
    signed-in users 404), except that staff are sent to the matching staff page
    (``staff_url(**kwargs)``, else the staff home)."""

    def decorator(view: View) -> View:
        guarded = for_customers(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if is_staff_member(request.user):
                return redirect(staff_url(**kwargs) if staff_url else staff_home_url(request.user))
            return guarded(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


# --- signed-in customers --------------------------------------------------------------------------


@customer_required
@require_http_methods(["GET"])
def home(request):
    state = request.GET.get("state")
    if state not in STATES:
        state = "open"
    tickets = access.visible_tickets(request.user).select_related("item")
    if state == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif state == "closed":
        tickets = tickets.filter(status__in=DONE_STATUSES)
    tickets = tickets.order_by("-updated_at", "-id")
    page = Paginator(tickets, TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": [
            ("open", _("Open")),
            ("closed", _("Resolved and closed")),
            ("all", _("All")),
        ],
        "organisation": request.user.customer,
    }
    return render(request, "portal/home.html", context)


def _promise(items, item_id: object, ticket_type: object) -> str:
    """What a new ticket on ``item_id`` (one of ``items``) of ``ticket_type`` is promised."""
    item = None
    if isinstance(item_id, str) and item_id.isascii() and item_id.isdigit():
        item = items.filter(pk=int(item_id)).first()
    elif isinstance(item_id, ServiceItem):
        item = item_id
    if item is None or ticket_type not in TicketType.values:
        return ""
    return presenters.promise_text(item.pk, str(ticket_type), channel=Channel.PORTAL)


@body_limit("ATTACHMENT_MAX_BYTES")
@customer_required
@require_http_methods(["GET", "POST"])
def new_ticket(request):
    items = access.customer_items(request.user)
    form = NewTicketForm(
        request.POST or None,
        request.FILES or None,
        items=items,
        promise_url=reverse("portal:promise"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.do_create_ticket(
                request.user,
                title=data["title"],
                description=data["description"],
                type=data["type"],
                item=data["item"],
                channel=Channel.PORTAL,
                source=Source.PORTAL,
                files=data["files"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="files")
        else:
            messages.success(
                request,
                _("Your request %(number)s was submitted.") % {"number": ticket.number},
            )
            return redirect("portal:ticket", pk=ticket.pk)
    data = request.POST or {}
    context = {
        "form": form,
        "has_services": items.exists(),
        "promise": _promise(items, data.get("item"), data.get("type", TicketType.CONSULTATION)),
        "promise_chosen": bool(data.get("item")),
    }
    return render(request, "portal/new_ticket.html", context, status=400 if form.errors else 200)


@customer_required
@require_GET
def promise(request):
    """The promise of the service and type chosen on the new-request form (an htmx partial)."""
    items = access.customer_items(request.user)
    context = {
        "promise": _promise(items, request.GET.get("item"), request.GET.get("type")),
        "promise_chosen": bool(request.GET.get("item")),
    }
    return render(request, "portal/new_ticket.html#promise", context)


def _can_reply(ticket, now) -> bool:
    if ticket.status == Status.CANCELLED:
        return False
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        return ticket.can_reopen(now)
    return True


def _ticket_page(request, ticket, *, reply_form=None, rating_form=None, status=200):
    now = clock.now()
    can_reply = _can_reply(ticket, now)
    can_rate = ticket.status in RATED_STATUSES and ticket.rating is None
    # A refused reply or rating whose form is no longer offered (the ticket was cancelled,
    # rated or reopened meanwhile) still tells the customer why.
    for form, shown in ((reply_form, can_reply), (rating_form, can_rate)):
        if form is not None and not shown:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    context = {
        "ticket": ticket,
        "entries": public_timeline(request.user, ticket),
        "can_reply": can_reply,
        "reply_reopens": can_reply and ticket.status in RATED_STATUSES,
        "reply_form": (reply_form or ReplyForm()) if can_reply else None,
        "can_rate": can_rate,
        "rating_form": (rating_form or RatingForm()) if can_rate else None,
    }
    return render(request, "portal/ticket.html", context, status=status)


@customer_required(staff_url=_staff_ticket_url)
@require_http_methods(["GET"])
def ticket_detail(request, pk):
    ticket = access.get_ticket_for_user(request.user, pk)
    return _ticket_page(request, ticket)


@body_limit("ATTACHMENT_MAX_BYTES")
@customer_required(staff_url=_staff_ticket_url)
@require_POST
def reply(request, pk):
    ticket = access.get_ticket_for_user(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.do_reply(
                request.user, ticket, form.cleaned_data["body"], files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="files")
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("portal:ticket", pk=ticket.pk)
    ticket.refresh_from_db()
    return _ticket_page(request, ticket, reply_form=form, status=400)


@customer_required(staff_url=_staff_ticket_url)
@require_POST
def rate_ticket(request, pk):
    ticket = access.get_ticket_for_user(request.user, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.do_rate_ticket(
                ticket,
                form.cleaned_data["rating"],
                form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="rating")
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:ticket", pk=ticket.pk)
    ticket.refresh_from_db()
    return _ticket_page(request, ticket, rating_form=form, status=400)


@customer_required
@require_http_methods(["GET"])
def attachment(request, pk):
    """A public file of one of the organisation's tickets, always as a download."""
    item = access.get_attachment_for_user(request.user, pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=item.content_type
    )


# --- the one-time rating link (no sign-in) --------------------------------------------------------


def _link_problem(request_row: SatisfactionRequest) -> tuple[int, StrOrPromise] | None:
    """(status, message) when the link cannot be used, else None. Says nothing more than
    whether the link works."""
    ticket = request_row.ticket
    if ticket.rating is not None:
        return 410, _("This request has already been rated. Thank you!")
    if request_row.used_at is not None or request_row.expires_at <= clock.now():
        return 410, USED_OR_EXPIRED
    if ticket.status not in RATED_STATUSES:
        return 410, _(
            "This request was reopened. When it is resolved again you will get a new link."
        )
    return None


def _link_gone(request: HttpRequest, status: int, message: StrOrPromise) -> HttpResponse:
    return render(request, "portal/rate_gone.html", {"message": message}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, token):
    request_row = None
    if token and len(token) <= 100:
        request_row = (
            SatisfactionRequest.objects.select_related("ticket")
            .filter(digest=satisfaction.digest(token))
            .first()
        )
    if request_row is None:
        message = _("This rating link is not valid. Check that you copied the whole link.")
        return _link_gone(request, 404, message)
    problem = _link_problem(request_row)
    if problem:
        return _link_gone(request, *problem)
    ticket = request_row.ticket
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_rate_ticket(
                ticket, form.cleaned_data["rating"], form.cleaned_data["comment"], token=token
            )
        except PermissionDenied:
            return _link_gone(request, 410, USED_OR_EXPIRED)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="rating")
        else:
            return render(request, "portal/rate_done.html", {"title": ticket.title})
    status = 400 if form.errors else 200
    return render(request, "portal/rate.html", {"form": form, "title": ticket.title}, status=status)


# --- the public feedback form (no sign-in) --------------------------------------------------------


def _feedback_enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PUBLIC_FEEDBACK_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _with_fresh_stamp(data):
    """The submitted values with a new time stamp and an empty honeypot, so a person who was
    refused or made a mistake can correct and send the form again."""
    fresh = data.copy()
    fresh[guard.STAMP_FIELD] = guard.issue_stamp()
    fresh[guard.HONEYPOT_FIELD] = ""
    return fresh


@_feedback_enabled
@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request):
    if request.method == "GET":
        form = FeedbackForm(initial={guard.STAMP_FIELD: guard.issue_stamp()})
        return render(request, "portal/feedback.html", {"form": form})
    if guard.over_limit(request):
        return render(request, "portal/feedback_limited.html", status=429)
    form = FeedbackForm(_with_fresh_stamp(request.POST))
    if guard.looks_automated(request.POST):
        # The same neutral message whichever check failed; nothing is written.
        return render(request, "portal/feedback.html", {"form": form, "refused": True}, status=400)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.do_create_ticket(
                None,
                title=data["title"],
                description=data["description"],
                type=data["type"],
                channel=Channel.PORTAL,
                source=Source.PUBLIC_FORM,
                requester_name=data["name"],
                requester_email=data["email"],
                requester_phone=data["phone"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("portal:feedback_done")
    return render(request, "portal/feedback.html", {"form": form}, status=400)


@_feedback_enabled
@require_http_methods(["GET"])
def feedback_done(request):
    return render(request, "portal/feedback_done.html")
