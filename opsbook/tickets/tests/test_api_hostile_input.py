"""Hostile input through the tickets API: script in titles, bodies and file names stays data
(JSON strings, served as JSON) and never changes the answer's shape; the OpenAPI document
describes the routes."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from . import api_helpers
from .api_helpers import api_as

media, world = api_helpers.media, api_helpers.world  # fixtures

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }} {% debug %}",
    "'; DROP TABLE tickets_ticket; --",
    "\u202egnp.exe",
    "</script><script>alert(document.cookie)</script>",
]


@pytest.mark.parametrize("hostile", PAYLOADS)
def test_script_in_a_title_and_body_is_returned_verbatim_as_json_with_the_usual_shape(
    personas, world, hostile
):
    api = api_as(personas.mia)
    plain = api.post("/tickets/", {"title": "普通标题"}).json()
    response = api.post("/tickets/", {"title": f"x {hostile}", "description": hostile})
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["title"] == " ".join(f"x {hostile}".split())
    assert body["description"] == hostile
    assert set(body) == set(plain)
    assert set(body["sla"]) == set(plain["sla"])

    reply = api.post(f"/tickets/{body['id']}/reply", {"body": hostile})
    assert reply.json()["comment"]["body"] == hostile
    for path in (f"/tickets/{body['id']}", "/tickets/", f"/tickets/{body['id']}/events"):
        answer = api.get(path)
        assert answer["Content-Type"].startswith("application/json")
        json.loads(answer.content)  # well-formed: the text could not break out of its string


def test_a_hostile_file_name_is_cleaned_and_stays_a_name(personas, world):
    api = api_as(personas.alice)
    upload = SimpleUploadedFile('..\\..\\<img src=x onerror=alert(1)>".txt', "日志".encode())
    response = api.upload(f"/tickets/{world.ticket_a.pk}/attachments", {"file": upload})
    assert response.status_code == 201, response.content
    [row] = response.json()
    assert "/" not in row["name"] and "\\" not in row["name"]
    download = api.get(f"/tickets/{world.ticket_a.pk}/attachments/{row['id']}")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\n" not in download["Content-Disposition"]


def test_hostile_filter_values_are_refused_not_run(personas, world):
    api = api_as(personas.erin)
    for field in ("status", "item", "ordering", "created_from"):
        response = api.get("/tickets/", **{field: "1 OR 1=1"})
        assert response.status_code == 422, field
    assert api.get("/tickets/", q="' OR 1=1 --").json()["items"] == []


def test_the_openapi_document_describes_the_ticket_routes(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/tickets/": {"get", "post"},
        "/api/tickets/{ticket_id}": {"get", "patch"},
        "/api/tickets/{ticket_id}/reply": {"post"},
        "/api/tickets/{ticket_id}/note": {"post"},
        "/api/tickets/{ticket_id}/assign": {"post"},
        "/api/tickets/{ticket_id}/transition": {"post"},
        "/api/tickets/{ticket_id}/follow-ups": {"get", "post"},
        "/api/tickets/{ticket_id}/rating": {"post"},
        "/api/tickets/{ticket_id}/attachments": {"get", "post"},
        "/api/tickets/{ticket_id}/attachments/{attachment_id}": {"get"},
        "/api/tickets/{ticket_id}/events": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
    schemas = response.json()["components"]["schemas"]
    assert {"calendar", "response_due_at", "calendar_incomplete"} <= set(
        schemas["SlaOut"]["properties"]
    )
    assert (
        "multipart/form-data"
        in (paths["/api/tickets/{ticket_id}/attachments"]["post"]["requestBody"]["content"])
    )
