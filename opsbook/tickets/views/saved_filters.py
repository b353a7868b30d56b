"""Saving the list's filters under a name, and deleting a saved filter (its owner only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import filters
from ..forms import SaveFilterForm
from ..models import SavedFilter
from .helpers import StaffRequest, flash_errors, list_url, staff_required


@staff_required
@require_POST
def saved_filter_save(request: StaffRequest) -> HttpResponse:
    form = SaveFilterForm(request.POST)
    query = QueryDict(request.POST.get("query", ""))
    back = list_url(filters.parse(query, user=request.user)[0].to_query())
    if not form.is_valid():
        flash_errors(request, form)
        return redirect(back)
    try:
        saved, created = filters.do_save_ticket_filter(
            request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        text = (
            _("The filter “%(name)s” was saved.")
            if created
            else _("The filter “%(name)s” was replaced with these filters.")
        )
        messages.success(request, text % {"name": saved.name})
    return redirect(back)


@staff_required
@require_POST
def saved_filter_delete(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        saved = filters.saved_filters_for(request.user).get(pk=pk)
    except SavedFilter.DoesNotExist:
        raise Http404 from None
    filters.do_delete_ticket_filter(request.user, saved)
    messages.success(request, _("The filter “%(name)s” was deleted.") % {"name": saved.name})
    return redirect("tickets:list")
