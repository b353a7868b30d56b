"""Reactions to changes (listed in docs/developers/signals.md): when a calendar, an item's
service standards or the organisation's default targets change, the open tickets they measure
are recomputed by a background job."""

from django.dispatch import receiver

from opsbook.calendars.signals import calendar_changed
from opsbook.catalog.signals import standards_changed

from .jobs import recompute_open_tickets_task
from .signals import default_targets_changed


@receiver(calendar_changed, dispatch_uid="tickets_recompute_on_calendar_change")
def recompute_after_calendar_change(sender, calendar_id, **kwargs):
    recompute_open_tickets_task.enqueue(calendar_id=calendar_id)


@receiver(standards_changed, dispatch_uid="tickets_recompute_on_standard_change")
def recompute_after_standard_change(sender, item_id, **kwargs):
    recompute_open_tickets_task.enqueue(item_id=item_id)


@receiver(default_targets_changed, dispatch_uid="tickets_recompute_on_default_targets_change")
def recompute_after_default_targets_change(sender, **kwargs):
    recompute_open_tickets_task.enqueue(defaults=True)
