"""/api/routines/: the same services and scope as the pages, the project's error shapes."""

import json
from datetime import timedelta
from typing import get_args

import pytest
from django.test import Client

from opsbook.routines.choices import OccurrenceStatus, Source
from opsbook.routines.models import Evidence, Occurrence
from opsbook.routines.schemas import OccurrenceSource
from opsbook.tickets.tests.factories import make_ticket

from . import ui_helpers
from .ui_helpers import NOW, TODAY, bearer, make_occurrence, png

media, scene = ui_helpers.media, ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db
BASE = "/api/routines"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = bearer(user)

    def get(self, path, params=None):
        return self.client.get(BASE + path, params or {}, headers=self.headers)

    def post(self, path, payload=None):
        return self.client.post(
            BASE + path,
            json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def multipart(self, path, data):
        return self.client.post(BASE + path, data, headers=self.headers)


def test_the_list_has_the_pages_filters_and_scope(scene, personas):
    late = make_occurrence(scene.content, assignee=personas.alice, due_on=TODAY - timedelta(1))
    make_occurrence(scene.content, assignee=personas.alice, index=2)
    make_occurrence(scene.other_content, assignee=personas.charlie)
    answer = Api(personas.alice).get("/occurrences")
    assert answer.status_code == 200
    assert answer.json()["count"] == 2
    answer = Api(personas.alice).get("/occurrences", {"status": "late"})
    [row] = answer.json()["items"]
    assert row["id"] == late.pk and row["late"] is True
    assert row["content"]["code"] == "SVC-1.1" and row["item"]["code"] == "SVC-1"
    assert row["owners"] == [{"id": personas.alice.pk, "username": "alice", "name": "张三"}]
    assert row["url"] == f"/routines/occurrences/{late.pk}/"


def test_a_bad_filter_is_a_422_naming_it(scene, personas):
    answer = Api(personas.mia).get("/occurrences", {"status": "bogus"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "status"]


def test_the_list_takes_a_fixed_number_of_queries(scene, personas, django_assert_max_num_queries):
    api = Api(personas.mia)
    for index in range(3):
        make_occurrence(scene.content, assignee=personas.alice, index=index + 1)
    with django_assert_max_num_queries(10) as few:
        api.get("/occurrences")
    for index in range(3, 25):
        make_occurrence(scene.content, assignee=personas.bob, index=index + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/occurrences").json()["count"] == 25


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/occurrences"),
        ("get", "/occurrences/{pk}"),
        ("post", "/occurrences/{pk}/complete"),
        ("post", "/occurrences/{pk}/skip"),
        ("post", "/occurrences"),
        ("get", "/coverage"),
    ],
)
def test_customers_get_403_on_every_route(scene, personas, method, path):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    api = Api(personas.dana)
    url = path.format(pk=occurrence.pk)
    payload = {"reason": "x", "content": scene.on_demand.pk, "due_on": "2026-03-12"}
    answer = api.get(url) if method == "get" else api.post(url, payload)
    assert answer.status_code == 403


def test_an_outsider_gets_404_and_a_viewer_403(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    assert Api(personas.charlie).get(f"/occurrences/{occurrence.pk}").status_code == 404
    assert Api(personas.charlie).post(f"/occurrences/{occurrence.pk}/complete").status_code == 404
    viewer = Api(personas.vera)
    assert viewer.get(f"/occurrences/{occurrence.pk}").status_code == 200
    answer = viewer.post(f"/occurrences/{occurrence.pk}/complete", {"note": "x"})
    assert answer.status_code == 403
    assert answer.json()["detail"] == "You may not complete this work."
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_complete_with_json(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    answer = Api(personas.alice).post(
        f"/occurrences/{occurrence.pk}/complete", {"note": "ok", "link": "http://x.example/1"}
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "done" and data["note"] == "ok" and data["late"] is False
    assert data["completed_by"]["username"] == "alice"


def test_complete_with_files_and_download_them(scene, personas, media):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    api = Api(personas.alice)
    answer = api.multipart(
        f"/occurrences/{occurrence.pk}/complete", {"note": "照片", "file": [png(), png("b.png")]}
    )
    assert answer.status_code == 200, answer.content
    files = answer.json()["evidence"]
    assert sorted(f["name"] for f in files) == ["b.png", "photo.png"]
    download = api.client.get(files[0]["download_url"], headers=api.headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    outsider = Api(personas.charlie)
    assert outsider.client.get(files[0]["download_url"], headers=outsider.headers).status_code == (
        404
    )


def test_a_javascript_link_is_a_422_and_nothing_is_written(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    answer = Api(personas.alice).post(
        f"/occurrences/{occurrence.pk}/complete", {"link": "javascript:alert(1)"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "link"]
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_too_large_an_upload_is_a_413(scene, personas, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    answer = Api(personas.alice).multipart(
        f"/occurrences/{occurrence.pk}/complete", {"file": [png(size=4096)]}
    )
    assert answer.status_code == 413
    assert not Evidence.objects.exists()
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_a_file_that_is_not_what_it_says_is_a_422(scene, personas, media):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    fake = png("report.pdf")
    answer = Api(personas.alice).multipart(f"/occurrences/{occurrence.pk}/complete", {"file": fake})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "file"]


def test_completing_cancelled_work_is_a_422_with_the_reason(scene, personas):
    occurrence = make_occurrence(
        scene.content, assignee=personas.alice, status=OccurrenceStatus.CANCELLED
    )
    answer = Api(personas.alice).post(f"/occurrences/{occurrence.pk}/complete")
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "loc": ["body", "status"],
            "msg": "This work was cancelled; there is nothing left to do.",
            "type": "value_error",
        }
    ]


def test_not_json_is_a_400(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    api = Api(personas.alice)
    answer = api.client.post(
        f"{BASE}/occurrences/{occurrence.pk}/complete",
        "{not json",
        content_type="application/json",
        headers=api.headers,
    )
    assert answer.status_code == 400


def test_skip_needs_a_reason(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    api = Api(personas.alice)
    assert api.post(f"/occurrences/{occurrence.pk}/skip", {}).status_code == 422
    answer = api.post(f"/occurrences/{occurrence.pk}/skip", {"reason": " "})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "Say why this work is skipped."
    answer = api.post(f"/occurrences/{occurrence.pk}/skip", {"reason": "停业"})
    assert answer.json()["status"] == "skipped"


def test_reopen_and_reassign(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    Api(personas.alice).post(f"/occurrences/{occurrence.pk}/skip", {"reason": "停业"})
    assert Api(personas.alice).post(f"/occurrences/{occurrence.pk}/reopen").status_code == 403
    answer = Api(personas.mia).post(f"/occurrences/{occurrence.pk}/reopen", {"reason": "误操作"})
    assert answer.json()["status"] == "open"
    answer = Api(personas.mia).post(
        f"/occurrences/{occurrence.pk}/reassign", {"assignee": personas.bob.pk}
    )
    assert answer.json()["assignee"]["username"] == "bob"
    answer = Api(personas.mia).post(
        f"/occurrences/{occurrence.pk}/reassign", {"assignee": personas.vera.pk}
    )
    assert answer.status_code == 422


def test_create_on_demand_work_from_a_ticket(scene, personas):
    ticket = make_ticket(personas.alice, scene.item)
    answer = Api(personas.alice).post(
        "/occurrences",
        {"content": scene.on_demand.pk, "due_on": "2026-03-13", "ticket": ticket.pk},
    )
    assert answer.status_code == 201
    data = answer.json()
    assert data["source"] == Source.TICKET and data["ticket_id"] == ticket.pk
    assert data["assignee"]["username"] == "alice"
    assert Occurrence.objects.get().pk == data["id"]


def test_create_with_a_past_day_is_a_422(scene, personas):
    answer = Api(personas.mia).post(
        "/occurrences", {"content": scene.on_demand.pk, "due_on": "2026-03-01"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "payload", "due_on"]


def test_an_outsider_may_not_create_work_for_alices_content(scene, personas):
    answer = Api(personas.charlie).post(
        "/occurrences", {"content": scene.on_demand.pk, "due_on": "2026-03-12"}
    )
    assert answer.status_code == 403
    assert not Occurrence.objects.exists()


def test_coverage_per_content_owner_and_period(scene, personas):
    make_occurrence(
        scene.content, assignee=personas.alice, status=OccurrenceStatus.DONE, completed_at=NOW
    )
    make_occurrence(scene.content, assignee=personas.alice, index=2, due_on=TODAY - timedelta(1))
    make_occurrence(scene.other_content, assignee=personas.charlie)
    api = Api(personas.mia)
    data = api.get("/coverage", {"item": scene.item.pk}).json()
    assert (data["start"], data["end"], data["by"]) == ("2026-03-01", "2026-03-31", "content")
    [row] = data["rows"]
    assert (row["planned"], row["done_on_time"], row["open"], row["late"]) == (2, 1, 1, 1)
    assert row["rate"] == 100.0
    assert f"content={scene.content.pk}" in row["list_url"]
    data = api.get("/coverage", {"by": "owner"}).json()
    assert {r["label"]: r["planned"] for r in data["rows"]} == {"张三": 2, "王五": 1}
    assert data["total"]["planned"] == 3
    data = api.get("/coverage", {"owner": personas.charlie.pk}).json()
    assert data["total"]["planned"] == 1
    data = api.get("/coverage", {"due_from": "2026-02-01", "due_to": "2026-02-28"}).json()
    assert data["rows"] == []


def test_coverage_refuses_a_bad_period(scene, personas):
    api = Api(personas.mia)
    assert api.get("/coverage", {"month": "2026-13"}).status_code == 422
    assert api.get("/coverage", {"due_from": "2026-03-02"}).status_code == 422
    answer = api.get("/coverage", {"due_from": "2026-03-02", "due_to": "2026-03-01"})
    assert answer.status_code == 422
    assert api.get("/coverage", {"by": "team"}).status_code == 422


def test_an_agent_sees_the_coverage_of_the_work_they_may_see(scene, personas):
    make_occurrence(scene.content, assignee=personas.alice)
    make_occurrence(scene.other_content, assignee=personas.charlie)
    assert Api(personas.alice).get("/coverage").json()["total"]["planned"] == 1


def test_the_source_values_are_the_models():
    assert set(get_args(OccurrenceSource)) == set(Source.values)


def test_a_ticket_outside_the_callers_scope_is_a_404(scene, personas):
    ticket = make_ticket(personas.mia, scene.other_item, team=personas.tech_team)
    answer = Api(personas.alice).post(
        "/occurrences", {"content": scene.on_demand.pk, "due_on": "2026-03-12", "ticket": ticket.pk}
    )
    assert answer.status_code == 404
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize("body", [{"link": 42}, {"note": "x" * 5001}, {"note": "a\x00b"}, ["note"]])
def test_a_complete_body_of_the_wrong_shape_is_a_422(scene, personas, body):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    answer = Api(personas.alice).post(f"/occurrences/{occurrence.pk}/complete", body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][0] == "body"
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
