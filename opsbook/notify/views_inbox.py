"""The inbox pages: one's own notifications, newest first, unread marked; mark one or all
read (POST, htmx answers the changed part and the navigation badge); open an entry (marks it
read and goes to the thing, a path on this site only). Staff only; customers get 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from opsbook.core import clock
from opsbook.core.permissions import requires

from . import access, services
from .context_processors import inbox as inbox_context
from .forms_inbox import InboxFilterForm

PER_PAGE = 25

inbox_required = requires(access.has_inbox, hidden=access.is_hidden_from)


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _unread_only(data) -> bool:
    form = InboxFilterForm(data)
    return bool(form.is_valid() and form.cleaned_data["unread"])


def _results(request, unread_only: bool, page_number) -> dict:
    entries = access.notifications_for_user(request.user, unread_only=unread_only)
    page = Paginator(entries, PER_PAGE).get_page(page_number)
    return {
        "page": page,
        "entries": [(entry, services.safe_path(entry.link)) for entry in page.object_list],
        "unread_only": unread_only,
    }


def _back_url(request) -> str:
    """The inbox as the form was posted from: the unread filter and page kept."""
    url = reverse("notify:inbox")
    query = {}
    if _unread_only(request.POST):
        query["unread"] = "on"
    page = request.POST.get("page", "")
    if page.isdigit() and len(page) < 10:
        query["page"] = page
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@inbox_required
@require_GET
def inbox(request) -> HttpResponse:
    context = _results(request, _unread_only(request.GET or None), request.GET.get("page"))
    context["can_manage_rules"] = access.can_manage_rules(request.user)
    template = "notify/inbox.html#results" if _htmx(request) else "notify/inbox.html"
    return render(request, template, context)


@inbox_required
@require_POST
def mark_read(request, pk: int) -> HttpResponse:
    """htmx: the entry's row as it now is, and the navigation badge; else back to the list."""
    entry = access.get_notification_for_user(request.user, pk)
    services.do_mark_read(request.user, entry, now=clock.now())
    if _htmx(request):
        context = {
            "entry": entry,
            "link": services.safe_path(entry.link),
            "unread_only": _unread_only(request.POST),
            "page_number": request.POST.get("page", ""),
            **inbox_context(request),
        }
        return render(request, "notify/inbox_row.html", context)
    return redirect(_back_url(request))


@inbox_required
@require_POST
def mark_all_read(request) -> HttpResponse:
    count = services.do_mark_all_read(request.user, now=clock.now())
    if _htmx(request):
        context = {**_results(request, _unread_only(request.POST), 1), **inbox_context(request)}
        context["badge_oob"] = True
        return render(request, "notify/inbox.html#results", context)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect(_back_url(request))


@inbox_required
@require_GET
def open_entry(request, pk: int) -> HttpResponse:
    """Mark the entry read and go to what it is about (only ever a path on this site; an entry
    without one opens the inbox)."""
    entry = access.get_notification_for_user(request.user, pk)
    services.do_mark_read(request.user, entry, now=clock.now())
    link = services.safe_path(entry.link)
    if not link:
        messages.info(request, _("This notification does not link to a page."))
        return redirect("notify:inbox")
    return redirect(link)
