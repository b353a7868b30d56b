"""Demo routine work: the demo checklist's recurring content as occurrences, with a past.

On the first load (no scheduled occurrence yet) the generator runs as it would have
``HISTORY_DAYS`` ago, so the last two weeks hold work too. Their owners then complete most of
what fell due before today (on time, a few late, with a note), skip some with a reason, and leave
the rest: what is still in its period stays open and late (my work shows it as overdue), the
rest becomes missed (``mark_missed``). Then the generator runs for ``now`` (the horizon ahead)
and the scheduler's reminder and escalation jobs run once, so the inboxes, e-mails and the demo
chat group hear about what is due and overdue exactly as they would in real use.

Everything goes through the services and jobs (``generate``, ``do_complete_occurrence``,
``do_skip_occurrence``, ``mark_missed``, ``remind_due``, ``escalate_overdue``), each given the
moment it happens. Idempotent: later loads only run ``generate(now)``, which creates what the
horizon has reached since (nothing on the same day).
"""

from datetime import datetime, timedelta

from .access import can_act_on
from .choices import OccurrenceStatus, Source
from .generation import generate
from .jobs import escalate_overdue, mark_missed, remind_due
from .models import Occurrence
from .services import do_complete_occurrence, do_skip_occurrence

SOURCE = "demo"  # as the audit trail names it
HISTORY_DAYS = 14
# What the owners wrote, in turn, when they completed or skipped past work.
NOTES = [
    "已按清单完成，记录已归档。",
    "完成，发现的问题已登记跟进。",
    "已完成，结果已同步到部门群。",
]
SKIP_REASONS = ["本周停课，无需执行。", "讲师请假，与下次合并处理。"]
LEAVE_OPEN_FROM = timedelta(days=2)  # work due this recently is still left undone


def load(now: datetime) -> int:
    """Create whatever of the demo's routine work is missing; returns the occurrences made."""
    if Occurrence.objects.filter(source=Source.SCHEDULE).exists():
        return generate(now).created
    created = generate(now - timedelta(days=HISTORY_DAYS)).created
    _work_the_past(now)
    created += generate(now).created
    mark_missed(now)
    remind_due(now)
    escalate_overdue(now)
    return created


def _work_the_past(now: datetime) -> None:
    """The owners' record of the last weeks: about two in three done (one in five of those
    late), one in seven skipped, the rest, and everything of the last two days, left undone."""
    past = (
        Occurrence.objects.filter(
            status=OccurrenceStatus.OPEN,
            assignee__isnull=False,
            due_at__lt=now - LEAVE_OPEN_FROM,
        )
        .select_related("assignee")
        .order_by("due_at", "pk")
    )
    for number, occurrence in enumerate(past):
        owner = occurrence.assignee
        if number % 7 == 5 or not can_act_on(owner, occurrence):
            continue  # left undone (also by a demo name that exists without a staff role)
        if number % 7 == 3:
            do_skip_occurrence(
                owner,
                occurrence,
                reason=SKIP_REASONS[number % len(SKIP_REASONS)],
                now=occurrence.due_at - timedelta(hours=3),
                source=SOURCE,
            )
            continue
        late = number % 5 == 0
        done_at = occurrence.due_at + (timedelta(hours=5) if late else -timedelta(hours=2))
        do_complete_occurrence(
            owner,
            occurrence,
            note=NOTES[number % len(NOTES)],
            now=min(done_at, now),
            source=SOURCE,
        )
