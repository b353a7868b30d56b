"""Claim work in the database so two workers never do it twice.

Jobs are plain functions that may run on any worker, twice after a crash, or late after a
restart. They stay correct by claiming each piece of work inside the transaction that does it:

* a conditional UPDATE whose filter is the condition (``sent_at IS NULL``): the first worker
  changes the row, a second one finds nothing left to change;
* a unique key (``(ticket, deadline)`` in a table of warnings sent): the first insert wins.

If the work fails, the transaction rolls back and the claim with it, so the next run retries.
"""

from django.db import IntegrityError, models, transaction


def claim_update(queryset: models.QuerySet, **changes) -> int:
    """Apply ``changes`` to the rows ``queryset`` still matches, in one UPDATE, and return how
    many this call claimed: 0 means another worker got there first.

    ``claim_update(Reminder.objects.filter(pk=pk, sent_at=None), sent_at=now)``
    """
    return queryset.update(**changes)


def claim_insert[M: models.Model](model: type[M], **fields) -> M | None:
    """Insert a row whose unique constraint names the work, and return it; ``None`` when another
    worker already holds that key. Call it inside the transaction that does the work.

    ``claim_insert(SlaWarning, ticket=ticket, deadline=ticket.due_at)``
    """
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError:
        return None
