"""/api/metrics/manual and /api/metrics/targets: staff read, managers write, customers get
403; invalid input is a 422 naming the field."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.audit.models import AuditEntry
from opsbook.metrics.models import ManualMetric, ManualValue, Target

from .manual_fakes import make_manual


class Api:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"Accept-Language": "en"}
        if user is not None:
            _token, raw = do_create_api_token(user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path, **params):
        return self.client.get("/api/metrics" + path, params, headers=self.headers)

    def send(self, method, path, payload=None):
        return getattr(self.client, method)(
            "/api/metrics" + path,
            json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def api(personas):
    return Api(personas.mia)


def test_who_may_use_it(personas):
    make_manual()
    assert Api().get("/manual").status_code == 401
    for path in ("/manual", "/targets", "/manual/signups/values"):
        response = Api(personas.dana).get(path)
        assert response.status_code == 403, path
        assert response.json()["detail"] == "Metrics are for staff only."
        assert Api(personas.vera).get(path).status_code == 200
    response = Api(personas.alice).send("post", "/manual", {"code": "x", "name": "X"})
    assert response.status_code == 403
    response = Api(personas.vera).send(
        "post", "/manual/signups/values", {"period": "2026-11", "value": 1, "source": "x"}
    )
    assert response.status_code == 403
    assert not ManualValue.objects.exists()


def test_manual_metrics_are_created_and_listed(api, django_assert_max_num_queries):
    response = api.send(
        "post",
        "/manual",
        {"code": "conversion", "name": "转化率", "unit": "ratio", "higher_is_better": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["key"] == "manual.conversion" and body["period_kind"] == "month"
    for code in ("a", "b", "c"):
        make_manual(code)
    with django_assert_max_num_queries(5):
        page = api.get("/manual", limit=2).json()
    assert page["count"] == 4 and [m["code"] for m in page["items"]] == ["a", "b"]
    assert api.get("/manual/conversion").json()["unit"] == "ratio"
    assert api.get("/manual/nope").status_code == 404


def test_invalid_input_is_a_422_naming_the_field(api):
    make_manual("signups")
    response = api.send("post", "/manual", {"code": "signups", "name": "again"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "code"]
    response = api.send("post", "/manual", {"code": "x", "name": "X", "unit": "parsecs"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "unit"
    response = api.send(
        "post", "/manual/signups/values", {"period": "2026-Q4", "value": 1, "source": "x"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "period"]
    assert ManualMetric.objects.count() == 1 and not ManualValue.objects.exists()


def test_values_are_set_listed_and_deleted(api, personas, django_assert_max_num_queries):
    make_manual("signups")
    response = api.send(
        "post", "/manual/signups/values", {"period": "2026-11", "value": 120, "source": "CRM"}
    )
    assert response.status_code == 201
    assert response.json() | {"entered_at": None} == {
        "metric": "manual.signups",
        "period": "2026-11",
        "start": "2026-11-01",
        "end": "2026-11-30",
        "value": "120",
        "source": "CRM",
        "entered_at": None,
        "entered_by": "mia",
    }
    again = api.send(
        "post", "/manual/signups/values", {"period": "2026-11", "value": 125, "source": "CRM"}
    )
    assert again.status_code == 200 and Decimal(again.json()["value"]) == 125
    for month in range(1, 11):
        api.send(
            "post",
            "/manual/signups/values",
            {"period": f"2026-{month:02d}", "value": 1, "source": "x"},
        )
    with django_assert_max_num_queries(6):
        listed = api.get("/manual/signups/values", limit=5).json()
    assert listed["count"] == 11 and listed["items"][0]["period"] == "2026-11"
    assert api.send("delete", "/manual/signups/values/2026-11").status_code == 204
    assert api.send("delete", "/manual/signups/values/2026-11").status_code == 404
    assert api.send("delete", "/manual/signups/values/2026-Q4").status_code == 422
    assert AuditEntry.objects.filter(source="api", object_type="metrics.manualvalue").count() == 13


def test_a_metric_is_patched(api):
    make_manual("signups")
    response = api.send("patch", "/manual/signups", {"name": "注册用户", "is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert api.send("patch", "/manual/signups", {"name": None}).status_code == 422


def test_targets_are_set_listed_and_deleted(api, personas):
    make_manual("signups")
    response = api.send("post", "/targets", {"metric": "manual.signups", "value": 1000})
    assert response.status_code == 201
    body = response.json()
    assert (
        body["direction"] == "at_least" and body["dimension"] == "" and body["updated_by"] == "mia"
    )
    again = api.send(
        "post", "/targets", {"metric": "manual.signups", "value": 1200, "direction": "at_least"}
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    listed = api.get("/targets", metric="manual.signups").json()
    assert listed["count"] == 1 and Decimal(listed["items"][0]["value"]) == 1200
    assert api.get(f"/targets/{body['id']}").status_code == 200
    assert api.get("/targets/abc").status_code == 422
    assert api.get("/targets/99999999").status_code == 404
    bad = api.send("post", "/targets", {"metric": "nope", "value": 1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "metric"
    bad = api.send(
        "post",
        "/targets",
        {"metric": "manual.signups", "value": 1, "dimension": "item", "code": "A"},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "dimension"
    assert Api(personas.alice).send("delete", f"/targets/{body['id']}").status_code == 403
    assert api.send("delete", f"/targets/{body['id']}").status_code == 204
    assert not Target.objects.exists()


def test_a_rate_target_for_a_real_metric(api):
    response = api.send(
        "post",
        "/targets",
        {
            "metric": "sla.response.met_rate",
            "value": "0.98",
            "dimension": "channel",
            "code": "phone",
        },
    )
    assert response.status_code == 201, response.json()
    bad = api.send("post", "/targets", {"metric": "sla.response.met_rate", "value": "98"})
    assert bad.status_code == 422


def test_control_characters_are_a_422_never_a_500(api):
    make_manual("signups")
    cases = [
        ("post", "/manual", {"code": "x", "name": "a\x00b"}, "name"),
        (
            "post",
            "/manual/signups/values",
            {"period": "2026-11", "value": 1, "source": "a\x00"},
            "source",
        ),
        ("post", "/targets", {"metric": "manual.signups", "value": 1, "note": "\x00"}, "note"),
        (
            "post",
            "/targets",
            {
                "metric": "sla.response.met_rate",
                "value": "0.9",
                "dimension": "item",
                "code": "\x00",
            },
            "code",
        ),
    ]
    for method, path, payload, field in cases:
        response = api.send(method, path, payload)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"][0]["loc"][-1] == field
    assert api.get("/targets", metric="a\x00b").status_code == 200
    assert api.get("/manual/a\x00b").status_code == 404
    assert api.send("delete", "/manual/signups/values/2026\x00").status_code == 422
