from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What can be announced. Each domain writes the words of its messages in its own
    ``notices.py``; this list is what rules and preferences choose from."""

    TICKET_CREATED = "ticket_created", _("Ticket created")
    TICKET_ASSIGNED = "ticket_assigned", _("Ticket assigned")
    TICKET_COMMENT = "ticket_comment", _("Comment on a ticket")
    TICKET_RESOLVED = "ticket_resolved", _("Ticket resolved")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    OCCURRENCE_DUE = "occurrence_due", _("Routine work due")
    OCCURRENCE_OVERDUE = "occurrence_overdue", _("Routine work overdue")
    FOLLOWUP_DUE = "followup_due", _("Follow-up visit due")
    FOLLOWUP_OVERDUE = "followup_overdue", _("Follow-up visit overdue")
    LOW_RATING = "low_rating", _("Low satisfaction rating")
    SOP_STEP_OVERDUE = "sop_step_overdue", _("SOP step overdue")
    ACTION_OVERDUE = "action_overdue", _("Improvement action overdue")
    REPORT_DUE = "report_due", _("Monthly report due")
    REPORT_SUBMITTED = "report_submitted", _("Monthly report submitted for review")
    REPORT_RETURNED = "report_returned", _("Monthly report returned with comments")
    REPORT_PUBLISHED = "report_published", _("Monthly report published")
    TEST = "test", _("Test message")
    DIGEST = "digest", _("Daily digest")


# The events rules route and people may mute: not the test message nor the digest, which are
# the notify app's own.
ROUTED_EVENTS = [e for e in Event if e not in {Event.TEST, Event.DIGEST}]


class Audience(models.TextChoices):
    """Who a rule sends to, resolved by the caller for each event (see services.do_notify)."""

    ASSIGNEE = "assignee", _("Assignee")
    OWNERS = "owners", _("Service owners")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGERS = "managers", _("Operations managers")
    CHAT_GROUP = "chat_group", _("A chat group (the rule's channel)")


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk robot (钉钉)")
    FEISHU = "feishu", _("Feishu / Lark bot (飞书)")
    SLACK = "slack", _("Slack incoming webhook")
    WEBHOOK = "webhook", _("Generic JSON webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    RETRYING = "retrying", _("Failed, will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    HELD = "held", _("Held for the digest or quiet hours")
