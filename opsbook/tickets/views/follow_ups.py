"""The follow-ups page: the follow-up visits (回访) owed on the tickets the user sees, with
their due time, owner and reason; each links to the ticket's 回访 form."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from opsbook.core import clock

from .. import access
from ..forms.follow_ups import FollowUpFilterForm
from .helpers import StaffRequest, staff_required

PAGE_SIZE = 50


@staff_required
@require_GET
def follow_up_list(request: StaffRequest) -> HttpResponse:
    now = clock.now()
    form = FollowUpFilterForm(request.GET or None)
    tasks = form.apply(access.visible_follow_up_tasks(request.user), request.user, now)
    tasks = tasks.select_related("ticket", "ticket__team", "owner").order_by("due_at", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"task": task, "overdue": task.is_overdue(now)} for task in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tickets/follow_ups.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "open_count": access.visible_follow_up_tasks(request.user).open().count(),
            "overdue_count": access.visible_follow_up_tasks(request.user).overdue(now).count(),
        },
    )
