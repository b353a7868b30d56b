"""Where a change came from (``AuditEntry.source``), in the reader's language. Sources are short
codes written by the services' callers; an unknown code is shown as it is."""

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

SOURCE_LABELS: dict[str, StrOrPromise] = {
    "web": _("web page"),
    "api": _("API"),
    "import": _("import"),
    "cli": _("command line"),
    "admin": _("admin site"),
    "demo": _("demo data"),
    "test": _("test"),
}


def source_label(source: str) -> StrOrPromise:
    return SOURCE_LABELS.get(source, source)
