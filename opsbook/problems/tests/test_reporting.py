"""What the monthly report reads: problems by frequency, actions carried over, proposals and
complaints by cause, each in a fixed number of queries."""

from datetime import date

import pytest

from opsbook.catalog.testing import make_category, make_item
from opsbook.metrics.periods import month
from opsbook.problems import reporting
from opsbook.problems.choices import ActionStatus, CauseCategory, Effect, ProblemStatus
from opsbook.problems.models import ActionEffect
from opsbook.tickets.choices import TicketType

from .factories import action, at, problem, ticket

pytestmark = pytest.mark.django_db
NOV = month(2026, 11)


@pytest.fixture
def scene(personas):
    wifi = make_item(name="校园网络服务", code="NET01", category=make_category("网络"))
    login = make_item(name="统一身份认证", code="IAM01", category=make_category("账号"))
    a, b = personas.customer_a, personas.customer_b
    net = [ticket(at(2026, 11, d), item=wifi, customer=a) for d in (2, 3, 4)]
    net_prev = [ticket(at(2026, 10, 20), item=wifi, customer=a)]
    net_b = [ticket(at(2026, 11, 9), item=wifi, customer=b)]
    p_net = problem(*net, *net_prev, *net_b, title="宿舍区无线信号弱")
    p_net.items.add(wifi)
    iam = [
        ticket(
            at(2026, 11, 12),
            item=login,
            customer=b,
            type=TicketType.COMPLAINT,
            root_cause="认证服务器证书过期",
        )
    ]
    p_iam = problem(*iam, title="登录失败", cause_category=CauseCategory.SYSTEM)
    p_old = problem(title="旧问题", status=ProblemStatus.CLOSED, resolved_at=at(2026, 9, 1))
    p_quiet = problem(title="未解决无新单")
    return {
        "wifi": wifi,
        "login": login,
        "net": p_net,
        "iam": p_iam,
        "old": p_old,
        "quiet": p_quiet,
        "a": a,
        "b": b,
    }


def test_problem_lines_rank_problems_by_tickets_in_the_period(scene):
    lines = reporting.problem_lines(NOV, {})
    assert [(line.problem.title, line.count, line.previous, line.change) for line in lines] == [
        ("宿舍区无线信号弱", 4, 1, 3),
        ("登录失败", 1, 0, 1),
        ("未解决无新单", 0, 0, 0),
    ]


def test_problem_lines_count_only_the_scope_tickets(scene):
    lines = reporting.problem_lines(NOV, {"customer": "mingyuan"})
    assert sorted((line.problem.title, line.count) for line in lines) == [
        ("宿舍区无线信号弱", 1),
        ("登录失败", 1),
    ]
    lines = reporting.problem_lines(NOV, {"item": "IAM01"})
    assert [(line.problem.title, line.count) for line in lines] == [("登录失败", 1)]


def test_problem_lines_respect_the_limit(scene):
    assert len(reporting.problem_lines(NOV, {}, limit=1)) == 1


def test_action_lines_carry_open_actions_over_and_flag_overdue(scene, personas):
    old = action(
        problem=scene["net"],
        title="更换AP",
        due=date(2026, 11, 20),
        status=ActionStatus.IN_PROGRESS,
        created_at=at(2026, 10, 5),
    )
    new = action(
        problem=scene["iam"],
        title="证书到期提醒",
        due=date(2026, 12, 20),
        created_at=at(2026, 11, 14),
    )
    done = action(
        problem=scene["net"],
        title="调整信道",
        status=ActionStatus.DONE,
        created_at=at(2026, 9, 1),
        done_at=at(2026, 10, 1),
    )
    ActionEffect.objects.create(action=old, period="2026-10", verdict=Effect.IMPROVED)
    ActionEffect.objects.create(action=old, period="2026-11", verdict=Effect.MET)
    ActionEffect.objects.create(action=old, period="2026-12", verdict=Effect.WORSE)
    lines = reporting.action_lines(NOV, {})
    assert [(line.action.title, line.carried_over, line.overdue) for line in lines] == [
        ("更换AP", True, True),
        ("证书到期提醒", False, False),
    ]
    assert lines[0].effect is not None
    assert lines[0].effect.verdict == Effect.MET
    assert lines[1].effect is None
    assert done not in [line.action for line in lines]
    assert [line.action for line in reporting.action_lines(NOV, {"item": "IAM01"})] == [new]


def test_proposals_are_problems_with_tickets_and_no_open_action(scene):
    action(problem=scene["iam"], status=ActionStatus.PLANNED)
    assert [(p.problem.title, p.count) for p in reporting.proposals(NOV, {})] == [
        ("宿舍区无线信号弱", 4)
    ]


def test_complaint_causes_group_complaints_by_their_problem_cause(scene):
    ticket(at(2026, 11, 20), item=scene["wifi"], type=TicketType.COMPLAINT, root_cause="信号差")
    ticket(at(2026, 10, 20), item=scene["wifi"], type=TicketType.COMPLAINT, root_cause="十月")
    lines = reporting.complaint_causes(NOV, {})
    assert [(c.cause_category, c.complaints, c.examples) for c in lines] == [
        ("system", 1, ["认证服务器证书过期"]),
        ("unclassified", 1, ["信号差"]),
    ]
    assert lines[1].label == "Unclassified"


def test_each_read_is_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    for n in range(5):
        p = problem(ticket(at(2026, 11, 3 + n), item=scene["wifi"]), title=f"问题{n}")
        a = action(problem=p, title=f"措施{n}", due=date(2026, 11, 1))
        ActionEffect.objects.create(action=a, period="2026-11", verdict=Effect.NO_DATA)
    for scope in ({}, {"customer": "xinghuo", "category": scene["wifi"].category.code}):
        with django_assert_max_num_queries(1):
            reporting.problem_lines(NOV, scope)
        with django_assert_max_num_queries(2):
            assert len(reporting.action_lines(NOV, scope)) >= 5 or scope
        with django_assert_max_num_queries(1):
            reporting.proposals(NOV, scope)
        with django_assert_max_num_queries(1):
            reporting.complaint_causes(NOV, scope)
