"""Background jobs of the problems app, both idempotent and claim-safe:

* ``evaluate_action_effects_task`` (daily): each action in progress or done with a metric is
  measured for every closed month after it started that has no verdict yet (``effects``; the
  unique action+month is the claim, so a second run or worker writes nothing).
* ``notify_overdue_actions_task`` (daily, in the morning): the owner of an open action past its
  due date is told once per due date (a conditional UPDATE of ``overdue_notice_for`` claims it
  in the transaction that notifies; a new due date is told again when it passes).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.tasks import task

from opsbook.core import clock
from opsbook.jobs.claims import claim_update
from opsbook.jobs.retry import idempotent
from opsbook.jobs.schedule import daily
from opsbook.metrics.periods import org_tz
from opsbook.notify.choices import Audience, Event
from opsbook.notify.services import do_notify

from . import effects, notices
from .choices import OPEN_ACTION_STATUSES
from .models import Action

NOTIFY_BATCH = 500


def overdue_actions(now: datetime):
    today = now.astimezone(org_tz()).date()
    return Action.objects.filter(status__in=OPEN_ACTION_STATUSES, due__lt=today)


def notify_overdue(now: datetime, *, limit: int = NOTIFY_BATCH) -> int:
    """Tell each overdue action's owner, once per due date. Returns how many were told."""
    pending = list(
        overdue_actions(now)
        .filter(owner__isnull=False)
        .filter(Q(overdue_notice_for__isnull=True) | ~Q(overdue_notice_for=F("due")))
        .select_related("owner", "problem")
        .order_by("due", "pk")[:limit]
    )
    told = 0
    for action in pending:
        with transaction.atomic():
            claimed = claim_update(
                overdue_actions(now)
                .filter(pk=action.pk, due=action.due)
                .filter(Q(overdue_notice_for__isnull=True) | ~Q(overdue_notice_for=action.due)),
                overdue_notice_for=action.due,
            )
            if not claimed:
                continue
            do_notify(
                Event.ACTION_OVERDUE,
                key=f"action:{action.pk}:overdue:{action.due}",
                message=notices.overdue_message(action),
                link=notices.action_path(action.pk),
                audiences={Audience.ASSIGNEE: [action.owner], Audience.OWNERS: [action.owner]},
                now=now,
            )
        told += 1
    return told


@daily(at="03:20")
@idempotent()
@task()
def evaluate_action_effects_task() -> int:
    return effects.evaluate_actions(clock.now())


@daily(at="08:30")
@idempotent()
@task()
def notify_overdue_actions_task() -> int:
    return notify_overdue(clock.now())
