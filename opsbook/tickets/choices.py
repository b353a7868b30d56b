from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation / request")
    INCIDENT = "incident", _("Fault / incident")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion / feedback")


class TicketStatus(models.TextChoices):
    """A ticket's status; the class name is the OpenAPI component's (``Status`` alone would be
    ambiguous). ``Status`` stays as the name the code uses."""

    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


Status = TicketStatus


# The clocks run in these states, pause in WAITING and stop in the rest.
RUNNING_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
PAUSED_STATUSES = frozenset({Status.WAITING})
OPEN_STATUSES = RUNNING_STATUSES | PAUSED_STATUSES
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})


class Source(models.TextChoices):
    WEB = "web", _("Staff, web")
    PORTAL = "portal", _("Customer portal")
    PUBLIC_FORM = "public_form", _("Public feedback form")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class SlaState(models.TextChoices):
    """How a ticket stands against its targets, for filters and badges."""

    # Cancelled tickets are not measured.
    NONE = "none", _("No target")
    # Neither the checklist nor the organisation's defaults set a target: nobody is measuring
    # this ticket, which must be visible rather than silent.
    NO_CLOCK = "no_clock", _("No SLA clock")
    OK = "ok", _("On track")
    WARNING = "warning", _("At risk")
    BREACHED = "breached", _("Breached")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")


class EventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("ticket event", "Created")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    CHANGED = "changed", _("Fields changed")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
    SLA_RECOMPUTED = "sla_recomputed", _("SLA recomputed")
    FOLLOW_UP = "follow_up", _("Follow-up visit")
    RATED = "rated", _("Rated")
    WATCHERS = "watchers", _("Watchers changed")
    CORRECTED = "corrected", _("Corrected")


# Why something happened without anybody doing it (``TicketEvent.data["rule"]``): the event's
# actor is None and the timeline names the rule, never the person whose action triggered it.
class AutoRule(models.TextChoices):
    ASSIGNMENT = "assignment", _("automatic assignment")
    CUSTOMER_REPLY = "customer_reply", _("resumed on the customer's reply")
    AUTO_CLOSE = "auto_close", _("closed automatically")


# What a manager may correct on a closed complaint (the original stays in the event).
class Correctable(models.TextChoices):
    ROOT_CAUSE = "root_cause", _("root cause")
    FOLLOW_UP = "follow_up", _("follow-up visit")


class Clock(models.TextChoices):
    RESPONSE = "response", _("Response")
    RESOLUTION = "resolution", _("Resolution")


class FollowUpReason(models.TextChoices):
    RESOLVED = "resolved", _("Follow-up after resolution")
    LOW_RATING = "low_rating", _("Low satisfaction rating")


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("On-site visit")
    WECOM = "wecom", _("WeCom")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (.xlsx)")
    CSV = "csv", _("CSV (UTF-8)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
