from django.db import models
from django.utils.translation import gettext_lazy as _


class OccurrenceStatus(models.TextChoices):
    """``late`` is not a status: an open occurrence past ``due_at``, or one done after it."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Source(models.TextChoices):
    SCHEDULE = "schedule", _("From the frequency")
    MANUAL = "manual", _("Created by hand")
    TICKET = "ticket", _("From a ticket")
