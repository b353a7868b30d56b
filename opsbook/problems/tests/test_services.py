"""Raising problems from tickets, analysing them, linking tickets, and actions with their
baseline and status stamps; each write audited, permission-checked and version-locked."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.audit.models import AuditEntry
from opsbook.catalog.testing import make_item
from opsbook.core.errors import ConflictError
from opsbook.problems import services
from opsbook.problems.choices import ActionStatus, ProblemSource, ProblemStatus
from opsbook.problems.models import Problem
from opsbook.tickets.choices import TicketType

from .factories import NOW, at, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas):
    return make_item(name="校园网络服务", code="NET01")


def test_a_problem_raised_from_tickets_links_them_and_takes_their_context(personas, item):
    alice = personas.alice
    t1 = ticket(at(2026, 11, 2), item=item, customer=personas.customer_a, team=alice.team)
    t2 = ticket(at(2026, 11, 3), item=item, customer=personas.customer_b, team=alice.team)
    problem = services.do_create_problem(alice, title="宿舍无线掉线", tickets=[t1.pk, t2], now=NOW)
    assert set(problem.tickets.all()) == {t1, t2}
    assert problem.source == ProblemSource.TICKETS
    assert problem.owner == alice and problem.raised_by == alice
    assert problem.category == item.category and problem.team == alice.team
    assert set(problem.items.all()) == {item}
    assert set(problem.customers.all()) == {personas.customer_a, personas.customer_b}
    assert AuditEntry.objects.for_object(problem).get().changes["tickets"] == [t1.pk, t2.pk]


def test_a_complaint_among_the_tickets_makes_it_a_complaint_problem(personas, item):
    t = ticket(at(2026, 11, 2), item=item, type=TicketType.COMPLAINT, team=personas.alice.team)
    problem = services.do_create_problem(personas.alice, title="投诉：网络慢", tickets=[t], now=NOW)
    assert problem.source == ProblemSource.COMPLAINT


def test_an_agent_cannot_link_a_ticket_they_cannot_see(personas, item):
    hidden = ticket(at(2026, 11, 2), item=item, team=personas.tech_team)
    with pytest.raises(ValidationError) as caught:
        services.do_create_problem(personas.alice, title="x", tickets=[hidden], now=NOW)
    assert "tickets" in caught.value.message_dict
    assert not Problem.objects.exists()


def test_viewers_and_customers_cannot_raise_problems(personas):
    for who in (personas.vera, personas.dana):
        with pytest.raises(PermissionDenied):
            services.do_create_problem(who, title="x", now=NOW)


def test_the_analysis_is_saved_and_resolving_stamps_the_time(personas):
    problem = services.do_create_problem(personas.mia, title="证书过期导致登录失败", now=NOW)
    with pytest.raises(ValidationError):
        services.do_update_problem(
            personas.mia, problem, {"status": ProblemStatus.KNOWN_ERROR}, version=1, now=NOW
        )
    problem = services.do_update_problem(
        personas.mia,
        problem,
        {
            "whys": ["登录失败", "证书过期", "没人续期", "无到期提醒", ""],
            "root_cause": "证书续期无人负责且无到期提醒",
            "cause_category": "process",
            "status": ProblemStatus.KNOWN_ERROR,
        },
        version=1,
        now=NOW,
    )
    assert problem.whys == ["登录失败", "证书过期", "没人续期", "无到期提醒"]
    assert problem.version == 2 and problem.resolved_at is None
    problem = services.do_update_problem(
        personas.mia, problem, {"status": ProblemStatus.RESOLVED}, version=2, now=NOW
    )
    assert problem.resolved_at == NOW
    problem = services.do_update_problem(
        personas.mia, problem, {"status": ProblemStatus.ANALYSING}, version=3, now=NOW
    )
    assert problem.resolved_at is None
    with pytest.raises(ConflictError):
        services.do_update_problem(personas.mia, problem, {"title": "新标题"}, version=1, now=NOW)


def test_an_agent_edits_only_the_problems_they_own(personas):
    problem = services.do_create_problem(personas.mia, title="x", owner=personas.bob, now=NOW)
    with pytest.raises(PermissionDenied):
        services.do_update_problem(personas.alice, problem, {"title": "y"}, version=1, now=NOW)
    services.do_update_problem(personas.bob, problem, {"title": "y"}, version=1, now=NOW)


def test_linking_and_unlinking_tickets(personas, item):
    problem = services.do_create_problem(personas.mia, title="x", now=NOW)
    t1 = ticket(at(2026, 11, 2), item=item, type=TicketType.COMPLAINT)
    assert services.do_link_tickets(personas.mia, problem, [t1.pk], now=NOW) == 1
    assert services.do_link_tickets(personas.mia, problem, [t1.pk], now=NOW) == 0
    problem.refresh_from_db()
    assert problem.source == ProblemSource.COMPLAINT
    assert services.do_unlink_ticket(personas.mia, problem, t1.pk, now=NOW) is True
    assert services.do_unlink_ticket(personas.mia, problem, t1.pk, now=NOW) is False
    assert not problem.tickets.exists()


def test_an_action_stamps_done_at_and_reopening_clears_it(personas):
    problem = services.do_create_problem(personas.mia, title="x", now=NOW)
    action = services.do_create_action(
        personas.mia,
        problem=problem,
        title="加装AP",
        owner=personas.alice,
        due=date(2026, 12, 20),
        now=NOW,
    )
    assert action.status == ActionStatus.PLANNED and action.baseline is None
    action = services.do_close_action(personas.alice, action, version=1, now=NOW)
    assert action.status == ActionStatus.DONE and action.done_at == NOW
    with pytest.raises(ValidationError):
        services.do_update_action(
            personas.alice, action, {"status": ActionStatus.PLANNED}, version=2, now=NOW
        )
    action = services.do_update_action(
        personas.alice, action, {"status": ActionStatus.IN_PROGRESS}, version=2, now=NOW
    )
    assert action.done_at is None


def test_only_managers_or_the_problem_owner_add_actions(personas):
    problem = services.do_create_problem(personas.mia, title="x", owner=personas.bob, now=NOW)
    with pytest.raises(PermissionDenied):
        services.do_create_action(personas.alice, problem=problem, title="y", now=NOW)
    action = services.do_create_action(personas.bob, problem=problem, title="y", now=NOW)
    assert action.owner == personas.bob


def test_an_unknown_metric_is_refused(personas):
    with pytest.raises(ValidationError) as caught:
        services.do_create_action(personas.mia, title="y", metric="no.such", now=NOW)
    assert "metric" in caught.value.message_dict
