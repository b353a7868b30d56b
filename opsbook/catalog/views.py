from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from opsbook.accounts.access import can_view_catalog


@login_required
def tree(request):
    if not can_view_catalog(request.user):
        raise PermissionDenied
    return render(request, "catalog/tree.html", {})
