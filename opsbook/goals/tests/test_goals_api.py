"""/api/goals/: list, detail, create, update, checkpoints, with the pages' permissions and the
API's error shapes (422 naming the field, JSON 404 for a bad or foreign id)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import Kpi
from opsbook.catalog.testing import make_item
from opsbook.goals import services
from opsbook.goals.models import Goal, GoalCheckpoint

from .conftest import NOW, RATE
from .helpers import Api, make_goal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def body(**values):
    base = {
        "title": "热线首次响应及时率提升到98%",
        "description": "客服部热线工单的首次响应及时率从92%提升到98%。",
        "metric": RATE.key,
        "scope": {"team": "客服部"},
        "baseline": 0.92,
        "baseline_period": "2026-09",
        "target": 0.98,
        "start": "2026-10-01",
        "deadline": "2026-12-31",
    }
    return base | values


def test_staff_list_goals_with_status_and_smart_findings(
    personas, fake_metric, django_assert_max_num_queries
):
    fake_metric.values["2026-10"] = 0.95
    for n in range(4):
        make_goal(personas.alice, title=f"目标{n}号要达成")
    make_goal(None, title="无人负责的目标")
    api = Api(personas.bob)

    with django_assert_max_num_queries(8):
        response = api.get("/", limit=3)

    data = response.json()
    assert response.status_code == 200 and data["count"] == 5
    first = data["items"][0]
    assert first["status"] == "on_track" and first["current_value"] == 0.95
    assert first["progress"] == pytest.approx(0.5) and first["source"] == "goal"
    assert first["smart"] == []
    ownerless = api.get("/", owner_id=personas.alice.pk).json()
    assert ownerless["count"] == 4
    assert api.get("/", status="no_data").json()["count"] == 0
    assert api.get("/", source="kpi").json()["count"] == 0
    assert api.get("/", status="bogus").status_code == 422


def test_a_manager_creates_a_goal_and_reads_it_back(personas, fake_metric):
    fake_metric.values.update({"2026-09": 0.91, "2026-10": 0.95})
    api = Api(personas.mia)

    response = api.send(
        "post",
        "/",
        body(
            baseline=None,
            owner_id=personas.alice.pk,
            checkpoints=[{"date": "2026-11-30", "expected": 0.96, "note": ""}],
        ),
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["baseline"] == 0.91  # read from September
    assert data["owner_id"] == personas.alice.pk and data["status"] == "on_track"
    assert data["months"][0] == {"period": "2026-10", "value": 0.95, "partial": False}
    assert data["checkpoints"][0]["expected"] == 0.96 and data["checkpoints"][0]["actual"] is None
    detail = api.get(f"/{data['id']}")
    assert detail.status_code == 200 and detail.json()["current_period"] == "2026-10"
    entry = AuditEntry.objects.for_object(Goal.objects.get()).get()
    assert entry.source == "api"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"metric": "nope"}, "metric"),
        ({"target": 98}, "target"),
        ({"scope": {"customer": "xinghuo"}}, "scope"),
        ({"deadline": "2026-01-01"}, "deadline"),
        ({"start": "0001-01-01"}, "start"),
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"checkpoints": [{"date": "0001-01-01", "expected": 0.9}]}, "checkpoints"),
        ({"owner_id": 999999}, "owner_id"),
        ({"direction": "sideways"}, "direction"),
        ({"title": ""}, "title"),
        ({"checkpoints": [{"date": "2026-11-01", "expected": 7}]}, "checkpoints"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(personas, fake_metric, values, field):
    response = Api(personas.mia).send("post", "/", body(**values))

    assert response.status_code == 422, response.json()
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not Goal.objects.exists()


def test_a_manager_updates_only_what_is_sent(personas, fake_metric):
    goal = make_goal(personas.alice)
    api = Api(personas.mia)

    response = api.send("patch", f"/{goal.pk}", {"target": 0.97, "owner_id": personas.bob.pk})

    assert response.status_code == 200, response.json()
    goal.refresh_from_db()
    assert goal.target == 0.97 and goal.owner == personas.bob and goal.baseline == 0.92
    assert api.send("patch", f"/{goal.pk}", {"title": None}).status_code == 422
    cleared = api.send("patch", f"/{goal.pk}", {"deadline": None})
    assert cleared.status_code == 200
    assert "no_deadline" in [f["code"] for f in cleared.json()["smart"]]


def test_checkpoints_through_the_api(personas, fake_metric):
    goal = make_goal(personas.alice)
    added = Api(personas.mia).send(
        "post", f"/{goal.pk}/checkpoints", {"date": "2026-11-30", "expected": 0.96}
    )
    assert added.status_code == 201
    checkpoint = GoalCheckpoint.objects.get()
    path = f"/{goal.pk}/checkpoints/{checkpoint.pk}"

    noted = Api(personas.alice).send("patch", path, {"note": "已增加晚班"})
    refused = Api(personas.bob).send("patch", path, {"note": "不是我的"})
    agent_adds = Api(personas.alice).send(
        "post", f"/{goal.pk}/checkpoints", {"date": "2026-12-15", "expected": 0.97}
    )
    twice = Api(personas.mia).send(
        "post", f"/{goal.pk}/checkpoints", {"date": "2026-11-30", "expected": 0.9}
    )

    assert noted.status_code == 200 and noted.json()["checkpoints"][0]["note"] == "已增加晚班"
    assert refused.status_code == 403 and agent_adds.status_code == 403
    assert twice.status_code == 422
    assert Api(personas.mia).send("patch", f"/{goal.pk}/checkpoints/99999", {}).status_code == 404


def test_agents_cannot_write_and_customers_cannot_read(personas, fake_metric):
    goal = make_goal(personas.alice)
    assert Api(personas.alice).send("post", "/", body()).status_code == 403
    assert Api(personas.alice).send("patch", f"/{goal.pk}", {"target": 0.5}).status_code == 403
    customer = Api(personas.dana)
    for response in (customer.get("/"), customer.get(f"/{goal.pk}")):
        assert response.status_code == 403
        assert response.json()["detail"] == "Goals are for staff only."


def test_bad_ids_are_json_errors(personas, fake_metric):
    api = Api(personas.alice)
    assert api.get("/999999").status_code == 404
    assert api.get("/999999").json()["detail"]
    assert api.get("/abc").status_code == 422
    assert api.get("/0").status_code == 422


def test_a_checklist_kpi_goal_cannot_be_changed_here(personas, fake_metric):
    Kpi.objects.create(
        item=make_item(personas.alice), name="及时率", target=Decimal("98"), unit="%",
        metric=RATE.key,
    )  # fmt: skip
    services.sync_kpi_goals(NOW)
    goal = Goal.objects.get()

    response = Api(personas.mia).send("patch", f"/{goal.pk}", {"target": 0.5})

    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "kpi"
    listed = Api(personas.mia).get("/", source="kpi").json()
    assert listed["count"] == 1 and listed["items"][0]["kpi_id"] == goal.kpi_id
    assert listed["items"][0]["deadline"] == date(2026, 12, 31).isoformat()
