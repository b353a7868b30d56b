from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """ISO weekdays, as ``date.isoweekday()`` numbers them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (closed)")
    WORKDAY = "workday", _("Make-up workday (调休)")
    SPECIAL_HOURS = "special_hours", _("Special hours")


class DataSource(models.TextChoices):
    """Where a calendar's dated data came from."""

    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar library")
    IMPORT = "import", _("Imported file")
    MANUAL = "manual", _("Entered by hand")
