from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutinesConfig(AppConfig):
    name = "opsbook.routines"
    label = "routines"
    verbose_name = _("Recurring service work")

    def ready(self):
        from . import receivers  # noqa: F401 (connects the signal receivers)
