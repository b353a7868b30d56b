"""/api/problems/: staff read, writes follow the access rules, customers get 403, tickets
outside the caller's view are not found, stale versions 409."""

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.catalog.testing import make_item
from opsbook.problems import services
from opsbook.problems.choices import ActionStatus, Effect
from opsbook.problems.models import ActionEffect, Problem

from .factories import NOW, at, ticket

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user) -> None:
        _token, raw = do_create_api_token(user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/problems{path}", params, headers=self.headers)

    def send(self, method: str, path: str, payload: Any = None):
        return getattr(self.client, method)(
            f"/api/problems{path}",
            json.dumps(payload) if payload is not None else "",
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def scene(personas):
    item = make_item(name="校园网络服务", code="NET01")
    mine = ticket(at(2026, 11, 2), item=item, team=personas.support_team, title="宿舍无线掉线")
    other = ticket(at(2026, 11, 3), item=item, team=personas.tech_team, title="机房告警")
    problem = services.do_create_problem(
        personas.mia, title="宿舍区无线信号弱", tickets=[mine, other], owner=personas.alice, now=NOW
    )
    return {"mine": mine, "other": other, "problem": problem}


def test_customers_get_403(personas, scene):
    api = Api(personas.dana)
    assert api.get("/").status_code == 403
    assert api.get(f"/{scene['problem'].pk}").status_code == 403
    assert api.send("post", "/", {"title": "x"}).status_code == 403


def test_listing_shows_only_the_tickets_one_may_see(personas, scene):
    response = Api(personas.alice).get("/")
    assert response.status_code == 200
    (row,) = response.json()["items"]
    assert row["ticket_ids"] == [scene["mine"].pk] and row["ticket_count"] == 2
    assert Api(personas.mia).get("/").json()["items"][0]["ticket_ids"] == sorted(
        [scene["mine"].pk, scene["other"].pk]
    )


def test_creating_from_tickets_and_refusing_unseen_ones(personas, scene):
    api = Api(personas.alice)
    created = api.send("post", "/", {"title": "新问题", "ticket_ids": [scene["mine"].pk]})
    assert created.status_code == 201, created.content
    assert created.json()["source"] == "tickets" and created.json()["owner_id"] == personas.alice.pk
    refused = api.send("post", "/", {"title": "越权", "ticket_ids": [scene["other"].pk]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "payload", "ticket_ids"]
    assert not Problem.objects.filter(title="越权").exists()
    assert Api(personas.vera).send("post", "/", {"title": "x"}).status_code == 403


def test_updating_the_analysis_with_versions(personas, scene):
    api = Api(personas.alice)
    pk = scene["problem"].pk
    ok = api.send(
        "patch",
        f"/{pk}",
        {
            "version": 1,
            "whys": ["信号弱", "AP老化"],
            "root_cause": "无更新计划",
            "status": "known_error",
        },
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["whys"] == ["信号弱", "AP老化"] and ok.json()["version"] == 2
    stale = api.send("patch", f"/{pk}", {"version": 1, "title": "x"})
    assert stale.status_code == 409
    assert (
        Api(personas.bob).send("patch", f"/{pk}", {"version": 2, "title": "x"}).status_code == 403
    )


def test_linking_and_unlinking(personas, scene):
    api = Api(personas.mia)
    pk = scene["problem"].pk
    extra = ticket(at(2026, 11, 9), title="又掉线")
    linked = api.send("post", f"/{pk}/tickets", {"ticket_ids": [extra.pk]})
    assert linked.status_code == 200 and extra.pk in linked.json()["ticket_ids"]
    unlinked = api.send("delete", f"/{pk}/tickets/{extra.pk}")
    assert unlinked.status_code == 200 and extra.pk not in unlinked.json()["ticket_ids"]


def test_actions_and_effects(personas, scene):
    api = Api(personas.mia)
    created = api.send(
        "post",
        "/actions",
        {
            "title": "更换老旧AP",
            "problem_id": scene["problem"].pk,
            "owner_id": personas.alice.pk,
            "due": "2026-11-20",
            "status": "in_progress",
            "metric": "tickets.complaints",
            "scope": {"item": "NET01"},
            "expected_change": -2,
        },
    )
    assert created.status_code == 201, created.content
    action = created.json()
    assert action["baseline_period"] and action["status"] == "in_progress"
    ActionEffect.objects.create(action_id=action["id"], period="2026-12", verdict=Effect.NO_DATA)
    assert api.get(f"/actions/{action['id']}/effects").json()[0]["verdict"] == "no_data"
    listed = api.get("/actions", overdue=True).json()["items"]
    assert [a["id"] for a in listed] == [action["id"]] or not listed  # overdue as of today
    done = Api(personas.alice).send(
        "patch", f"/actions/{action['id']}", {"version": 1, "status": ActionStatus.DONE}
    )
    assert done.status_code == 200 and done.json()["done_at"]
    assert (
        Api(personas.bob)
        .send("patch", f"/actions/{action['id']}", {"version": 2, "title": "x"})
        .status_code
        == 403
    )
    assert api.get("/actions/99999").status_code == 404


def test_the_lists_are_a_fixed_number_of_queries(personas, scene, django_assert_max_num_queries):
    for n in range(6):
        t = ticket(at(2026, 11, 10 + n), team=personas.support_team)
        services.do_create_problem(personas.mia, title=f"问题{n}", tickets=[t], now=NOW)
        services.do_create_action(personas.mia, title=f"措施{n}", due=date(2026, 12, 1), now=NOW)
    api = Api(personas.alice)
    with django_assert_max_num_queries(12):
        assert len(api.get("/").json()["items"]) == 7
    with django_assert_max_num_queries(10):
        assert len(api.get("/actions").json()["items"]) == 6


def test_openapi_stays_valid(personas):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/problems/" in paths and "/api/problems/actions/{action_id}/effects" in paths
