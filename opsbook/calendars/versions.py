"""A calendar's version: every write bumps it once (checking the version the caller loaded, for
optimistic locking) and announces ``calendar_changed`` when its transaction commits."""

import logging
import threading
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.locking import bump_version

from .models import Calendar
from .signals import calendar_changed

logger = logging.getLogger(__name__)


def touch(calendar: Calendar, expected_version: int | None = None) -> None:
    """Bump the calendar's version (and check it when the caller loaded an older one).

    Also queues ``calendar_changed`` for when the transaction commits."""
    bump_version(
        calendar,
        expected_version,
        _("%(name)s was changed by someone else after you opened it. Reload and try again.")
        % {"name": calendar.name},
        updated_at=clock.now(),
    )
    announce_change(calendar.pk)


# Calendars changed by transactions not yet committed, per thread (each thread has its own
# database connection). An id left here by a transaction that rolled back is harmless: only an
# on-commit callback queued by a later, committed change of the same calendar sends it.
_changed = threading.local()


def announce_change(calendar_id: int) -> None:
    pending = getattr(_changed, "ids", None)
    if pending is None:
        pending = _changed.ids = set()
    pending.add(calendar_id)
    transaction.on_commit(partial(_send_changed, calendar_id), robust=True)


def _send_changed(calendar_id: int) -> None:
    """Send ``calendar_changed`` once per calendar per commit, with the committed version."""
    pending: set[int] = getattr(_changed, "ids", set())
    if calendar_id not in pending:
        return  # an earlier callback of the same commit already sent it
    pending.discard(calendar_id)
    version = Calendar.objects.filter(pk=calendar_id).values_list("version", flat=True).first()
    if version is None:
        return
    # Every receiver runs even if one fails; failures are logged, the change stays committed.
    for receiver, outcome in calendar_changed.send_robust(
        sender=Calendar, calendar_id=calendar_id, version=version
    ):
        if isinstance(outcome, Exception):
            logger.error(
                "calendar_changed receiver %r failed for calendar %s",
                receiver,
                calendar_id,
                exc_info=outcome,
            )


def check_version(calendar: Calendar, expected_version: int) -> None:
    """ConflictError when the calendar is no longer at ``expected_version`` (without a bump)."""
    if not Calendar.objects.filter(pk=calendar.pk, version=expected_version).exists():
        raise ConflictError(
            _("%(name)s was changed by someone else after you opened it. Reload and try again.")
            % {"name": calendar.name}
        )
