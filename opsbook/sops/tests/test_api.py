"""/api/sops/: procedures with versions and steps, new versions on changed steps, a run's
checklist and completing a step, with the pages' permissions."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.catalog.testing import make_item
from opsbook.sops import services
from opsbook.sops.choices import Evidence
from opsbook.sops.testing import make_procedure, step

from .helpers import PDF, Api

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


def test_staff_list_procedures_with_their_latest_version(personas, django_assert_max_num_queries):
    item = make_item(personas.alice)
    for n in range(5):
        make_procedure(f"流程{n}", items=[item])
    api = Api(personas.alice)

    with django_assert_max_num_queries(12):
        response = api.get("/procedures", limit=3)

    body = response.json()
    assert response.status_code == 200 and body["count"] == 5
    assert [p["name"] for p in body["items"]] == ["流程0", "流程1", "流程2"]
    assert body["items"][0]["latest_version"] == 1 and body["items"][0]["item_ids"] == [item.pk]


def test_a_manager_creates_then_changes_steps_making_version_two(personas):
    api = Api(personas.mia)
    created = api.send(
        "post",
        "/procedures",
        {
            "name": "设备报修",
            "steps": [
                {"name": "登记", "time_limit_minutes": 30, "checklist": ["型号", "位置"]},
                {"name": "维修", "evidence": "note", "responsible_user_id": personas.alice.pk},
            ],
            "ticket_types": ["incident"],
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    changed = api.send(
        "patch", f"/procedures/{pk}", {"steps": [{"name": "维修"}], "note": "合并步骤"}
    )

    assert changed.status_code == 200
    versions = changed.json()["versions"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["note"] == "合并步骤" and versions[0]["steps"][0]["name"] == "维修"
    assert versions[1]["steps"][0]["checklist"] == ["型号", "位置"]
    assert changed.json()["ticket_types"] == ["incident"]


def test_bad_input_is_a_422_naming_the_field(personas):
    api = Api(personas.mia)
    empty = api.send("post", "/procedures", {"name": "空", "steps": []})
    assert empty.status_code == 422
    unknown = api.send(
        "post",
        "/procedures",
        {"name": "X", "steps": [{"name": "一", "responsible_user_id": 99999}]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"][-1] == "responsible_user_id"
    bad_type = api.send(
        "post", "/procedures", {"name": "X", "steps": [{"name": "一"}], "ticket_types": ["x"]}
    )
    assert bad_type.status_code == 422


def test_agents_read_viewers_read_customers_are_refused(personas):
    procedure = make_procedure()
    assert Api(personas.alice).get(f"/procedures/{procedure.pk}").status_code == 200
    assert Api(personas.vera).get("/procedures").status_code == 200
    write = Api(personas.alice).send("patch", f"/procedures/{procedure.pk}", {"name": "改"})
    assert write.status_code == 403
    customer = Api(personas.dana)
    assert customer.get("/procedures").status_code == 403
    assert customer.get(f"/procedures/{procedure.pk}").status_code == 403


def test_a_run_is_read_and_its_steps_completed_with_json_or_a_file(personas, media):
    procedure = make_procedure(
        steps=[
            step("登记", checklist=["型号"], time_limit_minutes=30),
            step("拍照", evidence=Evidence.ATTACHMENT),
        ]
    )
    run = services.do_start_run(procedure, calendar=None, now=NOW)
    api = Api(personas.mia)
    first, second = api.get(f"/runs/{run.pk}").json()["steps"]
    assert first["state"] == "current" and first["due_at"] is not None
    assert second["state"] == "waiting"

    refused = api.send("post", f"/runs/{run.pk}/steps/{first['id']}/complete", {"checked": []})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "checked"
    done = api.send("post", f"/runs/{run.pk}/steps/{first['id']}/complete", {"checked": [0]})
    assert done.status_code == 200 and done.json()["steps"][0]["state"] == "done"

    no_file = api.post_form(f"/runs/{run.pk}/steps/{second['id']}/complete", {"note": "见附件"})
    assert no_file.status_code == 422 and no_file.json()["detail"][0]["loc"][-1] == "file"
    with_file = api.post_form(
        f"/runs/{run.pk}/steps/{second['id']}/complete",
        {"note": "见附件", "file": SimpleUploadedFile("现场.pdf", PDF, "application/pdf")},
    )
    assert with_file.status_code == 200
    assert with_file.json()["completed_at"] is not None
    assert with_file.json()["steps"][1]["attachment_name"] == "现场.pdf"


def test_runs_are_hidden_from_outsiders_and_read_only_for_viewers(personas):
    run = services.do_start_run(make_procedure(), calendar=None, now=NOW)
    step_id = run.step_runs.order_by("step__position")[0].pk

    assert Api(personas.charlie).get(f"/runs/{run.pk}").status_code == 404
    assert Api(personas.dana).get(f"/runs/{run.pk}").status_code == 403
    viewer = Api(personas.vera)
    assert viewer.get(f"/runs/{run.pk}").status_code == 200
    assert viewer.send("post", f"/runs/{run.pk}/steps/{step_id}/complete", {}).status_code == 403
    other = services.do_start_run(make_procedure("别的"), calendar=None, now=NOW)
    mismatched = Api(personas.mia).send("post", f"/runs/{other.pk}/steps/{step_id}/complete", {})
    assert mismatched.status_code == 404


def test_a_patch_based_on_an_older_version_is_a_409(personas):
    procedure = make_procedure()
    services.do_update_procedure(personas.mia, procedure, steps=[step("新")])

    response = Api(personas.mia).send(
        "patch", f"/procedures/{procedure.pk}", {"steps": [{"name": "我的"}], "expected_version": 1}
    )

    assert response.status_code == 409 and "version 2" in response.json()["detail"]
    assert procedure.versions.count() == 2
