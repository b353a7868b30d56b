"""Goals measured by the real metrics engine, on tickets opened and resolved through the ticket
services: the baseline read from the metric, the monthly actuals in the goal's scope only, the
trend, the status, on SQLite and PostgreSQL alike."""

from datetime import UTC, date, datetime

import pytest

from opsbook.accounts.models import Team
from opsbook.catalog.testing import make_item
from opsbook.goals import demo, progress, services, smart
from opsbook.goals.choices import GoalStatus
from opsbook.goals.models import Goal
from opsbook.goals.spec import GoalSpec
from opsbook.tickets.services import status as ticket_status
from opsbook.tickets.tests.factories import make_ticket

from .helpers import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)


def shanghai(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour - 8, 0, tzinfo=UTC)


def open_tickets(agent, item, month: int, opened: int, resolved: int) -> None:
    for n in range(opened):
        ticket = make_ticket(agent, item, title=f"{month}月工单{n}", now=shanghai(month, 3 + n))
        if n < resolved:
            ticket_status.start(agent, ticket, now=shanghai(month, 3 + n, 11))
            ticket_status.do_change_status(
                agent, ticket, "resolved", now=shanghai(month, 3 + n, 15)
            )


@pytest.fixture
def hotline(personas):
    item = make_item(personas.alice, name="热线电话服务")
    other = make_item(personas.alice, name="上门维修服务")
    open_tickets(personas.alice, item, 9, opened=4, resolved=2)
    open_tickets(personas.alice, item, 10, opened=4, resolved=3)
    open_tickets(personas.alice, item, 11, opened=4, resolved=3)
    open_tickets(personas.alice, other, 11, opened=3, resolved=0)  # another service: not counted
    return item


def test_a_goal_on_the_resolution_rate_of_one_service(personas, hotline):
    goal = services.do_create_goal(
        personas.mia,
        GoalSpec(
            title="热线工单解决率提升到90%",
            description="热线电话服务当月工单在月底前解决的比例从50%提升到90%。",
            metric="tickets.resolution_rate",
            scope={"item": hotline.code},
            baseline_period="2026-09",
            target=0.9,
            start=date(2026, 10, 1),
            deadline=date(2026, 12, 31),
            owner=personas.alice,
        ),
        now=NOW,
    )

    assert goal.baseline == pytest.approx(0.5)  # read from September's tickets
    evaluation = progress.evaluate(goal, [], NOW)
    assert [(str(m.period), m.value) for m in evaluation.months] == [
        ("2026-10", pytest.approx(0.75)),
        ("2026-11", pytest.approx(0.75)),
        ("2026-12", None),  # no ticket opened in December yet
    ]
    assert evaluation.current == pytest.approx(0.75) and not evaluation.partial
    assert evaluation.progress == pytest.approx(0.625)
    # least squares through September 0.5, October 0.75, November 0.75, read in December
    assert evaluation.forecast == pytest.approx(0.9167, abs=1e-4)
    assert evaluation.status == GoalStatus.ON_TRACK
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ON_TRACK and goal.current_value == pytest.approx(0.75)


def test_a_whole_organisation_count_goal_and_its_page(personas, hotline):
    goal = services.do_create_goal(
        personas.mia,
        GoalSpec(
            title="工单量控制在每月10张以内",
            description="全组织每月新建工单不超过10张，通过知识库自助减少来电。",
            metric="tickets.created",
            baseline=12,
            target=10,
            direction="at_most",
            start=date(2026, 11, 1),
            deadline=date(2027, 3, 31),
            owner=personas.alice,
        ),
        now=NOW,
    )

    assert goal.current_value == 7  # November: 4 + 3 tickets, every service
    assert goal.status == GoalStatus.ACHIEVED
    response = client_for(personas.alice).get(f"/goals/{goal.pk}/")
    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart["months"][:2] == ["2026-11", "2026-12"] and chart["months"][-1] == "2027-03"
    assert chart["actual"][0] == 7


def test_the_demo_goals_load_twice_without_doubling(personas, hotline):
    Team.objects.get_or_create(name="学员服务部")
    first = demo.load(NOW)
    assert first == 2 and demo.load(NOW) == 2
    weak = Goal.objects.get(title="降低投诉率")
    codes = {f.code for f in smart.check(smart.Facts.of(weak, checkpoints=[]))}
    assert {"no_deadline", "no_owner", "no_description", "no_baseline"} <= codes
