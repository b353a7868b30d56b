from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    TEAM = "team", _("Team")
    CUSTOMER = "customer", _("Customer")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


# The statuses in which sections may still be edited and the draft rebuilt.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class CommentKind(models.TextChoices):
    NOTE = "note", _("Comment")
    RETURN = "return", _("Returned with comments")
    APPROVAL = "approval", _("Approved")


class RecipientKind(models.TextChoices):
    USER = "user", _("A user")
    EMAIL = "email", _("An e-mail address")
    CHANNEL = "channel", _("A chat channel")
    CUSTOMER = "customer", _("The customer's contacts and portal")


class Format(models.TextChoices):
    DOCX = "docx", _("Word (.docx)")
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel (.xlsx)")
