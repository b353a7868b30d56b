"""The API's customer view: a customer contact's token reads, route by route, what the portal
shows them and nothing more, may not filter by what it hides, and may not set what only staff
set. Every answer is checked against the published OpenAPI document too."""

import json

import jsonschema_rs
import pytest
from django.test import Client

from opsbook.tickets import services
from opsbook.tickets.choices import EventKind
from opsbook.tickets.models import Tag, Ticket

from . import api_helpers
from .api_helpers import api_as, error_fields, png, resolve

media, world = api_helpers.media, api_helpers.world  # fixtures

# What the portal never shows a customer (portal/templates/portal/ticket.html and home.html).
STAFF_ONLY = {
    "assignee",
    "team",
    "tags",
    "sla",
    "priority",
    "channel",
    "source",
    "root_cause",
    "watchers",
    "allowed_transitions",
    "closing_blockers",
    "contact",
    "requester_name",
    "requester_email",
    "requester_phone",
    "external_id",
    "acknowledged_at",
    "first_response_at",
    "reopened_count",
}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return json.loads(Client().get("/api/openapi.json").content)


def conforms(document, component: str, body) -> None:
    """``body`` is valid against ``#/components/schemas/<component>`` of the document."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(body)]
    assert errors == [], errors


@pytest.fixture
def customer(personas):
    return api_as(personas.dana)


def test_the_detail_is_the_portal_view(personas, world, customer, document):
    services.do_update_ticket(
        personas.alice, world.ticket_a, expected_version=None, tags=["VIP"], root_cause="锁定"
    )
    body = customer.get(f"/tickets/{world.ticket_a.pk}").json()
    assert not STAFF_ONLY & set(body)
    assert body["title"] == "星火教育：无法登录" and body["status"] == "new"
    assert body["item"] == {"id": world.item.pk, "name": "热线电话服务"}
    assert body["customer"] == {"id": personas.customer_a.pk, "name": "星火教育"}
    assert (body["can_reply"], body["can_rate"]) == (True, False)
    conforms(document, "CustomerTicketDetailOut", body)
    # The same ticket read by staff has the staff shape, which a customer answer never matches.
    staff = api_as(personas.alice).get(f"/tickets/{world.ticket_a.pk}").json()
    assert staff["tags"] == ["VIP"] and staff["assignee"]["username"] == "alice"
    conforms(document, "TicketDetailOut", staff)
    with pytest.raises(AssertionError):
        conforms(document, "CustomerTicketDetailOut", staff)


def test_the_list_is_the_portal_view(personas, world, customer, document):
    body = customer.get("/tickets/").json()
    assert [t["id"] for t in body["items"]] == [world.ticket_a.pk]
    assert not STAFF_ONLY & set(body["items"][0])
    conforms(document, "CustomerTicketPage", body)


@pytest.mark.parametrize(
    "name, value",
    [
        ("assignee", "me"),
        ("assignee", "none"),
        ("team", "1"),
        ("sla", "breached"),
        ("tag", "VIP"),
        ("priority", "urgent"),
        ("channel", "phone"),
    ],
)
def test_a_customer_may_not_filter_by_what_the_portal_hides(world, customer, name, value):
    assert error_fields(customer.get("/tickets/", **{name: value})) == {name}


@pytest.mark.parametrize("ordering", ["resolution_due_at", "response_due_at", "priority"])
def test_a_customer_may_not_order_by_what_the_portal_hides(world, customer, ordering):
    assert error_fields(customer.get("/tickets/", ordering=ordering)) == {"ordering"}


def test_a_customer_filters_by_what_the_portal_shows(world, customer):
    for params in (
        {"status": "new"},
        {"type": "consultation"},
        {"item": str(world.item.pk)},
        {"q": "登录"},
        {"created_from": "2026-01-01"},
        {"ordering": "updated_at"},
    ):
        response = customer.get("/tickets/", **params)
        assert response.status_code == 200, (params, response.content)
        assert [t["id"] for t in response.json()["items"]] == [world.ticket_a.pk], params


@pytest.mark.parametrize(
    "field, value",
    [("tags", ["x"]), ("assignee", "alice"), ("team", "客服部"), ("watchers", ["alice"])],
)
def test_a_customer_may_not_set_what_only_staff_set(world, customer, field, value):
    tags_before = Tag.objects.count()
    response = customer.post("/tickets/", {"title": "越权", "item": "SVC-HOT", field: value})
    assert error_fields(response) == {field}
    assert not Ticket.objects.filter(title="越权").exists()
    assert Tag.objects.count() == tags_before


def test_a_customer_opens_a_ticket_and_reads_it_back_in_the_portal_view(
    personas, world, customer, document
):
    response = customer.post("/tickets/", {"title": "忘记密码", "item": "SVC-HOT"})
    assert response.status_code == 201, response.content
    assert not STAFF_ONLY & set(response.json())
    conforms(document, "CustomerTicketDetailOut", response.json())


def test_a_customer_may_not_change_tags_or_fields(world, customer):
    response = customer.patch(f"/tickets/{world.ticket_a.pk}", {"tags": ["x"]})
    assert response.status_code == 403
    assert not Tag.objects.filter(name="x").exists()


def test_a_reply_answers_the_comment_and_the_portal_view(world, customer, document):
    response = customer.post(f"/tickets/{world.ticket_a.pk}/reply", {"body": "还是不行"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["comment"]["body"] == "还是不行" and body["comment"]["public"] is True
    assert not STAFF_ONLY & set(body["ticket"])
    conforms(document, "ReplyOut", body)


def test_a_rating_answers_the_portal_view(personas, world, customer, document):
    resolve(world.ticket_a, personas.alice)
    response = customer.post(f"/tickets/{world.ticket_a.pk}/rating", {"rating": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rating"], body["can_rate"]) == (5, False)
    assert not STAFF_ONLY & set(body)
    conforms(document, "CustomerTicketDetailOut", body)


def test_staff_only_routes_stay_closed_to_a_customer(world, customer):
    t = world.ticket_a.pk
    assert customer.post(f"/tickets/{t}/note", {"body": "x"}).status_code == 403
    assert customer.post(f"/tickets/{t}/assign", {"assignee": "bob"}).status_code == 403
    assert customer.get(f"/tickets/{t}/follow-ups").status_code == 403
    visit = {"method": "phone", "outcome": "满意"}
    assert customer.post(f"/tickets/{t}/follow-ups", visit).status_code == 403
    response = customer.post(f"/tickets/{t}/transition", {"status": "closed"})
    assert response.status_code == 403


def test_files_are_the_shared_ones_with_staff_shown_by_name(personas, world, customer):
    services.do_add_attachments(personas.alice, world.ticket_a, [png("内部.png")], public=False)
    services.do_add_attachments(personas.alice, world.ticket_a, [png("共享.png")], public=True)
    uploaded = customer.upload(f"/tickets/{world.ticket_a.pk}/attachments", {"file": png()})
    assert uploaded.status_code == 201, uploaded.content
    files = customer.get(f"/tickets/{world.ticket_a.pk}/attachments").json()
    assert [f["name"] for f in files] == ["共享.png", "截图.png"]
    shared = files[0]
    assert shared["uploaded_by"] == {"id": None, "username": None, "display": "张三"}
    download = customer.client.get(shared["url"], headers=customer.headers)
    assert download.status_code == 200


def test_the_timeline_is_the_portal_timeline(personas, world, customer, document):
    ticket = world.ticket_a
    services.do_add_note(personas.alice, ticket, "内部：账号被锁")
    ticket.refresh_from_db()
    services.do_assign_ticket(personas.alice, ticket, assignee=personas.bob, team=None)
    ticket.refresh_from_db()
    services.do_reply(personas.bob, ticket, "请重置密码后再试")
    body = customer.get(f"/tickets/{ticket.pk}/events").json()
    kinds = [e["kind"] for e in body["items"]]
    assert EventKind.NOTE not in kinds and EventKind.ASSIGNED not in kinds
    assert EventKind.CREATED in kinds and EventKind.REPLY in kinds
    assert "账号被锁" not in json.dumps(body, ensure_ascii=False)
    assert all(e["public"] for e in body["items"])
    conforms(document, "EventPage", body)
