"""What the problems app says when it notifies (an improvement action past its due date).

Each function returns a ``do_notify`` message: a zero-argument callable giving (title, body),
called once per reader with the reader's language active."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Action

Message = Callable[[], tuple[str, str]]


def action_path(pk: int) -> str:
    return reverse("problems:action_detail", args=[pk])


def overdue_message(action: Action) -> Message:
    def message() -> tuple[str, str]:
        names = {
            "action": action.title,
            "due": f"{action.due:%Y-%m-%d}" if action.due else "",
            "problem": action.problem.title if action.problem else _("no problem"),
        }
        return (
            _("Action overdue: %(action)s") % names,
            _(
                "The improvement action %(action)s (problem: %(problem)s) was due on %(due)s "
                "and is not done yet. Finish it, or change its due date with a reason."
            )
            % names,
        )

    return message
