from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopsConfig(AppConfig):
    name = "opsbook.sops"
    label = "sops"
    verbose_name = _("Procedures (SOPs)")
