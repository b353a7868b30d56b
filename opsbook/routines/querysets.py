"""Table-wide reads of occurrences (``Occurrence.objects.open().late(now)``)."""

from datetime import datetime

from django.db import models
from django.db.models import F, Q


class OccurrenceQuerySet(models.QuerySet):
    def scheduled(self):
        """Made from the content's frequency (not by hand, not from a ticket)."""
        return self.filter(source="schedule")

    def open(self):
        return self.filter(status="open")

    def late(self, now: datetime):
        """Open occurrences whose due time has passed."""
        return self.filter(status="open", due_at__lt=now)

    def done_late(self):
        """Done after their due time."""
        return self.filter(status="done", completed_at__gt=F("due_at"))

    def due_between(self, start: datetime, end: datetime):
        return self.filter(due_at__gte=start, due_at__lt=end)

    def for_user(self, user):
        """Occurrences the user is the assignee or one of the owners of."""
        owned = self.model._default_manager.filter(owners=user).values("pk")
        return self.filter(Q(assignee=user) | Q(pk__in=owned))
