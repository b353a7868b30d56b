from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANALYSING = "analysing", _("Analysing")
    KNOWN_ERROR = "known_error", _("Root cause known")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_PROBLEM_STATUSES = (ProblemStatus.OPEN, ProblemStatus.ANALYSING, ProblemStatus.KNOWN_ERROR)


class CauseCategory(models.TextChoices):
    """Where a root cause lies (after the 人机料法环测 fishbone, as service teams name it)."""

    PEOPLE = "people", _("People (skills, staffing, attitude)")
    PROCESS = "process", _("Process or procedure")
    SYSTEM = "system", _("System or tools")
    SUPPLIER = "supplier", _("Supplier or partner")
    CUSTOMER = "customer", _("Customer side")
    ENVIRONMENT = "environment", _("Environment or external event")
    INFORMATION = "information", _("Information or knowledge")
    OTHER = "other", _("Other")


class ProblemSource(models.TextChoices):
    TICKETS = "tickets", _("Raised from tickets")
    COMPLAINT = "complaint", _("Raised from a complaint")
    MANUAL = "manual", _("Raised by hand")
    REPORT = "report", _("Proposed by a monthly report")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Effect(models.TextChoices):
    """The verdict of an action's measured effect on its metric in a month."""

    MET = "met", _("Worked: the metric moved as expected")
    IMPROVED = "improved", _("Improved, short of the expected change")
    NO_CHANGE = "no_change", _("No measurable change")
    WORSE = "worse", _("Got worse")
    NO_DATA = "no_data", _("No data")
