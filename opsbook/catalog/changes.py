"""``contents_changed``, sent once per committed transaction with every content it touched.

The services and the Excel importer call ``announce_contents(ids)`` (or ``announce_item``) as
they write; the ids are gathered per thread (each thread has its own connection and
transaction) and sent in one signal when the outermost transaction commits, so importing a
checklist of 10,000 rows is one signal, not 10,000. A transaction that rolls back sends nothing.
"""

import logging
import threading
from collections.abc import Iterable

from django.db import transaction

from .models import ServiceContent, ServiceItem
from .signals import contents_changed

logger = logging.getLogger(__name__)

_pending = threading.local()


def announce_contents(content_ids: Iterable[int]) -> None:
    """Queue ``contents_changed`` for these content ids when the transaction commits."""
    ids = {pk for pk in content_ids if pk is not None}
    if not ids:
        return
    pending: set[int] | None = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(ids)
    # One callback per call: the first to run at the commit sends every id gathered, the others
    # find nothing left. Ids left by a transaction that rolled back go out with the next commit,
    # which only makes the receivers look at content that did not change (harmless).
    transaction.on_commit(_send, robust=True)


def announce_item(item: ServiceItem) -> None:
    """Queue ``contents_changed`` for every content of ``item`` (its status or owners changed)."""
    announce_contents(ServiceContent.objects.filter(item=item).values_list("pk", flat=True))


def _send() -> None:
    ids: set[int] | None = getattr(_pending, "ids", None)
    _pending.ids = None
    if not ids:
        return
    for receiver, outcome in contents_changed.send_robust(
        sender=ServiceContent, content_ids=frozenset(ids)
    ):
        if isinstance(outcome, Exception):
            logger.error(
                "contents_changed receiver %r failed for %d content(s)",
                receiver,
                len(ids),
                exc_info=outcome,
            )
