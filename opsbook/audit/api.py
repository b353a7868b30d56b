"""The audit trail over the API, mounted at /api/audit/: administrators and managers only.

A record's own history is also served next to the record (e.g. /api/catalog/items/{id}/history)
to everyone who may read that record.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from opsbook.accounts.access import can_read_audit_log
from opsbook.core.api import Message, Pagination, ValidationErrors

from .models import AuditEntry
from .schemas import AuditEntryOut, AuditFilters

router = Router(tags=["audit"])


@router.get(
    "",
    response={200: list[AuditEntryOut], 401: Message, 403: Message, 422: ValidationErrors},
)
@paginate(Pagination)
def list_audit_entries(request, filters: Query[AuditFilters]):
    """Audit entries, newest first."""
    if not can_read_audit_log(request.user):
        raise PermissionDenied(_("The audit trail is for administrators and managers."))
    qs = AuditEntry.objects.all()
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.since:
        since = filters.since
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        qs = qs.filter(at__gte=since)
    return qs
