"""What routines say when they notify (reminders before due, escalation when overdue).

Each function returns a ``do_notify`` message: a zero-argument callable giving (title, body),
called once per reader with the reader's language active."""

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Occurrence

Message = Callable[[], tuple[str, str]]


def occurrence_path(pk: int) -> str:
    """The occurrence's page (``routines:occurrence``, built by the routines pages)."""
    return reverse("routines:occurrence", args=[pk])


def _when(occurrence: Occurrence) -> str:
    return f"{timezone.localtime(occurrence.due_at):%Y-%m-%d %H:%M}"


def _names(occurrence: Occurrence) -> dict[str, str]:
    content = occurrence.content
    return {
        "content": content.name,
        "item": content.item.name,
        "due": _when(occurrence),
        "assignee": occurrence.assignee.label if occurrence.assignee else _("nobody"),
    }


def due_message(occurrence: Occurrence) -> Message:
    def message() -> tuple[str, str]:
        names = _names(occurrence)
        return (
            _("Due %(due)s: %(content)s") % names,
            _(
                "%(content)s (%(item)s) is due by %(due)s. Complete it with a note, a file or "
                "a link, or skip it with a reason."
            )
            % names,
        )

    return message


def overdue_message(occurrence: Occurrence) -> Message:
    def message() -> tuple[str, str]:
        names = _names(occurrence)
        return (
            _("Overdue: %(content)s") % names,
            _(
                "%(content)s (%(item)s) was due by %(due)s and is not done yet. "
                "Assigned to: %(assignee)s."
            )
            % names,
        )

    return message
