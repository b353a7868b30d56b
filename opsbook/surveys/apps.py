from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "opsbook.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        # The "surveys" metric family (surveys.nps, surveys.response_rate, surveys.responses).
        from opsbook.metrics import registry

        from .metrics import FAMILY

        registry.register(FAMILY)
