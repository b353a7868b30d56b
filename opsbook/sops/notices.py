"""What SOP notifications say. Each function returns the zero-argument ``message`` that
``notify.services.do_notify`` calls in each reader's language."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import StepRun


def step_overdue(step_run: StepRun, holder: str) -> Callable[[], tuple[str, str]]:
    """A step's time limit has passed and it is not done."""
    step, procedure = step_run.step, step_run.run.version.procedure
    due = step_run.due_at

    def message() -> tuple[str, str]:
        title = _("SOP step overdue: %(step)s") % {"step": step.name}
        lines = [
            _("Procedure: %(procedure)s (version %(number)s)")
            % {"procedure": procedure.name, "number": step_run.run.version.number},
            _("Step %(position)s: %(step)s") % {"position": step.position, "step": step.name},
        ]
        if due is not None:
            lines.append(
                _("Due: %(due)s") % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
            )
        if holder:
            lines.append(_("For: %(holder)s") % {"holder": holder})
        return title, "\n".join(lines)

    return message
