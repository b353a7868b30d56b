from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    NPS = "nps", _("How likely to recommend (NPS, 0–10)")
    RATING = "rating", _("Rating (1–5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


class Via(models.TextChoices):
    """Where a response was submitted."""

    PORTAL = "portal", _("Portal (signed in)")
    LINK = "link", _("One-time link")


# NPS groups of a 0–10 answer.
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
NPS_RANGE = range(0, 11)
RATING_RANGE = range(1, 6)

# The notification outbox's event name for survey invitations (customer e-mails go straight to
# the outbox, like the tickets' mails to customers; no staff rule routes them).
INVITATION_EVENT = "survey_invitation"
