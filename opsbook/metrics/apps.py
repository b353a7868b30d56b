from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "opsbook.metrics"
    label = "metrics"
    verbose_name = _("Metrics")

    def ready(self):
        # Each family module declares its metrics into the one registry when imported.
        from . import families, kpis  # noqa: F401  (kpis: the checklist's KPI actuals)
