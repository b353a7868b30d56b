"""Background jobs of the SOP app: warning once about each step past its time limit.

A step is claimed by setting its ``overdue_notified_at`` with a conditional UPDATE, in the
transaction that writes the notification, so any number of workers warn once; reopening a step
(a new clock) clears the claim.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse

from opsbook.core import clock
from opsbook.jobs.claims import claim_update
from opsbook.jobs.schedule import every
from opsbook.notify.choices import Audience, Event
from opsbook.notify.services import do_notify

from . import notices
from .access import holder_of
from .models import StepRun

LIMIT = 1000
# The value of an occurrence still to do (routines.choices.OccurrenceStatus.OPEN; routines is
# above this app, so it is named here).
OCCURRENCE_OPEN = "open"


def _holder_finished() -> Q:
    """The ticket holding the run is resolved, closed or cancelled, or the occurrence is no
    longer open: nobody is warned about its steps any more."""
    ticket_done = (
        Q(run__ticket__resolved_at__isnull=False)
        | Q(run__ticket__closed_at__isnull=False)
        | Q(run__ticket__cancelled_at__isnull=False)
    )
    occurrence_done = Q(run__occurrence__isnull=False) & ~Q(run__occurrence__status=OCCURRENCE_OPEN)
    return ticket_done | occurrence_done


def overdue_steps(now: datetime):
    """Current steps past their due time, not done, not yet announced, of work still open."""
    return StepRun.objects.filter(
        done_at__isnull=True,
        started_at__isnull=False,
        due_at__lte=now,
        overdue_notified_at__isnull=True,
        run__completed_at__isnull=True,
    ).exclude(_holder_finished())


def audiences(step_run: StepRun) -> dict[str, list]:
    """The person responsible for the step (else the assignee of the ticket or occurrence
    holding the run) and the lead of the holder's team (else of that person's team)."""
    ticket, occurrence = holder_of(step_run.run)
    holder = ticket or occurrence
    person = step_run.step.responsible_user
    if person is None and holder is not None:
        person = holder.assignee
    team = getattr(holder, "team", None) or getattr(person, "team", None)
    lead = team.lead if team is not None else None
    result: dict[str, list] = {}
    if person is not None:
        result[Audience.ASSIGNEE] = [person]
    if lead is not None and lead != person:
        result[Audience.TEAM_LEAD] = [lead]
    return result


def notify_one(pk: int, now: datetime) -> bool:
    """Announce one overdue step; False when another worker claimed it first."""
    with transaction.atomic():
        claimed = claim_update(overdue_steps(now).filter(pk=pk), overdue_notified_at=now)
        if not claimed:
            return False
        step_run = StepRun.objects.select_related(
            "step__responsible_user__team", "run__version__procedure"
        ).get(pk=pk)
        ticket, occurrence = holder_of(step_run.run)
        holder = ticket or occurrence
        do_notify(
            Event.SOP_STEP_OVERDUE,
            key=f"sop_step:{pk}:overdue:{step_run.started_at:%Y%m%d%H%M%S}",
            message=notices.step_overdue(step_run, str(holder) if holder is not None else ""),
            link=reverse("sops:run", args=[step_run.run_id]),
            audiences=audiences(step_run),
            now=now,
        )
    return True


def notify_overdue_steps(now: datetime | None = None, *, limit: int = LIMIT) -> int:
    """Warn once about every overdue step; returns how many this run announced."""
    now = clock.or_now(now)
    due = list(overdue_steps(now).order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(notify_one(pk, now) for pk in due)


@every(minutes=5)
@task()
def notify_overdue_steps_task() -> int:
    return notify_overdue_steps()
