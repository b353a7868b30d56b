from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalStatus(models.TextChoices):
    """Where a goal stands, judged from its metric (``forecast.judge`` documents the rule)."""

    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    MISSED = "missed", _("Missed")
    NO_DATA = "no_data", _("No data")


class Severity(models.TextChoices):
    """How bad a SMART finding is: an error is a missing SMART element, a warning a weak one."""

    ERROR = "error", _("Missing")
    WARNING = "warning", _("Weak")
    INFO = "info", _("Hint")


class GoalSource(models.TextChoices):
    """Where a goal is edited: here, or in the service checklist (a KPI with a target)."""

    GOAL = "goal", _("Goal")
    KPI = "kpi", _("Checklist KPI")
