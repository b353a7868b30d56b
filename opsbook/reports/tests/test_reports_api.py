"""/api/reports/: reports, the workflow's steps, versions, feedback and governance, with the
pages' permissions and the API's error shapes."""

import pytest
import time_machine
from django.test import Client

from opsbook.reports import services
from opsbook.reports.defaults import ensure_default_template
from opsbook.reports.models import Feedback

from .workflow_helpers import NOW, Api, make_report, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def report(personas):
    return make_report(make_template(personas))


def test_staff_list_reports_with_filters(personas, report):
    make_report(report.template, period="2026-10")
    api = Api(personas.vera)
    data = api.get("/").json()
    assert data["count"] == 2
    assert [r["period"] for r in data["items"]] == ["2026-11", "2026-10"]
    assert api.get("/", month="2026-10").json()["count"] == 1
    assert api.get("/", template="monthly", status="draft").json()["count"] == 2
    assert api.get("/", status="published").json()["count"] == 0
    assert api.get("/", status="nonsense").status_code == 422


def test_one_report_comes_with_its_document(personas, report):
    data = Api(personas.vera).get(f"/{report.pk}").json()
    assert data["document"]["title"] == "2026年11月运营服务月报"
    assert [s["key"] for s in data["sections"]][:2] == ["overview", "kpis"]
    assert data["status"] == "draft" and data["deadline"] == "2026-12-07"


def test_customers_and_strangers_get_403_or_404(personas, report):
    assert Api(personas.dana).get("/").status_code == 403
    assert Api(personas.dana).get(f"/{report.pk}").status_code == 403
    assert Api(personas.vera).get("/999999").status_code == 404


def test_the_whole_workflow_through_the_api(personas, report):
    editor, manager = Api(personas.bob), Api(personas.mia)
    response = editor.post(f"/{report.pk}/submit", {"comment": "请审阅", "version": report.version})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    seen = response.json()["version"]
    response = manager.post(f"/{report.pk}/return", {"comment": "补充根因", "version": seen})
    assert response.json()["status"] == "returned"
    assert response.json()["comments"][-1]["kind"] == "return"
    editor.post(f"/{report.pk}/submit", {})
    assert manager.post(f"/{report.pk}/approve", {}).json()["status"] == "approved"
    response = manager.post(f"/{report.pk}/publish", {})
    assert response.status_code == 201
    assert response.json()["number"] == 1 and response.json()["document"]["status"] == "published"
    response = manager.post(f"/{report.pk}/correct", {"reason": "口径有误"})
    assert response.json()["status"] == "draft"
    editor.post(f"/{report.pk}/submit", {})
    manager.post(f"/{report.pk}/approve", {})
    response = manager.post(f"/{report.pk}/publish", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "change_note"]
    response = manager.post(f"/{report.pk}/publish", {"change_note": "更正口径"})
    assert response.json()["number"] == 2
    versions = manager.get(f"/{report.pk}/versions").json()
    assert [(v["number"], v["change_note"]) for v in versions] == [(2, "更正口径"), (1, "")]
    assert manager.get(f"/{report.pk}/versions/1").json()["document"]["version"] == 1


def test_steps_answer_403_422_and_409(personas, report):
    assert Api(personas.alice).post(f"/{report.pk}/submit", {}).status_code == 403
    response = Api(personas.mia).post(f"/{report.pk}/approve", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "status"]
    response = Api(personas.bob).post(f"/{report.pk}/submit", {"version": report.version + 5})
    assert response.status_code == 409
    response = Api(personas.mia).post(f"/{report.pk}/return", {"comment": ""})
    assert response.status_code == 422


def test_readers_rate_versions_and_customers_only_their_own(personas):
    report = make_report(make_template(personas, customer=personas.customer_a, code="xinghuo"))
    services.do_submit(report, actor=None, now=NOW)
    services.do_approve(report, actor=None, now=NOW)
    services.do_publish(report, actor=None, now=NOW)
    response = Api(personas.dana).post(
        f"/{report.pk}/versions/1/feedback", {"rating": 4, "comment": "清楚"}
    )
    assert response.status_code == 200 and response.json()["rating"] == 4
    assert Api(personas.dana).get(f"/{report.pk}/versions").json()[0]["number"] == 1
    assert Api(personas.carl).get(f"/{report.pk}/versions").status_code == 404
    assert (
        Api(personas.carl).post(f"/{report.pk}/versions/1/feedback", {"rating": 1}).status_code
        == 404
    )
    assert (
        Api(personas.vera).post(f"/{report.pk}/versions/1/feedback", {"rating": 9}).status_code
        == 422
    )
    assert Feedback.objects.count() == 1


def test_governance_lists_months_with_ratings(personas, report):
    services.do_submit(report, actor=None, now=NOW)
    services.do_approve(report, actor=None, now=NOW)
    version = services.do_publish(report, actor=None, now=NOW)
    services.do_rate(version, reader=personas.vera, rating=4, comment="好", now=NOW)
    data = Api(personas.vera).get("/governance").json()
    row = data[0]["reports"][0]
    assert data[0]["period"] == "2026-11"
    assert (row["on_time"], row["returns"], row["rating_average"], row["rating_count"]) == (
        True,
        0,
        4.0,
        1,
    )
    assert row["comments"] == [{"reader": "Vera", "rating": 4, "comment": "好"}]
    assert Api(personas.dana).get("/governance").status_code == 403


def test_the_openapi_document_names_the_reports_schemas_once(personas):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/reports/{report_id}/publish" in paths
    assert "/api/reports/governance" in paths


def test_a_manager_creates_a_months_report_and_rebuilds_it(personas):
    template = ensure_default_template(now=NOW)
    manager = Api(personas.mia)
    response = manager.post("/", {"template_id": template.pk, "month": "2026-11"})
    assert response.status_code == 201
    data = response.json()
    assert data["period"] == "2026-11" and data["document"]["sections"]
    assert data["deadline"] == "2026-12-07"
    again = manager.post("/", {"template_id": template.pk, "month": "2026-11"})
    assert again.status_code == 422
    assert manager.post("/", {"template_id": template.pk, "month": "2027-05"}).status_code == 422
    assert (
        Api(personas.bob).post("/", {"template_id": template.pk, "month": "2026-10"}).status_code
        == 403
    )
    rebuilt = manager.post(f"/{data['id']}/rebuild", {})
    assert rebuilt.status_code == 200 and rebuilt.json()["version"] > data["version"]


def test_a_published_report_is_not_rebuilt(personas, report):
    services.do_submit(report, actor=None, now=NOW)
    services.do_approve(report, actor=None, now=NOW)
    services.do_publish(report, actor=None, now=NOW)
    response = Api(personas.mia).post(f"/{report.pk}/rebuild", {})
    assert response.status_code == 422


def test_people_working_on_the_report_comment_on_it(personas, report):
    response = Api(personas.alice).post(
        f"/{report.pk}/comments", {"body": "概述已更新", "section_key": "overview"}
    )
    assert response.status_code == 201 and response.json()["section_key"] == "overview"
    assert Api(personas.vera).post(f"/{report.pk}/comments", {"body": "路过"}).status_code == 403
    response = Api(personas.mia).post(f"/{report.pk}/comments", {"body": "x", "section_key": "no"})
    assert response.status_code == 422
