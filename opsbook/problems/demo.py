"""Demo problems and improvement actions over the demo's ticket history: five problems raised
from its complaints and faults (with their 5 whys, root causes and cause categories), and six
actions: some done with their measured effects, one in progress, one overdue, most linked to a
metric. Idempotent: a problem or an action with the same title is not created twice. The demo
loader calls ``load_demo(now=...)`` after the tickets' history."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.tickets.models import Ticket

from . import effects, services
from .choices import ActionStatus, CauseCategory, ProblemStatus
from .models import Action, Problem

MAX_LINKED = 40


@dataclass
class DemoProblem:
    title: str
    description: str
    tickets: dict[str, Any]  # a ticket filter
    whys: list[str]
    root_cause: str
    cause_category: str
    status: str
    owner: str
    raised_days_ago: int


@dataclass
class DemoAction:
    problem: str
    title: str
    owner: str
    started_days_ago: int
    due_in_days: int  # from now; negative: already due
    status: str
    metric: str = ""
    item_scope: bool = False  # measured for the problem's main service
    expected_change: float | None = None
    done_days_ago: int | None = None
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


PROBLEMS = [
    DemoProblem(
        title="校园网频繁断线",
        description="多个校区反映校园网在上课高峰时段断线，重连后恢复，每月反复出现。",
        tickets={"title": "校园网断线"},
        whys=[
            "为什么断线？接入交换机上联端口周期性重启。",
            "为什么端口重启？汇聚交换机在高负载时触发固件缺陷。",
            "为什么高负载？上课高峰时段多媒体流量集中。",
            "为什么没有提前发现？缺少端口级别的监控和告警。",
            "为什么没有监控？网络监控平台只覆盖核心设备。",
        ],
        root_cause="汇聚交换机固件存在已知缺陷，高负载时端口重启；端口级监控缺失，问题只能靠报障发现。",
        cause_category=CauseCategory.SYSTEM,
        status=ProblemStatus.KNOWN_ERROR,
        owner="alice",
        raised_days_ago=150,
    ),
    DemoProblem(
        title="高峰时段响应慢引发投诉",
        description="开学季和考试周来电量激增，首次响应超时，学员以“响应太慢”为由投诉。",
        tickets={"title": "投诉：响应太慢"},
        whys=[
            "为什么响应慢？高峰时段排队工单超过坐席处理能力。",
            "为什么能力不足？排班按平均来电量制定。",
            "为什么按平均量排班？没有按月、按时段的来电量预测。",
        ],
        root_cause="排班未按来电量的季节和时段波动调整，高峰时段人手不足。",
        cause_category=CauseCategory.PEOPLE,
        status=ProblemStatus.KNOWN_ERROR,
        owner="manager",
        raised_days_ago=120,
    ),
    DemoProblem(
        title="维修后问题复现",
        description="设备维修后一周内同一问题再次报修，学员投诉维修质量。",
        tickets={"title": "投诉：维修后问题复现"},
        whys=[
            "为什么复现？维修时只处理了表面故障。",
            "为什么只处理表面？维修完成后没有复测。",
            "为什么没有复测？维修规程中没有复测确认步骤。",
        ],
        root_cause="维修规程缺少复测确认环节，工程师完成维修后未与报修人确认即关闭工单。",
        cause_category=CauseCategory.PROCESS,
        status=ProblemStatus.RESOLVED,
        owner="carol",
        raised_days_ago=100,
    ),
    DemoProblem(
        title="教室投影无法开机",
        description="多间教室投影仪无法开机，集中在同一批次设备。",
        tickets={"title": "教室投影无法开机"},
        whys=[
            "为什么无法开机？投影灯泡寿命到期。",
            "为什么到期未更换？供应商没有按合同主动巡检更换。",
        ],
        root_cause="同一批次投影灯泡寿命偏短，供应商未按合同约定主动巡检更换。",
        cause_category=CauseCategory.SUPPLIER,
        status=ProblemStatus.ANALYSING,
        owner="carol",
        raised_days_ago=60,
    ),
    DemoProblem(
        title="排课系统未同步调课",
        description="老师调课后排课系统未同步，学员和老师按旧时间到场，引发投诉。",
        tickets={"root_cause__startswith": "排课系统未同步"},
        whys=["为什么按旧时间到场？排课系统未同步调课申请。"],
        root_cause="",
        cause_category="",
        status=ProblemStatus.OPEN,
        owner="alice",
        raised_days_ago=20,
    ),
]

ACTIONS = [
    DemoAction(
        problem="校园网频繁断线",
        title="升级汇聚交换机固件并开启端口监控",
        owner="alice",
        started_days_ago=140,
        due_in_days=-110,
        status=ActionStatus.DONE,
        done_days_ago=112,
        metric="tickets.created",
        item_scope=True,
        expected_change=-3,
        description="按厂商公告升级固件；在监控平台加入接入与汇聚端口的状态告警。",
    ),
    DemoAction(
        problem="高峰时段响应慢引发投诉",
        title="按来电量预测实行高峰弹性排班",
        owner="manager",
        started_days_ago=100,
        due_in_days=20,
        status=ActionStatus.IN_PROGRESS,
        metric="sla.response.met_rate",
        expected_change=0.05,
        description="按月和时段预测来电量，高峰时段增加午间轮值和兼职坐席。",
    ),
    DemoAction(
        problem="高峰时段响应慢引发投诉",
        title="投诉首问负责制培训",
        owner="alice",
        started_days_ago=95,
        due_in_days=-70,
        status=ActionStatus.DONE,
        done_days_ago=72,
        metric="tickets.complaints",
        expected_change=-2,
        description="全体坐席完成首问负责制与投诉安抚话术培训并考核。",
    ),
    DemoAction(
        problem="维修后问题复现",
        title="维修完成后增加复测确认步骤",
        owner="carol",
        started_days_ago=90,
        due_in_days=-60,
        status=ActionStatus.DONE,
        done_days_ago=65,
        metric="tickets.reopen_rate",
        expected_change=-0.02,
        description="维修规程增加复测和报修人确认，确认后才能解决工单。",
    ),
    DemoAction(
        problem="教室投影无法开机",
        title="与供应商约定灯泡到期前主动更换",
        owner="carol",
        started_days_ago=45,
        due_in_days=-10,
        status=ActionStatus.PLANNED,
        metric="tickets.created",
        item_scope=True,
        expected_change=-2,
        description="补充合同条款：灯泡使用到额定寿命的90%前由供应商上门更换。",
    ),
    DemoAction(
        problem="排课系统未同步调课",
        title="修复排课系统调课同步故障",
        owner="alice",
        started_days_ago=15,
        due_in_days=14,
        status=ActionStatus.IN_PROGRESS,
        description="排查调课申请到排课系统的接口，补发未同步的调课记录。",
    ),
]


def _people() -> dict[str, User]:
    users = User.objects.filter(username__in={"manager", "alice", "carol"}, is_active=True)
    return {
        u.username: u
        for u in users
        if u.is_staff_member and u.role in (Role.ADMIN, Role.MANAGER, Role.AGENT)
    }


def _main_item_code(problem: Problem) -> str:
    codes = Counter(problem.tickets.exclude(item__isnull=True).values_list("item__code", flat=True))
    return codes.most_common(1)[0][0] if codes else ""


def _problem(spec: DemoProblem, people: dict[str, User], now: datetime) -> Problem:
    found = Problem.objects.filter(title=spec.title).first()
    if found is not None:
        return found
    tickets = list(
        Ticket.objects.filter(**spec.tickets)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:MAX_LINKED]
    )
    raised = now - timedelta(days=spec.raised_days_ago)
    problem = services.do_create_problem(
        None,
        title=spec.title,
        description=spec.description,
        tickets=tickets,
        owner=people.get(spec.owner),
        whys=spec.whys,
        root_cause=spec.root_cause,
        cause_category=spec.cause_category,
        now=raised,
        origin="demo",
    )
    if spec.status != ProblemStatus.OPEN:
        steps = [ProblemStatus.ANALYSING] if spec.status == ProblemStatus.ANALYSING else []
        if spec.status in (ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED):
            steps = [ProblemStatus.KNOWN_ERROR]
        if spec.status == ProblemStatus.RESOLVED:
            steps.append(ProblemStatus.RESOLVED)
        for n, status in enumerate(steps, start=1):
            problem = services.do_update_problem(
                None,
                problem,
                {"status": status},
                version=None,
                now=raised + timedelta(days=7 * n),
                origin="demo",
            )
    return problem


def _action(
    spec: DemoAction, problem: Problem, people: dict[str, User], now: datetime
) -> Action | None:
    if Action.objects.filter(title=spec.title).exists():
        return None
    started = now - timedelta(days=spec.started_days_ago)
    scope: dict[str, str] = {}
    if spec.item_scope:
        code = _main_item_code(problem)
        if code:
            scope = {"item": code}
    action = services.do_create_action(
        None,
        problem=problem,
        title=spec.title,
        description=spec.description,
        owner=people.get(spec.owner),
        due=(now + timedelta(days=spec.due_in_days)).date(),
        status=ActionStatus.IN_PROGRESS if spec.status != ActionStatus.PLANNED else spec.status,
        metric=spec.metric,
        scope=scope,
        expected_change=spec.expected_change,
        now=started,
        origin="demo",
    )
    if spec.status == ActionStatus.DONE and spec.done_days_ago is not None:
        action = services.do_update_action(
            None,
            action,
            {"status": ActionStatus.DONE},
            version=None,
            now=now - timedelta(days=spec.done_days_ago),
            origin="demo",
        )
    return action


def load_demo(*, now: datetime) -> int:
    """Create the demo problems and actions and measure the actions' effects; returns how many
    problems exist afterwards."""
    people = _people()
    problems = {spec.title: _problem(spec, people, now) for spec in PROBLEMS}
    for spec in ACTIONS:
        _action(spec, problems[spec.problem], people, now)
    effects.evaluate_actions(now)
    return Problem.objects.count()
