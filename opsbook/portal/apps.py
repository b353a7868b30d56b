from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer portal (no models): customers' ticket pages, rating links, the public
    feedback form. Reads and writes tickets only through ``opsbook.tickets`` access and
    services."""

    name = "opsbook.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check on the rate-limit cache)
