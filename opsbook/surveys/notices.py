"""What the surveys app's e-mails say: plain text, built in the reader's language."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

Message = Callable[[], tuple[str, str]]


def invitation(title: str, intro: str, url: str, closes_at: datetime) -> Message:
    closes = timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")

    def build() -> tuple[str, str]:
        subject = _("Survey: %(title)s") % {"title": title}
        parts = [
            _("We would like to hear what you think of our service."),
            intro,
            _("Answer here (a personal link, usable once, no sign-in needed):") + f"\n{url}",
            _("The survey closes on %(when)s. You can also answer it in the portal.")
            % {"when": closes},
        ]
        return subject[:200], "\n\n".join(p for p in parts if p)

    return build
