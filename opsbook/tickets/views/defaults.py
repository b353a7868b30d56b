"""The organisation's default SLA targets: what measures a ticket when the checklist sets no
service standard for its service, channel and priority. Staff read them; managers change them
(the open tickets they measure are then recomputed in the background)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import access, services
from ..forms.defaults import DefaultTargetsForm
from ..models import DefaultTarget
from .helpers import StaffRequest, add_errors, staff_required


@staff_required
@require_http_methods(["GET", "POST"])
def default_targets(request: StaffRequest) -> HttpResponse:
    can_edit = access.can_manage_tickets(request.user)
    targets = list(DefaultTarget.objects.select_related("updated_by"))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = DefaultTargetsForm(request.POST, targets=targets)
        if form.is_valid():
            try:
                changed = services.do_update_default_targets(request.user, form.targets())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if changed:
                    messages.success(
                        request,
                        _(
                            "The default targets were saved. Open tickets they measure are "
                            "being recomputed."
                        ),
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("tickets:default_targets")
        status = 400
    else:
        form, status = DefaultTargetsForm(targets=targets), 200
    last = max(targets, key=lambda t: t.updated_at, default=None)
    context = {"form": form, "rows": form.rows(), "can_edit": can_edit, "last": last}
    return render(request, "tickets/default_targets.html", context, status=status)
