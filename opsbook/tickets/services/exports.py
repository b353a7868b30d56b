"""Asking for a large ticket export, which a background job writes (``jobs.export_tickets``).

Not re-exported by ``services``: ``jobs`` imports the services, and this module enqueues a job.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opsbook.accounts.access import is_staff_member

from .. import access, export
from ..choices import ExportFormat
from ..filters import TicketFilters
from ..jobs import export_tickets_task
from ..models import ExportJob


def may_export(user) -> bool:
    """Whoever sees a ticket list: staff, and customer contacts (their organisation's)."""
    return is_staff_member(user) or access.is_customer(user)


@transaction.atomic
def do_request_ticket_export(user, chosen: TicketFilters, fmt: str, now: datetime) -> ExportJob:
    """Record an export of the list ``user`` sees with ``chosen`` filters; a job writes it
    after this transaction commits. The file is kept ``OPSBOOK_TICKET_EXPORT_KEEP_HOURS``."""
    if not may_export(user):
        raise PermissionDenied(_("Your role does not allow this."))
    if fmt not in ExportFormat.values:
        raise ValidationError(
            {"format": _("Choose one of: %(choices)s.") % {"choices": ", ".join(ExportFormat)}}
        )
    tz = export.user_time_zone(user)
    job = ExportJob.objects.create(
        owner=user,
        query=chosen.to_query(),
        format=fmt,
        time_zone=str(tz),
        language=get_language() or settings.LANGUAGE_CODE,
        created_at=now,
        expires_at=now + timedelta(hours=settings.OPSBOOK_TICKET_EXPORT_KEEP_HOURS),
    )
    job_id = str(job.pk)
    transaction.on_commit(lambda: export_tickets_task.enqueue(job_id))
    return job
