from django.db import models
from django.utils.translation import gettext_lazy as _


class Evidence(models.TextChoices):
    NONE = "none", _("None")
    NOTE = "note", _("A note")
    ATTACHMENT = "attachment", _("An attachment")
    LINK = "link", _("A link")
