"""Ticket actions through the API: replies and notes, assignment, the status machine,
follow-up visits (回访) and the customer's rating; each answers with the ticket as it is now."""

from opsbook.tickets.models import Comment, FollowUp, Ticket

from . import api_helpers
from .api_helpers import api_as, error_fields, resolve

media, world = api_helpers.media, api_helpers.world  # fixtures


def path(ticket, action=""):
    return f"/tickets/{ticket.pk}/{action}" if action else f"/tickets/{ticket.pk}"


# --- replies and notes ------------------------------------------------------------------------


def test_the_first_staff_reply_stops_the_response_clock(personas, world):
    response = api_as(personas.alice).post(path(world.ticket_a, "reply"), {"body": "请重置密码"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["comment"]["body"] == "请重置密码"
    assert body["comment"]["public"] is True and body["comment"]["by_customer"] is False
    assert body["comment"]["author"]["username"] == "alice"
    assert body["ticket"]["first_response_at"] is not None
    assert body["ticket"]["sla"]["response_business_seconds"] is not None


def test_a_reply_may_set_the_ticket_waiting_on_the_customer_and_their_answer_resumes_it(
    personas, world
):
    staff = api_as(personas.alice).post(
        path(world.ticket_a, "reply"), {"body": "请提供截图", "then_status": "waiting"}
    )
    assert staff.json()["ticket"]["status"] == "waiting"
    assert staff.json()["ticket"]["sla"]["state"] == "paused"
    customer = api_as(personas.dana).post(path(world.ticket_a, "reply"), {"body": "截图已上传"})
    assert customer.status_code == 201, customer.content
    assert customer.json()["comment"]["by_customer"] is True
    assert customer.json()["ticket"]["status"] == "in_progress"


def test_a_customer_may_not_change_the_status_with_a_reply(personas, world):
    response = api_as(personas.dana).post(
        path(world.ticket_a, "reply"), {"body": "已解决", "then_status": "resolved"}
    )
    assert response.status_code == 403
    assert not Comment.objects.filter(body="已解决").exists()


def test_an_empty_reply_is_refused(personas, world):
    api = api_as(personas.alice)
    assert error_fields(api.post(path(world.ticket_a, "reply"), {"body": ""})) == {"body"}
    assert error_fields(api.post(path(world.ticket_a, "reply"), {"body": "   "})) == {"body"}


def test_a_reply_with_a_stale_version_is_a_409_and_is_not_saved(personas, world):
    response = api_as(personas.alice).post(
        path(world.ticket_a, "reply"), {"body": "迟到的回复", "version": 0}
    )
    assert response.status_code == 409
    assert not Comment.objects.filter(body="迟到的回复").exists()


def test_a_note_is_internal_and_does_not_stop_the_response_clock(personas, world):
    response = api_as(personas.alice).post(path(world.ticket_a, "note"), {"body": "疑似锁号"})
    assert response.status_code == 201, response.content
    assert response.json()["comment"]["public"] is False
    assert response.json()["ticket"]["first_response_at"] is None


# --- assignment -------------------------------------------------------------------------------


def test_an_agent_hands_a_ticket_to_a_teammate_by_username(personas, world):
    personas.bob  # noqa: B018 (created on first use)
    response = api_as(personas.alice).post(path(world.ticket_a, "assign"), {"assignee": "bob"})
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["username"] == "bob"
    assert response.json()["team"]["name"] == "客服部"


def test_only_managers_move_a_ticket_to_another_team(personas, world):
    personas.charlie  # noqa: B018
    agent = api_as(personas.alice).post(path(world.ticket_a, "assign"), {"assignee": "charlie"})
    assert agent.status_code == 403
    manager = api_as(personas.mia).post(path(world.ticket_a, "assign"), {"assignee": "charlie"})
    assert manager.status_code == 200
    assert manager.json()["team"]["name"] == "技术支持部"


def test_unassigning_keeps_the_ticket_in_its_teams_queue(personas, world):
    response = api_as(personas.alice).post(path(world.ticket_a, "assign"), {"assignee": None})
    assert response.json()["assignee"] is None
    assert response.json()["team"]["name"] == "客服部"


def test_only_active_staff_may_be_assigned(personas, world):
    api = api_as(personas.mia)
    assert error_fields(api.post(path(world.ticket_a, "assign"), {"assignee": "dana"})) == {
        "assignee"
    }
    personas.vera  # noqa: B018
    assert error_fields(api.post(path(world.ticket_a, "assign"), {"assignee": "vera"})) == {
        "assignee"
    }
    assert error_fields(api.post(path(world.ticket_a, "assign"), {"team": "无此部门"})) == {"team"}


# --- status -----------------------------------------------------------------------------------


def test_a_ticket_moves_through_its_status_machine(personas, world):
    api = api_as(personas.alice)
    for status in ("acknowledged", "in_progress", "resolved", "closed"):
        response = api.post(path(world.ticket_a, "transition"), {"status": status})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    assert response.json()["closed_at"] is not None


def test_a_transition_the_machine_does_not_allow_is_a_422_on_status(personas, world):
    api = api_as(personas.alice)
    response = api.post(path(world.ticket_a, "transition"), {"status": "closed"})
    assert error_fields(response) == {"status"}
    assert (
        "cannot become"
        in api_as(personas.alice)
        .client.post(
            f"/api/tickets/{world.ticket_a.pk}/transition",
            '{"status": "closed"}',
            content_type="application/json",
            headers={**api.headers, "Accept-Language": "en"},
        )
        .json()["detail"][0]["msg"]
    )
    assert error_fields(api.post(path(world.ticket_a, "transition"), {"status": "gone"})) == {
        "status"
    }


def test_a_complaint_closes_only_with_a_root_cause_and_a_follow_up_visit(personas, world):
    api = api_as(personas.alice)
    api.patch(path(world.ticket_a), {"type": "complaint"})
    api.post(path(world.ticket_a, "transition"), {"status": "resolved"})
    blocked = api.post(path(world.ticket_a, "transition"), {"status": "closed"})
    assert error_fields(blocked) == {"status"}
    assert len(blocked.json()["detail"]) == 2
    detail = api.get(path(world.ticket_a)).json()
    assert len(detail["closing_blockers"]) == 2

    api.patch(path(world.ticket_a), {"root_cause": "密码策略过严"})
    visit = api.post(
        path(world.ticket_a, "follow-ups"),
        {"method": "phone", "outcome": "客户认可处理结果", "customer_satisfied": True},
    )
    assert visit.status_code == 201, visit.content
    assert visit.json()["by"]["username"] == "alice"
    closed = api.post(path(world.ticket_a, "transition"), {"status": "closed"})
    assert closed.status_code == 200, closed.content
    listed = api.get(path(world.ticket_a, "follow-ups")).json()
    assert [(f["method"], f["customer_satisfied"]) for f in listed] == [("phone", True)]


def test_a_follow_up_needs_an_outcome_and_a_known_method(personas, world):
    api = api_as(personas.alice)
    assert error_fields(
        api.post(path(world.ticket_a, "follow-ups"), {"method": "phone", "outcome": ""})
    ) == {"outcome"}
    assert error_fields(
        api.post(path(world.ticket_a, "follow-ups"), {"method": "pigeon", "outcome": "好"})
    ) == {"method"}
    assert not FollowUp.objects.exists()


# --- rating -----------------------------------------------------------------------------------


def test_the_customer_rates_a_resolved_ticket_once(personas, world):
    ticket = resolve(world.ticket_a, personas.alice)
    api = api_as(personas.dana)
    response = api.post(path(ticket, "rating"), {"rating": 5, "comment": "响应很快"})
    assert response.status_code == 200, response.content
    assert (response.json()["rating"], response.json()["rating_comment"]) == (5, "响应很快")
    again = api.post(path(ticket, "rating"), {"rating": 1})
    assert error_fields(again) == {"rating"}
    assert Ticket.objects.get(pk=ticket.pk).rating == 5


def test_an_open_ticket_cannot_be_rated_and_ratings_are_1_to_5(personas, world):
    api = api_as(personas.dana)
    assert error_fields(api.post(path(world.ticket_a, "rating"), {"rating": 5})) == {"rating"}
    resolve(world.ticket_a, personas.alice)
    assert error_fields(api.post(path(world.ticket_a, "rating"), {"rating": 6})) == {"rating"}
    assert error_fields(api.post(path(world.ticket_a, "rating"), {"rating": 0})) == {"rating"}
    assert Ticket.objects.get(pk=world.ticket_a.pk).rating is None


def test_staff_may_not_rate_on_the_customers_behalf(personas, world):
    ticket = resolve(world.ticket_a, personas.alice)
    for name in ("alice", "erin"):
        response = api_as(getattr(personas, name)).post(path(ticket, "rating"), {"rating": 5})
        assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).rating is None
