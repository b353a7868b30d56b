from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatus(models.TextChoices):
    """A service item's or content's status; the class name is the OpenAPI component's
    (``Status`` alone would be ambiguous). ``Status`` stays as the name the code uses."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


Status = ItemStatus


class Tier(models.TextChoices):
    BASIC = "basic", _("Basic")
    ADVANCED = "advanced", _("Advanced")
    CUSTOM = "custom", _("Custom")


class DeliveryMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ONSITE = "onsite", _("On-site")
    HYBRID = "hybrid", _("Remote and on-site")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Online chat")
    PORTAL = "portal", _("Web portal")
    WECOM = "wecom", _("WeCom")
    API = "api", _("API")
    ONSITE = "onsite", _("On-site")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class TimeBasis(models.TextChoices):
    BUSINESS = "business", _("Business time")
    CALENDAR = "calendar", _("Calendar time")


class KpiDirection(models.TextChoices):
    AT_LEAST = "at_least", _("At least (higher is better)")
    AT_MOST = "at_most", _("At most (lower is better)")


class ResourceKind(models.TextChoices):
    PEOPLE = "people", _("People")
    BUDGET = "budget", _("Budget")
    TOOL = "tool", _("Tool")
    OTHER = "other", _("Other")


class FrequencyKind(models.TextChoices):
    RECURRING = "recurring", _("Recurring")
    ON_DEMAND = "on_demand", _("On demand")


class FrequencyPeriod(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF_YEAR = "half_year", _("Half year")
    YEAR = "year", _("Year")


class DueShift(models.TextChoices):
    """Where a due date that falls on a non-working day goes."""

    PREVIOUS = "previous", _("to the previous working day")
    NEXT = "next", _("to the next working day")
    KEEP = "keep", _("stays on that day")
