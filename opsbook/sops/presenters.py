"""What the checklist of a run shows: each step's state, clock, evidence and the actions the
reader may take. Shared by the include (``sops/_run.html``), the run page and the htmx answers."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse

from opsbook.core import clock

from . import access
from .forms import CompleteStepForm
from .models import Run, StepRun


@dataclass
class StepRow:
    step_run: StepRun
    state: str  # done, current, waiting
    overdue: bool
    points: list[tuple[int, str, bool]]
    can_complete: bool = False
    can_reopen: bool = False
    form: CompleteStepForm | None = None
    file_url: str = ""

    @property
    def step(self) -> Any:
        return self.step_run.step


@dataclass
class RunPanel:
    run: Run
    rows: list[StepRow] = field(default_factory=list)
    done: int = 0
    overdue: bool = False
    holder_label: str = ""
    holder_url: str = ""


def _holder(run: Run) -> tuple[str, str]:
    ticket, occurrence = access.holder_of(run)
    if ticket is not None:
        return str(ticket), reverse("tickets:detail", args=[ticket.pk])
    if occurrence is not None:
        try:
            url = reverse("routines:occurrence", args=[occurrence.pk])
        except NoReverseMatch:
            url = ""
        return str(occurrence), url
    return "", ""


def run_panel(
    run: Run,
    user: Any,
    *,
    bound: dict[int, CompleteStepForm] | None = None,
    now: datetime | None = None,
) -> RunPanel:
    """The checklist of ``run`` for ``user``; ``bound`` keeps a refused form with its errors."""
    now = clock.or_now(now)
    bound = bound or {}
    step_runs = list(
        run.step_runs.select_related("step__responsible_user", "done_by").order_by("step__position")
    )
    panel = RunPanel(run=run)
    may_reopen = access.can_reopen_step(user)
    last_done = max(
        (s for s in step_runs if s.done_at), key=lambda s: s.step.position, default=None
    )
    current_seen = False
    for step_run in step_runs:
        if step_run.done_at is not None:
            state = "done"
            panel.done += 1
        elif not current_seen:
            state, current_seen = "current", True
        else:
            state = "waiting"
        overdue = state == "current" and step_run.due_at is not None and step_run.due_at <= now
        ticked = set(step_run.checked or [])
        points = [(i, text, i in ticked) for i, text in enumerate(step_run.step.checklist or [])]
        row = StepRow(step_run, state, overdue, points)
        if state == "current" and access.can_complete_step(user, step_run):
            row.can_complete = True
            row.form = bound.get(step_run.pk) or CompleteStepForm(step_run=step_run)
        row.can_reopen = may_reopen and step_run is last_done
        if step_run.attachment:
            row.file_url = reverse("sops:step_file", args=[step_run.pk])
        panel.overdue = panel.overdue or overdue
        panel.rows.append(row)
    panel.holder_label, panel.holder_url = _holder(run)
    return panel
