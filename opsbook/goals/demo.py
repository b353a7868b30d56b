"""Demo goals: two SMART goals of the operations team (one complete, one with gaps the SMART
check points out), and the checklist's KPIs mirrored as goals. Idempotent: a goal with the same
title is not created twice. The demo loader calls ``load(now)`` after the tickets."""

from datetime import datetime

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Team, User
from opsbook.metrics.periods import current

from . import services
from .models import Goal
from .spec import GoalSpec


def load(now: datetime) -> int:
    """Create the demo goals; returns how many goals exist afterwards."""
    this_month = current("month", now)
    start = this_month.shift(-2).start
    deadline = this_month.shift(3).last_day
    owner = User.objects.filter(username="alice").first()
    if owner is not None and not (
        owner.is_active and owner.is_staff_member and owner.role != Role.VIEWER
    ):
        owner = None  # an "alice" who is not staff here (kept as she was) owns nothing
    team = Team.objects.filter(name="学员服务部").first()
    goals = [
        (
            GoalSpec(
                title="学员服务部首次响应及时率提升到95%",
                description="学员服务部负责的工单，首次响应在SLA内的比例从基线提升到95%，"
                "通过午间轮值与模板回复实现。",
                metric="sla.response.met_rate",
                scope={"team": team.name} if team else {},
                baseline_period=this_month.shift(-3).code,
                target=0.95,
                start=start,
                deadline=deadline,
                owner=owner,
            ),
            [(this_month.shift(1).last_day, 0.9, "")],
        ),
        (
            GoalSpec(
                title="降低投诉率",
                metric="tickets.complaint_rate",
                target=0.02,
                direction="at_most",
                start=start,
            ),
            [],
        ),
    ]
    for spec, checkpoints in goals:
        if not Goal.objects.filter(title=spec.title).exists():
            services.do_create_goal(None, spec, checkpoints=checkpoints, now=now, source="demo")
    services.sync_kpi_goals(now, source="demo")
    return Goal.objects.count()
