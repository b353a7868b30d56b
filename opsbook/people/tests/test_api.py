"""/api/people/: managers and administrators read and write; nobody else sees anyone."""

import json

import pytest
from django.core import mail
from django.test import Client

from opsbook.accounts.choices import Role
from opsbook.accounts.models import ApiToken, Customer, User
from opsbook.accounts.services import do_create_api_token
from opsbook.accounts.testing import make_user
from opsbook.catalog.testing import make_item


class Api:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"Accept-Language": "en"}
        if user is not None:
            _token, raw = do_create_api_token(user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path, **params):
        return self.client.get("/api/people" + path, params, headers=self.headers)

    def send(self, method, path, payload=None):
        return getattr(self.client, method)(
            "/api/people" + path,
            json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def api(personas):
    return Api(personas.mia)


@pytest.mark.parametrize("path", ["/staff", "/teams", "/customers", "/contacts"])
def test_only_managers_and_admins_may_use_it(personas, path):
    assert Api().get(path).status_code == 401
    for person in (personas.alice, personas.vera, personas.dana):
        response = Api(person).get(path)
        assert response.status_code == 403
        assert "managers and administrators" in response.json()["detail"]
    assert Api(personas.erin).get(path).status_code == 200


def test_staff_are_listed_searched_and_paginated(api, personas, django_assert_max_num_queries):
    for n in range(25):
        make_user(f"agent{n}", team=personas.support_team)
    with django_assert_max_num_queries(6):
        page = api.get("/staff", limit=10).json()
    assert page["count"] >= 26 and len(page["items"]) == 10
    found = api.get("/staff", q="agent24").json()
    assert [p["username"] for p in found["items"]] == ["agent24"]
    assert found["items"][0]["team"] == "客服部"
    assert "dana" not in json.dumps(api.get("/staff", limit=500).json())


def test_a_person_is_created_invited_updated_and_deactivated(
    api, personas, django_capture_on_commit_callbacks
):
    payload = {
        "username": "wangfang",
        "name": "王芳",
        "email": "wangfang@example.com",
        "team_id": personas.support_team.pk,
        "is_team_lead": True,
        "capacity_hours": 160,
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.send("post", "/staff", payload)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["is_team_lead"], body["account"], body["role"]) == (True, "invited", "agent")
    assert mail.outbox[0].to == ["wangfang@example.com"]

    person_id = body["id"]
    changed = api.send("patch", f"/staff/{person_id}", {"capacity_hours": 80, "phone": "1"})
    assert changed.json()["capacity_hours"] == 80 and changed.json()["email"] == payload["email"]

    wang = User.objects.get(pk=person_id)
    _token, raw = do_create_api_token(wang)
    assert api.send("post", f"/staff/{person_id}/deactivate").json()["account"] == "deactivated"
    assert api.send("post", f"/staff/{person_id}/reactivate").json()["is_active"] is True
    assert ApiToken.objects.filter(user=wang, revoked_at__isnull=True).count() == 0
    assert (
        Client().get("/api/people/staff", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 401
    )


def test_bad_input_is_422_with_the_field_named(api, personas):
    make_user("taken", email="t@example.com")
    cases = [
        ({"username": "taken", "name": "X"}, "username"),
        ({"username": "new", "name": "X", "email": "T@example.com"}, "email"),
        ({"username": "new", "name": "X", "email": "nope"}, "email"),
        ({"username": "new", "name": "X", "team_id": 999999}, "team_id"),
        ({"username": "new", "name": "X", "capacity_hours": 10_000}, "capacity_hours"),
        ({"username": "bad login!", "name": "X"}, "username"),
    ]
    for payload, field in cases:
        response = api.send("post", "/staff", payload)
        assert response.status_code == 422, (payload, response.json())
        assert field in {e["loc"][-1] for e in response.json()["detail"]}, response.json()
    assert not User.objects.filter(username="new").exists()


def test_a_manager_cannot_make_or_change_an_administrator(api, personas):
    made = api.send("post", "/staff", {"username": "boss", "name": "B", "role": "admin"})
    assert made.status_code == 403
    erin = personas.erin
    assert api.send("patch", f"/staff/{erin.pk}", {"role": "viewer"}).status_code == 403
    assert api.send("post", f"/staff/{erin.pk}/deactivate").status_code == 403
    assert (
        Api(erin)
        .send("post", "/staff", {"username": "boss", "name": "B", "role": "admin"})
        .status_code
        == 201
    )


def test_unknown_ids_and_contacts_through_staff_routes_are_404(api, personas):
    assert api.get("/staff/999999").status_code == 404
    assert api.get(f"/staff/{personas.dana.pk}").status_code == 404
    assert api.get(f"/contacts/{personas.alice.pk}").status_code == 404


def test_teams_customers_and_contacts(api, personas):
    item = make_item(code="HOT-1", name="热线")
    team = api.send("post", "/teams", {"name": "财务部", "lead_id": personas.alice.pk})
    assert team.status_code == 201, team.json()
    cycle = api.send(
        "patch", f"/teams/{personas.support_team.pk}", {"parent_id": team.json()["id"]}
    )
    assert cycle.status_code == 200
    loop = api.send("patch", f"/teams/{team.json()['id']}", {"parent_id": personas.support_team.pk})
    assert loop.status_code == 422
    assert api.send("post", "/teams", {"name": "财务部"}).status_code == 422

    customer = api.send(
        "post", "/customers", {"code": "xinghe", "name": "星河学校", "services": ["hot-1"]}
    )
    assert customer.status_code == 201, customer.json()
    assert customer.json()["services"] == ["HOT-1"]
    unknown = api.send("post", "/customers", {"code": "x2", "name": "X2", "services": ["NOPE"]})
    assert unknown.status_code == 422
    customer_id = customer.json()["id"]
    assert api.send("patch", f"/customers/{customer_id}", {"services": []}).json()["services"] == []

    contact = api.send(
        "post", "/contacts", {"username": "chenjing", "name": "陈静", "customer_id": customer_id}
    )
    assert contact.status_code == 201, contact.json()
    assert contact.json()["customer"] == "xinghe"
    assert api.get("/contacts", customer_id=customer_id).json()["count"] == 1
    assert User.objects.get(username="chenjing").role == Role.CUSTOMER
    assert Customer.objects.get(pk=customer_id).contacts.count() == 1
    assert item.pk


def test_the_openapi_document_lists_the_people_routes_with_their_errors(client):
    schema = client.get("/api/openapi.json").json()
    staff = schema["paths"]["/api/people/staff"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(staff)
    assert "PersonOut" in schema["components"]["schemas"]


def test_control_characters_are_422_and_searches_ignore_them(api, personas):
    response = api.send("post", "/staff", {"username": "nul", "name": "a\u0000b"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name"
    assert api.get("/staff", q="al\u0000ice").status_code == 200
    team = api.send("post", "/teams", {"name": "甲\r\n乙"})
    assert team.status_code == 422


def test_ids_too_large_for_the_database_are_404_or_422_never_500(api):
    huge = 2**63
    for path in (f"/staff/{huge}", f"/contacts/{huge}", f"/teams/{huge}", f"/customers/{huge}"):
        assert api.get(path).status_code == 404, path
    assert api.get("/contacts", customer_id=huge).json()["count"] == 0
    response = api.send("post", "/staff", {"username": "big", "name": "B", "team_id": huge})
    assert response.status_code == 422
    response = api.send("post", "/teams", {"name": "大", "parent_id": huge, "lead_id": huge})
    assert response.status_code == 422


def test_a_manager_cannot_send_a_new_link_to_someone_who_has_a_password(
    api, personas, django_capture_on_commit_callbacks
):
    alice = personas.alice
    with django_capture_on_commit_callbacks(execute=True):
        response = api.send("post", f"/staff/{alice.pk}/invite", {"email": "mallory@example.com"})
    assert response.status_code == 403
    assert "administrator" in response.json()["detail"]
    assert User.objects.get(pk=alice.pk).email == alice.email
    assert not mail.outbox
