from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "opsbook.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Every app declares its periodic jobs in its own `jobs.py` (with the decorators of
        # `opsbook.jobs.schedule`); importing them here fills the one registry the scheduler reads.
        autodiscover_modules("jobs")
