"""The ticket's timeline through the API: staff read everything; customers read public events
only, and internal notes never reach them by any route."""

from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.tickets import services

from . import api_helpers
from .api_helpers import api_as, png

media, world = api_helpers.media, api_helpers.world  # fixtures

SECRET = "内部：该客户欠费，暂缓处理"


def events(api, ticket, **params):
    response = api.get(f"/tickets/{ticket.pk}/events", **params)
    assert response.status_code == 200, response.content
    return response.json()


def busy(personas, ticket):
    """A reply with a file, an internal note, an internal file, a status change, a handover."""
    services.do_reply(personas.alice, ticket, "请提供截图", files=[png("回复附图.png")])
    services.do_add_note(personas.alice, ticket, SECRET)
    services.do_add_attachments(
        personas.alice, ticket, [SimpleUploadedFile("欠费记录.txt", "明细".encode())], public=False
    )
    ticket.refresh_from_db()
    services.do_change_status(personas.alice, ticket, "waiting", note="等客户截图")
    ticket.refresh_from_db()
    services.do_assign_ticket(personas.alice, ticket, assignee=personas.bob)


def test_staff_read_the_whole_timeline_with_texts_and_files(personas, world):
    busy(personas, world.ticket_a)
    body = events(api_as(personas.alice), world.ticket_a)
    kinds = [e["kind"] for e in body["items"]]
    assert kinds[0] == "created"
    assert {"reply", "note", "attachment", "status", "assigned"} <= set(kinds)
    assert body["count"] == len(body["items"])
    reply = next(e for e in body["items"] if e["kind"] == "reply")
    assert reply["comment"]["body"] == "请提供截图"
    assert [f["name"] for f in reply["comment"]["attachments"]] == ["回复附图.png"]
    note = next(e for e in body["items"] if e["kind"] == "note")
    assert note["comment"]["body"] == SECRET and note["public"] is False
    status = next(e for e in body["items"] if e["to_status"] == "waiting")
    assert status["from_status"] == "new" and status["data"]["note"] == "等客户截图"
    upload = next(e for e in body["items"] if e["attachment"] and not e["attachment"]["public"])
    assert upload["attachment"]["name"] == "欠费记录.txt"


def test_customers_read_public_events_only_and_never_an_internal_note(personas, world):
    busy(personas, world.ticket_a)
    api = api_as(personas.dana)
    body = events(api, world.ticket_a)
    assert all(e["public"] for e in body["items"])
    kinds = {e["kind"] for e in body["items"]}
    assert "note" not in kinds and "assigned" not in kinds
    assert body["count"] == len(body["items"])
    for response in (
        api.get(f"/tickets/{world.ticket_a.pk}/events"),
        api.get(f"/tickets/{world.ticket_a.pk}"),
        api.get("/tickets/"),
        api.get(f"/tickets/{world.ticket_a.pk}/attachments"),
    ):
        text = response.content.decode()
        assert SECRET not in text and "欠费" not in text
    reply = next(e for e in body["items"] if e["kind"] == "reply")
    assert reply["comment"]["author"] == {"id": None, "username": None, "display": "张三"}
    assert reply["actor"]["username"] is None


def test_the_timeline_comes_in_pages_with_a_total(personas, world):
    for n in range(6):
        services.do_add_note(personas.alice, world.ticket_a, f"记录 {n}")
    api = api_as(personas.alice)
    first = events(api, world.ticket_a, limit=3)
    rest = events(api, world.ticket_a, limit=3, offset=3)
    assert len(first["items"]) == 3 and first["count"] == rest["count"] >= 7
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in rest["items"]}
