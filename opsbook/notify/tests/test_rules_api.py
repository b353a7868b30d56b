"""/api/notifications/rules: managers and administrators create, read, change, delete and
test rules; everyone else gets 403; bad input is 422 with the field named."""

import pytest

from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import Channel, Delivery, Notification, Rule

from .inbox_helpers import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    return Api(personas.mia)


def test_only_managers_and_admins_may_use_it(personas):
    assert Api().get("/rules/").status_code == 401
    for person in (personas.alice, personas.vera, personas.dana):
        response = Api(person).get("/rules/")
        assert response.status_code == 403 and "managers" in response.json()["detail"]
        assert (
            Api(person)
            .send("post", "/rules/", {"event": "sla_breach", "audience": "owners"})
            .status_code
            == 403
        )
    assert Api(personas.erin).get("/rules/").status_code == 200


def test_the_list_is_paged_and_filtered_by_event(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = api.get("/rules/").json()
    assert body["count"] == Rule.objects.count()
    breach = api.get("/rules/", event="sla_breach").json()["items"]
    assert {r["audience"] for r in breach} == {"assignee", "team_lead"}


def test_create_read_change_delete(api):
    channel = Channel.objects.create(name="值班群", kind=ChannelKind.FEISHU, url="https://x")
    created = api.send(
        "post",
        "/rules/",
        {"event": "sla_breach", "audience": "chat_group", "channel_id": channel.pk},
    )
    assert created.status_code == 201
    rule = created.json()
    assert rule["channel"] == "值班群" and rule["in_app"] is False
    assert api.get(f"/rules/{rule['id']}").json()["id"] == rule["id"]
    changed = api.send("patch", f"/rules/{rule['id']}", {"is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert api.send("delete", f"/rules/{rule['id']}").status_code == 204
    assert api.get(f"/rules/{rule['id']}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"event": "nonsense", "audience": "owners"}, "event"),
        ({"event": "digest", "audience": "owners"}, "event"),
        ({"event": "sla_breach", "audience": "nobody"}, "audience"),
        ({"event": "sla_breach", "audience": "chat_group"}, "channel_id"),
        ({"event": "sla_breach", "audience": "chat_group", "channel_id": 99999}, "channel_id"),
        ({"event": "sla_breach", "audience": "owners", "in_app": False, "email": False}, "in_app"),
        ({"event": "sla_breach", "audience": "assignee"}, "audience"),
        ({"event": "sla_breach"}, "audience"),
    ],
)
def test_bad_rules_are_422(api, payload, field):
    before = Rule.objects.count()
    response = api.send("post", "/rules/", payload)
    assert response.status_code == 422
    assert field in response.json()["detail"][0]["loc"]
    assert Rule.objects.count() == before


def test_send_test_answers_what_was_queued(api, personas):
    personas.mia.email = "mia@example.com"
    personas.mia.save()
    rule = Rule.objects.get(event=Event.LOW_RATING, audience=Audience.TEAM_LEAD)
    response = api.send("post", f"/rules/{rule.pk}/test")
    assert response.status_code == 202
    assert response.json() == {"inbox": 1, "emails": 1, "chats": 0}
    assert Notification.objects.get().user == personas.mia
    assert Delivery.objects.get().address == "mia@example.com"


def test_a_chat_group_rule_turned_into_a_personal_one_drops_its_channel(api):
    channel = Channel.objects.create(name="值班群", kind=ChannelKind.SLACK, url="https://x")
    rule = Rule.objects.create(
        event=Event.TICKET_CREATED,
        audience=Audience.CHAT_GROUP,
        channel=channel,
        in_app=False,
        email=False,
    )
    changed = api.send("patch", f"/rules/{rule.pk}", {"audience": "managers", "in_app": True})
    assert changed.status_code == 200
    assert changed.json()["channel_id"] is None and changed.json()["in_app"] is True
    refused = api.send("patch", f"/rules/{rule.pk}", {"audience": "chat_group"})
    assert refused.status_code == 422 and "channel_id" in refused.json()["detail"][0]["loc"]
