"""/api/reports/templates: staff list and read templates as JSON (the editor's export shape);
managers create, import, replace and delete them; a template that reports use stays."""

import json

import pytest
import time_machine
from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.reports import blocks
from opsbook.reports.models import ReportTemplate

from .test_template_editor import CountBlock
from .web_factories import NOW, make_report, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def count_block():
    blocks.register(CountBlock)
    yield
    blocks._REGISTRY.pop(CountBlock.type, None)


class Api:
    def __init__(self, user) -> None:
        _token, raw = do_create_api_token(user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}

    def get(self, path: str = "/"):
        return self.client.get(f"/api/reports/templates{path}", headers=self.headers)

    def send(self, method: str, path: str, payload=None):
        return getattr(self.client, method)(
            f"/api/reports/templates{path}",
            json.dumps(payload) if payload is not None else "",
            content_type="application/json",
            headers=self.headers,
        )


def test_staff_list_and_read_templates_as_json(personas):
    template = make_template(editor=personas.alice)
    api = Api(personas.vera)

    listed = api.get("/").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "monthly"
    one = api.get(f"/{template.pk}").json()
    assert one["format"] == "opsbook.report-template" and one["schema"] == 1
    assert one["editor"] == "alice"
    assert [s["key"] for s in one["sections"]] == ["overview", "kpis", "problems"]


def test_customers_get_403_and_unknown_templates_404(personas):
    template = make_template()

    assert Api(personas.dana).get(f"/{template.pk}").status_code == 403
    assert Api(personas.mia).get("/999").status_code == 404


def test_what_the_api_returns_it_accepts_back(personas):
    template = make_template()
    api = Api(personas.mia)
    data = api.get(f"/{template.pk}").json()
    data["code"] = "copy"
    data["sections"][1]["blocks"] = [{"type": "test_counts", "options": {"months": 3}}]

    response = api.send("post", "/", data)

    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["code"] == "copy"
    assert copy["sections"][1]["blocks"] == [
        {"type": "test_counts", "options": {"months": 3, "metrics": []}}
    ]


def test_bad_input_is_a_422_that_names_the_problem(personas):
    template = make_template()
    api = Api(personas.mia)
    data = api.get(f"/{template.pk}").json()

    taken = api.send("post", "/", data)
    assert taken.status_code == 422
    assert "A template with the code monthly exists" in taken.json()["detail"][0]["msg"]
    data["code"] = "other"
    data["sections"][0]["blocks"] = [{"type": "test_counts", "options": {"months": 0}}]
    bad = api.send("post", "/", data)
    assert bad.status_code == 422
    assert "months is a whole number from 1 to 24." in bad.json()["detail"][0]["msg"]
    assert ReportTemplate.objects.count() == 1


def test_replace_changes_fields_and_sections(personas):
    template = make_template()
    api = Api(personas.mia)
    data = api.get(f"/{template.pk}").json()
    data["name"] = "新月报"
    data["sections"] = data["sections"][::-1]

    response = api.send("put", f"/{template.pk}", data)

    assert response.status_code == 200
    assert response.json()["name"] == "新月报"
    assert list(template.sections.values_list("key", flat=True)) == [
        "problems",
        "kpis",
        "overview",
    ]


def test_agents_may_not_write(personas):
    template = make_template()
    api = Api(personas.alice)
    data = api.get(f"/{template.pk}").json()

    assert api.send("post", "/", {**data, "code": "x"}).status_code == 403
    assert api.send("put", f"/{template.pk}", data).status_code == 403
    assert api.send("delete", f"/{template.pk}").status_code == 403


def test_delete_is_refused_while_reports_use_the_template(personas):
    used = make_template()
    make_report(used)
    spare = make_template("spare")
    api = Api(personas.mia)

    refused = api.send("delete", f"/{used.pk}")
    assert refused.status_code == 422
    assert "1 reports use this template" in refused.json()["detail"][0]["msg"]
    assert api.send("delete", f"/{spare.pk}").status_code == 204
    assert list(ReportTemplate.objects.values_list("code", flat=True)) == ["monthly"]
