import json
from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from opsbook.accounts.services import do_create_api_token

from .helpers import SH, at, ticket

pytestmark = pytest.mark.django_db
KEYS = {"value", "previous", "change", "change_pct", "last_year", "unit", "target", "status"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(datetime(2027, 1, 10, 9, tzinfo=SH), tick=False):
        yield


def run(*args):
    out = StringIO()
    call_command("metrics", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_issue_s_json_object():
    ticket(at(2026, 11, 2), channel="phone")
    ticket(at(2026, 11, 3), channel="wechat")
    ticket(at(2026, 10, 3), channel="phone")
    data = json.loads(run("--period", "2026-11", "--metric", "tickets.created", "--json"))
    assert data["period"] == {
        "start": "2026-11-01",
        "end": "2026-11-30",
        "time_zone": "Asia/Shanghai",
    }
    created = data["metrics"]["tickets.created"]
    assert set(created) == KEYS
    assert created | {"unit": "count"} == {
        "value": 2, "previous": 1, "change": 1, "change_pct": 1.0, "last_year": 0,
        "unit": "count", "target": None, "status": None,
    }  # fmt: skip
    data = json.loads(
        run("--period", "2026-11", "--metric", "tickets.created", "--by", "channel", "--json")
    )
    by = data["metrics"]["tickets.created"]["by"]
    assert set(by) == {"phone", "wechat"}
    assert by["phone"]["value"] == 1 and by["phone"]["previous"] == 1 and set(by["phone"]) == KEYS
    scoped = json.loads(run("--period", "2026-11", "--scope", "channel=wechat", "--json"))
    assert scoped["metrics"]["tickets.created"]["value"] == 1
    assert len(scoped["metrics"]) >= 25


def test_the_command_refuses_bad_input():
    with pytest.raises(CommandError, match="Not a period"):
        run("--period", "2026-13")
    with pytest.raises(CommandError, match="Unknown metric"):
        run("--period", "2026-11", "--metric", "tickets.nope")
    with pytest.raises(CommandError, match="DIMENSION=CODE"):
        run("--period", "2026-11", "--scope", "colour=red")
    assert "tickets.created" in run("--period", "2026-11")


def api(user, path):
    _token, raw = do_create_api_token(user)
    return Client().get(
        "/api/metrics" + path, headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"}
    )


def test_the_api_returns_the_same_object_to_staff(personas):
    ticket(at(2026, 11, 2), channel="phone", customer=personas.customer_a)
    response = api(personas.alice, "/?period=2026-11&metric=tickets.created&by=customer")
    assert response.status_code == 200
    body = response.json()
    assert body == json.loads(
        run("--period", "2026-11", "--metric", "tickets.created", "--by", "customer", "--json")
    )
    assert body["metrics"]["tickets.created"]["by"]["xinghuo"]["value"] == 1
    scoped = api(personas.mia, "/?period=2026-11&customer=mingyuan").json()
    assert scoped["metrics"]["tickets.created"]["value"] == 0


def test_customers_get_403_and_bad_input_422(personas):
    assert api(personas.dana, "/?period=2026-11").status_code == 403
    assert api(personas.dana, "/definitions").status_code == 403
    for query, field in (
        ("period=2026-13", "period"),
        ("period=2026-11&by=colour", "by"),
        ("period=2026-11&metric=nope", "metric"),
    ):
        response = api(personas.alice, "/?" + query)
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["loc"] == ["query", field]


def test_definitions_list_every_metric(personas):
    rows = api(personas.alice, "/definitions").json()
    by_key = {r["key"]: r for r in rows}
    assert by_key["sla.response.met_rate"]["direction"] == "higher"
    assert by_key["tickets.created"]["direction"] is None
    assert by_key["tickets.backlog"]["point_in_time"] is True
    assert "customer" in by_key["tickets.created"]["dimensions"]
    assert "customer" not in by_key["routines.coverage"]["dimensions"]
