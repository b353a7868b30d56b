"""The goal pages: list (filters, badges, SMART warnings, bounded queries), a goal's page
(chart data, checkpoints, findings), creating and editing, checkpoints and notes; staff only."""

import json
from datetime import date

import pytest
import time_machine
from django.test import Client

from opsbook.goals.models import Goal, GoalCheckpoint

from .conftest import NOW, RATE
from .helpers import client_for, make_goal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_staff_see_goals_with_status_badges_and_smart_warnings(
    personas, fake_metric, django_assert_max_num_queries
):
    fake_metric.values["2026-10"] = 0.95
    make_goal(personas.alice)
    make_goal(None, title="满意度", metric="", deadline=None, description="")
    for n in range(10):
        make_goal(
            personas.bob, title=f"目标{n}号要达成", checkpoints=[(date(2026, 11, 1), 0.9, "")]
        )

    client = client_for(personas.bob)
    client.get("/goals/")

    with django_assert_max_num_queries(10):
        response = client.get("/goals/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="goal-row"') == 12
    assert "goal-status-on_track" in page and "goal-status-no_data" in page
    assert "No owner: nobody is answerable for the goal." in page


def test_the_list_filters_by_owner_status_and_metric(personas, fake_metric):
    fake_metric.values["2026-10"] = 0.99
    mine = make_goal(personas.alice, title="我的目标很具体")
    make_goal(personas.bob, title="鲍勃的目标很具体", target=0.999)
    make_goal(personas.bob, title="没有指标的目标", metric="")
    client = client_for(personas.alice)

    def titles(query: str) -> list[str]:
        page = client.get(f"/goals/?{query}").content.decode()
        return [g.title for g in Goal.objects.all() if f">{g.title}</a>" in page]

    assert titles("owner=me") == [mine.title]
    assert titles(f"owner={personas.bob.pk}") == ["鲍勃的目标很具体", "没有指标的目标"]
    assert titles("status=achieved") == [mine.title]
    assert titles(f"metric={RATE.key}") == [mine.title, "鲍勃的目标很具体"]
    assert titles("status=bogus&owner=nobody") == [g.title for g in Goal.objects.all()]


def test_a_goals_page_has_its_chart_checkpoints_and_findings(personas, fake_metric):
    fake_metric.values.update({"2026-10": 0.95, "2026-11": 0.96})
    goal = make_goal(
        personas.alice,
        checkpoints=[(date(2026, 10, 31), 0.94, "十月复盘"), (date(2027, 1, 15), 0.98, "")],
    )

    response = client_for(personas.bob).get(f"/goals/{goal.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    chart = json.loads(response.context["chart"] and json.dumps(response.context["chart"]))
    assert chart["months"] == ["2026-10", "2026-11", "2026-12"]
    assert chart["actual"][:2] == [pytest.approx(95.0), pytest.approx(96.0)]
    assert chart["target"] == [pytest.approx(98.0)] * 3
    assert chart["forecast"][0] == pytest.approx(95.0) and chart["forecast"][2] == pytest.approx(
        101.0
    )
    assert chart["checkpoints"][0] == pytest.approx(94.0)
    assert 'id="goal-data"' in page and "goals.js" in page
    assert "The checkpoint on 2027-01-15 is after the deadline." in page
    assert "十月复盘" in page and "95 %" in page
    assert "goal-status-on_track" in page
    assert 'id="edit-goal"' not in page and 'id="add-checkpoint"' not in page


@pytest.mark.parametrize("who", ["dana", None])
def test_customers_and_strangers_never_see_goals(personas, fake_metric, who):
    goal = make_goal(personas.alice)
    client = client_for(getattr(personas, who) if who else None)
    for path in ("/goals/", f"/goals/{goal.pk}/", "/goals/new/"):
        response = client.get(path)
        assert response.status_code == (404 if who else 302), path


def test_a_manager_creates_a_goal_in_percent(personas, fake_metric):
    client = client_for(personas.mia)
    assert client.get("/goals/new/").status_code == 200

    response = client.post(
        "/goals/new/",
        {
            "title": "热线首次响应及时率提升到98%",
            "description": "客服部热线工单首次响应及时率从92%提升到98%",
            "metric": RATE.key,
            "scope_dimension": "team",
            "scope_code": "客服部",
            "baseline": "92",
            "baseline_period": "2026-09",
            "direction": "at_least",
            "target": "98",
            "start": "2026-10-01",
            "deadline": "2026-12-31",
            "owner": personas.alice.pk,
        },
    )

    goal = Goal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/goals/{goal.pk}/"
    assert goal.target == pytest.approx(0.98) and goal.baseline == pytest.approx(0.92)
    assert goal.scope == {"team": "客服部"} and goal.created_by == personas.mia


def test_bad_form_input_is_shown_and_nothing_saved(personas, fake_metric):
    response = client_for(personas.mia).post(
        "/goals/new/",
        {
            "title": "提升",
            "metric": RATE.key,
            "scope_dimension": "customer",
            "scope_code": "xinghuo",
            "direction": "at_least",
            "target": "98",
        },
    )
    assert response.status_code == 200 and not Goal.objects.exists()
    assert "cannot be cut by customer" in response.content.decode()
    response = client_for(personas.mia).post(
        "/goals/new/", {"title": "x", "direction": "at_least", "target": "150", "metric": RATE.key}
    )
    assert "A share is between 0 and 1" in response.content.decode()


def test_agents_cannot_create_or_edit(personas, fake_metric):
    goal = make_goal(personas.alice)
    client = client_for(personas.alice)
    assert client.get("/goals/new/").status_code == 403
    assert client.post(f"/goals/{goal.pk}/edit/", {"title": "改了"}).status_code == 403
    assert (
        client.post(
            f"/goals/{goal.pk}/checkpoints/", {"date": "2026-12-01", "expected": "97"}
        ).status_code
        == 403
    )


def test_a_manager_edits_a_goal_and_adds_a_checkpoint(personas, fake_metric):
    goal = make_goal(personas.alice)
    client = client_for(personas.mia)
    form = client.get(f"/goals/{goal.pk}/edit/")
    assert form.status_code == 200 and 'value="98.0"' in form.content.decode()

    data = {
        "title": goal.title,
        "description": goal.description,
        "metric": goal.metric,
        "baseline": "92",
        "baseline_period": "2026-09",
        "direction": "at_least",
        "target": "97",
        "start": "2026-10-01",
        "deadline": "2027-03-31",
        "owner": personas.bob.pk,
    }
    assert client.post(f"/goals/{goal.pk}/edit/", data).status_code == 302
    response = client.post(
        f"/goals/{goal.pk}/checkpoints/", {"date": "2026-12-31", "expected": "95", "note": ""}
    )

    goal.refresh_from_db()
    assert response.status_code == 302
    assert goal.target == pytest.approx(0.97) and goal.owner == personas.bob
    assert goal.deadline == date(2027, 3, 31)
    assert list(goal.checkpoints.values_list("expected", flat=True)) == [pytest.approx(0.95)]


def test_the_owner_notes_a_checkpoint_and_others_cannot(personas, fake_metric):
    goal = make_goal(personas.alice, checkpoints=[(date(2026, 10, 31), 0.94, "")])
    checkpoint = GoalCheckpoint.objects.get()

    owner = client_for(personas.alice)
    assert (
        'class="d-flex gap-1 mt-1 checkpoint-note"'
        in owner.get(f"/goals/{goal.pk}/").content.decode()
    )
    assert (
        owner.post(f"/goals/checkpoints/{checkpoint.pk}/note/", {"note": "排班已调整"}).status_code
        == 302
    )
    assert (
        client_for(personas.bob)
        .post(f"/goals/checkpoints/{checkpoint.pk}/note/", {"note": "我来写"})
        .status_code
        == 404
    )

    checkpoint.refresh_from_db()
    assert checkpoint.note == "排班已调整" and checkpoint.noted_by == personas.alice


def test_a_manager_refreshes_every_goal(personas, fake_metric):
    goal = make_goal(personas.alice)
    fake_metric.values["2026-10"] = 0.99
    assert client_for(personas.alice).post("/goals/refresh/").status_code == 403

    assert client_for(personas.mia).post("/goals/refresh/").status_code == 302

    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_the_pages_speak_chinese_by_default(personas, fake_metric):
    make_goal(personas.alice)
    client = Client()
    client.force_login(personas.alice)
    page = client.get("/goals/").content.decode()
    assert '<h1 class="h3 mb-0 me-auto">目标</h1>' in page and "负责人" in page
    assert "新建目标" not in page  # an agent sets no goals


def test_a_goal_whose_metric_is_gone_still_shows_and_says_so(personas, fake_metric):
    goal = make_goal(personas.alice)
    Goal.objects.filter(pk=goal.pk).update(metric="manual.gone")

    response = client_for(personas.alice).get(f"/goals/{goal.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "The metric manual.gone does not exist (any more)" in page
    assert "goal-status-no_data" in page
