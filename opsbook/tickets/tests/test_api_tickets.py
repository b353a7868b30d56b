"""Creating, reading and changing tickets through the API: references checked against what the
caller may see, the ``sla`` object and the rating on every ticket, optimistic locking."""

from opsbook.catalog.models import ServiceStandard
from opsbook.catalog.testing import make_content
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_service, no_default_targets

from . import api_helpers
from .api_helpers import api_as, error_fields, resolve

media, world = api_helpers.media, api_helpers.world  # fixtures

SLA_KEYS = {
    "state",
    "standard_id",
    "calendar",
    "time_basis",
    "targets",
    "response_due_at",
    "resolution_due_at",
    "response_business_seconds",
    "resolution_business_seconds",
    "paused_business_seconds",
    "response_breached",
    "resolution_breached",
    "calendar_incomplete",
    "computed_at",
}


# --- create -----------------------------------------------------------------------------------


def test_staff_create_a_ticket_naming_everything_by_code_and_username(personas, world):
    personas.bob  # noqa: B018 (created on first use)
    response = api_as(personas.mia).post(
        "/tickets/",
        {
            "title": "  课件无法下载  ",
            "type": "incident",
            "channel": "phone",
            "priority": "high",
            "item": "SVC-HOT",
            "customer": "xinghuo",
            "contact": "dana",
            "assignee": "bob",
            "tags": ["课件", "下载"],
            "watchers": ["alice"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "课件无法下载"
    assert (body["status"], body["source"], body["channel"]) == ("new", "api", "phone")
    assert body["customer"]["name"] == "星火教育"
    assert body["contact"]["username"] == "dana"
    assert body["assignee"]["username"] == "bob"
    assert body["team"]["name"] == "客服部"
    assert sorted(body["tags"]) == ["下载", "课件"]
    assert [w["username"] for w in body["watchers"]] == ["alice"]
    assert body["version"] == Ticket.objects.get(pk=body["id"]).version
    assert body["sla"]["state"] == "ok"
    assert body["sla"]["targets"]["response_seconds"] == 1800


def test_references_may_be_ids_too(personas, world):
    response = api_as(personas.mia).post(
        "/tickets/",
        {
            "title": "按编号引用",
            "channel": "phone",
            "item": world.item.pk,
            "customer": personas.customer_b.pk,
            "contact": personas.carl.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["customer"]["code"] == "mingyuan"
    assert response.json()["assignee"]["username"] == "alice"  # the service's primary owner


def test_the_default_channel_is_api_and_content_belongs_to_the_item(personas, world):
    content = make_content(world.item, code="SVC-HOT-01", frequency_text="")
    other = make_service(code="SVC-OTHER", name="其他服务")
    api = api_as(personas.mia)
    ok = api.post("/tickets/", {"title": "内容", "item": "SVC-HOT", "content": "SVC-HOT-01"})
    assert ok.status_code == 201, ok.content
    assert ok.json()["channel"] == "api"
    assert ok.json()["content"]["id"] == content.pk
    wrong = api.post("/tickets/", {"title": "内容", "item": other.pk, "content": "SVC-HOT-01"})
    assert error_fields(wrong) == {"content"}
    orphan = api.post("/tickets/", {"title": "内容", "content": "SVC-HOT-01"})
    assert error_fields(orphan) == {"content"}


def test_unknown_references_are_refused_by_field(personas, world):
    api = api_as(personas.mia)
    cases = {
        "item": "SVC-NOPE",
        "customer": "nobody-inc",
        "contact": "ghost",
        "assignee": "ghost",
        "team": "不存在的部门",
    }
    for field, ref in cases.items():
        response = api.post("/tickets/", {"title": "x", "item": "SVC-HOT", field: ref})
        assert error_fields(response) == {field}, field
    assert error_fields(api.post("/tickets/", {"title": "x", "watchers": ["ghost"]})) == {
        "watchers"
    }
    assert not Ticket.objects.filter(title="x").exists()


def test_a_staff_member_cannot_be_the_contact_nor_a_customer_the_assignee(personas, world):
    api = api_as(personas.mia)
    as_contact = api.post("/tickets/", {"title": "x", "customer": "xinghuo", "contact": "alice"})
    assert error_fields(as_contact) == {"contact"}
    as_assignee = api.post("/tickets/", {"title": "x", "assignee": "dana"})
    assert error_fields(as_assignee) == {"assignee"}
    wrong_org = api.post("/tickets/", {"title": "x", "customer": "xinghuo", "contact": "carl"})
    assert error_fields(wrong_org) == {"contact"}


def test_a_customer_opens_a_ticket_for_their_organisation_through_the_portal_channel(
    personas, world
):
    response = api_as(personas.dana).post(
        "/tickets/",
        {"title": "忘记密码", "item": "SVC-HOT", "channel": "phone", "priority": "urgent"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.channel, ticket.source, ticket.priority) == ("portal", "portal", "high")
    assert ticket.contact == personas.dana and ticket.assignee == personas.alice
    # The customer reads what the portal shows: no channel, priority, assignee or team.
    assert body["customer"] == {"id": personas.customer_a.pk, "name": personas.customer_a.name}
    assert body["item"] == {"id": world.item.pk, "name": "热线电话服务"}
    assert body["can_reply"] is True and body["can_rate"] is False
    assert not {"channel", "priority", "assignee", "team", "sla", "watchers"} & set(body)


def test_a_customer_may_not_use_services_or_people_they_cannot_see(personas, world):
    hidden = make_service(code="SVC-HIDDEN", name="未开通的服务")
    api = api_as(personas.dana)
    refused = {
        "item": {"item": hidden.pk},
        "customer": {"item": "SVC-HOT", "customer": "mingyuan"},
        "contact": {"item": "SVC-HOT", "contact": "carl"},
        "assignee": {"item": "SVC-HOT", "assignee": "alice"},
        "team": {"item": "SVC-HOT", "team": "客服部"},
        "watchers": {"item": "SVC-HOT", "watchers": ["alice"]},
    }
    for field, values in refused.items():
        response = api.post("/tickets/", {"title": "越权", **values})
        assert error_fields(response) == {field}, field
        assert "未开通" not in response.content.decode()
    assert error_fields(api.post("/tickets/", {"title": "没有服务"})) == {"item"}
    assert not Ticket.objects.filter(title__in=["越权", "没有服务"]).exists()


def test_a_viewer_may_not_open_tickets(personas, world):
    assert api_as(personas.vera).post("/tickets/", {"title": "x"}).status_code == 403


def test_bad_input_is_a_422_naming_the_field(personas, world):
    api = api_as(personas.mia)
    assert error_fields(api.post("/tickets/", {"title": ""})) == {"title"}
    assert error_fields(api.post("/tickets/", {"title": "   "})) == {"title"}
    assert error_fields(api.post("/tickets/", {"title": "x", "channel": "fax"})) == {"channel"}
    assert error_fields(api.post("/tickets/", {"title": "x", "status": "closed"})) == {"status"}
    assert error_fields(api.post("/tickets/", {"title": "x", "requester_email": "not-mail"})) == {
        "requester_email"
    }


# --- read -------------------------------------------------------------------------------------


def test_every_ticket_carries_its_sla_and_rating(personas, world):
    ticket = resolve(world.ticket_a, personas.alice)
    api_as(personas.dana).post(f"/tickets/{ticket.pk}/rating", {"rating": 4, "comment": "不错"})
    body = api_as(personas.erin).get(f"/tickets/{ticket.pk}").json()
    assert set(body["sla"]) == SLA_KEYS
    sla = body["sla"]
    assert sla["calendar"] == "工作日历"
    assert sla["time_basis"] == "business"
    assert sla["state"] == "met"
    assert sla["response_business_seconds"] is not None
    assert sla["resolution_business_seconds"] is not None
    assert sla["paused_business_seconds"] == 0
    assert sla["response_breached"] is False and sla["resolution_breached"] is False
    assert sla["calendar_incomplete"] is False
    assert (body["rating"], body["rating_comment"]) == (4, "不错")
    assert body["rated_at"] is not None
    listed = api_as(personas.erin).get("/tickets/").json()["items"]
    row = next(r for r in listed if r["id"] == ticket.pk)
    assert row["sla"] == sla and row["rating"] == 4


def test_a_ticket_without_a_target_says_so(personas, world):
    no_default_targets()
    response = api_as(personas.mia).post("/tickets/", {"title": "无标准", "channel": "wecom"})
    sla = response.json()["sla"]
    assert sla["state"] == "no_clock"
    assert sla["calendar"] is None and sla["time_basis"] is None
    assert sla["targets"] == {"response_seconds": None, "resolution_seconds": None}
    assert sla["response_due_at"] is None


def test_calendar_time_targets_name_no_calendar(personas, world):
    item = make_service(
        code="SVC-24H", name="7×24 值守", standards=(("phone", "", 15, 240, "calendar"),)
    )
    response = api_as(personas.mia).post(
        "/tickets/", {"title": "夜间", "item": item.pk, "channel": "phone"}
    )
    sla = api_as(personas.mia).get(f"/tickets/{response.json()['id']}").json()["sla"]
    assert sla["time_basis"] == "calendar"
    assert sla["calendar"] is None
    assert sla["targets"] == {"response_seconds": 900, "resolution_seconds": 14400}


def test_staff_see_what_may_happen_next(personas, world):
    body = api_as(personas.alice).get(f"/tickets/{world.ticket_a.pk}").json()
    assert body["allowed_transitions"] == [
        "acknowledged",
        "in_progress",
        "waiting",
        "resolved",
        "cancelled",
    ]
    assert (
        api_as(personas.vera).get(f"/tickets/{world.ticket_a.pk}").json()["allowed_transitions"]
        == []
    )
    customer = api_as(personas.dana).get(f"/tickets/{world.ticket_a.pk}").json()
    assert "allowed_transitions" not in customer and customer["can_reply"] is True


def test_a_customer_reads_the_portal_shape_without_staff_only_values(personas, world):
    # The customer's own shape is tested route by route in test_api_customer_view.py.
    api_as(personas.alice).patch(f"/tickets/{world.ticket_a.pk}", {"root_cause": "密码策略"})
    staff = api_as(personas.alice).get(f"/tickets/{world.ticket_a.pk}").json()
    customer = api_as(personas.dana).get(f"/tickets/{world.ticket_a.pk}").json()
    assert staff["root_cause"] == "密码策略"
    assert set(customer) < set(staff) | {"can_reply", "can_rate"}
    assert not {"root_cause", "assignee", "contact", "watchers"} & set(customer)


# --- change -----------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_moves_the_clocks_with_the_policy(personas, world):
    world.item.standards.create(
        channel="phone", priority="urgent", response_minutes=5, resolution_minutes=60
    )
    api = api_as(personas.alice)
    before = api.get(f"/tickets/{world.ticket_a.pk}").json()
    response = api.patch(
        f"/tickets/{world.ticket_a.pk}",
        {"version": before["version"], "priority": "urgent", "tags": ["加急"]},
    )
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["priority"] == "urgent" and after["tags"] == ["加急"]
    assert after["title"] == before["title"]
    assert after["version"] > before["version"]
    assert after["sla"]["targets"] == {"response_seconds": 300, "resolution_seconds": 3600}
    assert after["sla"]["standard_id"] != before["sla"]["standard_id"]
    assert ServiceStandard.objects.filter(pk=after["sla"]["standard_id"]).exists()


def test_a_stale_version_is_a_409_and_nothing_changes(personas, world):
    api = api_as(personas.alice)
    version = api.get(f"/tickets/{world.ticket_a.pk}").json()["version"]
    first = api.patch(f"/tickets/{world.ticket_a.pk}", {"version": version, "title": "甲"})
    assert first.status_code == 200
    stale = api_as(personas.bob).patch(
        f"/tickets/{world.ticket_a.pk}", {"version": version, "title": "乙"}
    )
    assert stale.status_code == 409
    assert f"#{world.ticket_a.pk}" in stale.json()["detail"]
    assert Ticket.objects.get(pk=world.ticket_a.pk).title == "甲"


def test_patch_refuses_unknown_fields_nulls_for_required_ones_and_hidden_references(
    personas, world
):
    api = api_as(personas.alice)
    path = f"/tickets/{world.ticket_a.pk}"
    assert error_fields(api.patch(path, {"status": "closed"})) == {"status"}
    assert error_fields(api.patch(path, {"assignee": "bob"})) == {"assignee"}
    assert error_fields(api.patch(path, {"title": None})) == {"title"}
    assert error_fields(api.patch(path, {"item": "SVC-NOPE"})) == {"item"}
    assert error_fields(api.patch(path, {"customer": "mingyuan"})) == {"contact"}


def test_patch_keeps_a_reference_the_ticket_already_has(personas, world):
    world.item.status = "retired"
    world.item.save()
    response = api_as(personas.alice).patch(
        f"/tickets/{world.ticket_a.pk}", {"item": "SVC-HOT", "description": "补充说明"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["item"]["code"] == "SVC-HOT"


def test_patch_may_clear_optional_references_and_texts(personas, world):
    response = api_as(personas.alice).patch(
        f"/tickets/{world.ticket_a.pk}", {"contact": None, "description": None}
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact"] is None
    assert response.json()["description"] == ""


def test_customers_and_viewers_may_not_patch(personas, world):
    for name in ("dana", "vera"):
        response = api_as(getattr(personas, name)).patch(
            f"/tickets/{world.ticket_a.pk}", {"item": "SVC-NOPE"}
        )
        assert response.status_code == 403, name


def test_an_agent_opening_a_ticket_for_another_teams_service_gets_it_back(personas, world):
    api = api_as(personas.charlie)
    response = api.post("/tickets/", {"title": "替客户转交", "item": "SVC-HOT", "channel": "phone"})
    assert response.status_code == 201, response.content
    assert response.json()["team"]["name"] == "客服部"  # the service's owners handle it
    assert api.get(f"/tickets/{response.json()['id']}").status_code == 404
