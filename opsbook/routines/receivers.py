"""Reactions to changes (listed in docs/developers/signals.md): when service content or a
calendar changes, the future open occurrences it produced are rescheduled by a background job,
once per committed transaction (an import of a whole checklist is one job)."""

from django.dispatch import receiver

from opsbook.calendars.signals import calendar_changed
from opsbook.catalog.signals import contents_changed

from .jobs import reschedule_calendar_task, reschedule_contents_task


@receiver(contents_changed, dispatch_uid="routines_reschedule_on_contents_change")
def reschedule_after_contents_change(sender, content_ids, **kwargs):
    reschedule_contents_task.enqueue(content_ids=sorted(content_ids))


@receiver(calendar_changed, dispatch_uid="routines_reschedule_on_calendar_change")
def reschedule_after_calendar_change(sender, calendar_id, **kwargs):
    reschedule_calendar_task.enqueue(calendar_id=calendar_id)
