from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Operations manager")
    AGENT = "agent", _("Agent / service owner")
    VIEWER = "viewer", _("Viewer")
    CUSTOMER = "customer", _("Customer contact")


STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT, Role.VIEWER})
