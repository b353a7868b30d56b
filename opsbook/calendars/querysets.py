from django.db import models


class CalendarQuerySet(models.QuerySet):
    def default(self):
        """The calendar SLA clocks use when nothing more specific is set, or None."""
        return self.filter(is_default=True).first()


class CalendarYearQuerySet(models.QuerySet):
    def covered(self):
        """Years whose official data is complete."""
        return self.filter(complete=True)
