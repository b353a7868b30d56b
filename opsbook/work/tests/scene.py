"""A day of work for alice (agent on 客服部), bob (her team mate) and charlie (another team), on
2026-10-09 10:00 in Shanghai: tickets, routine occurrences, a procedure step, a follow-up."""

from datetime import UTC, date, datetime, timedelta

from opsbook.catalog.testing import make_content
from opsbook.routines.choices import OccurrenceStatus, Source
from opsbook.routines.models import Occurrence
from opsbook.sops.models import Procedure, Run, Step, StepRun, Version
from opsbook.tickets.choices import FollowUpReason, Status
from opsbook.tickets.models import FollowUpTask, Ticket
from opsbook.tickets.tests.factories import make_service, make_ticket

NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 10, 9)


def occurrence(content, user, due_on: date, *, status=OccurrenceStatus.OPEN, effort=None, **kw):
    due_at = datetime(due_on.year, due_on.month, due_on.day, 10, 0, tzinfo=UTC)  # 18:00 local
    occ = Occurrence.objects.create(
        content=content,
        period_start=due_on,
        period_end=due_on,
        planned_on=due_on,
        due_on=due_on,
        due_at=due_at,
        status=status,
        assignee=user,
        team=user.team if user else None,
        effort_minutes=effort,
        source=Source.MANUAL,
        **kw,
    )
    if user is not None:
        occ.owners.add(user)
    return occ


def ticket(actor, item, title, assignee, *, due=None, status=None):
    t = make_ticket(actor, item, title=title, assignee=assignee)
    Ticket.objects.filter(pk=t.pk).update(
        response_due_at=None,
        resolution_due_at=due,
        first_response_at=NOW - timedelta(hours=1),
        **({"status": status} if status else {}),
    )
    t.refresh_from_db()
    return t


def build(personas):
    alice, bob, charlie = personas.alice, personas.bob, personas.charlie
    item = make_service(alice, name="机房巡检服务")
    content = make_content(item, alice, name="巡检机房", code="OPS-001-01")
    s = {
        "item": item,
        "content": content,
        "t_alice": ticket(alice, item, "打印机卡纸", alice, due=NOW + timedelta(hours=3)),
        "t_alice_late": ticket(alice, item, "网络中断", alice, due=NOW - timedelta(hours=2)),
        "t_alice_done": ticket(alice, item, "已解决", alice, due=NOW, status=Status.RESOLVED),
        "t_bob": ticket(bob, item, "同事的工单", bob, due=NOW + timedelta(hours=1)),
        "t_charlie": ticket(charlie, item, "别队的工单", charlie, due=NOW + timedelta(hours=1)),
        "o_overdue": occurrence(content, alice, TODAY - timedelta(days=1)),
        "o_today": occurrence(content, alice, TODAY),
        "o_tomorrow": occurrence(content, alice, TODAY + timedelta(days=1)),
        "o_done": occurrence(
            content, alice, TODAY - timedelta(days=2), status=OccurrenceStatus.DONE
        ),
        "o_bob": occurrence(content, bob, TODAY),
    }
    s["f_alice"] = FollowUpTask.objects.create(
        ticket=s["t_alice_done"],
        reason=FollowUpReason.RESOLVED,
        owner=alice,
        due_at=NOW + timedelta(days=2),
    )
    procedure = Procedure.objects.create(name="故障处理流程")
    version = Version.objects.create(procedure=procedure, number=1)
    step = Step.objects.create(version=version, position=1, name="确认故障现象")
    run = Run.objects.create(version=version, started_at=NOW - timedelta(hours=1))
    Ticket.objects.filter(pk=s["t_alice"].pk).update(sop_run=run)
    s["step"] = StepRun.objects.create(
        run=run, step=step, started_at=run.started_at, due_at=NOW + timedelta(minutes=30)
    )
    return s
