"""An attacker's pass over the follow-up visits owed (issue 9): the list page and API for every
role, recording a visit on a ticket one does not work, another ticket's visit named by id in a
correction, hostile rating comments, and CSRF."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.accounts.services import do_create_api_token
from opsbook.tickets import services
from opsbook.tickets.models import FollowUp, FollowUpTask

from .followup_helpers import RESOLVED, complaint, scene
from .views_helpers import client_for

pytestmark = pytest.mark.django_db
LIST = reverse("tickets:follow_ups")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> [领奖](https://evil.example)'
VISIT = {"method": "phone", "outcome": "客户满意", "customer_satisfied": "true"}


@pytest.fixture
def owed(personas, time_machine):
    """A complaint of alice's team, resolved, owing a visit; the clock a day later."""
    item = scene(personas)
    ticket = complaint(personas, item, title="投诉：客服态度")
    services.resolve(personas.alice, ticket, now=RESOLVED)
    time_machine.move_to(RESOLVED + timedelta(days=1), tick=False)
    return FollowUpTask.objects.get(ticket=ticket)


def _api(user, method, path, payload=None):
    headers = {"Accept-Language": "en"}
    if user is not None:
        _token, raw = do_create_api_token(user)
        headers["Authorization"] = f"Bearer {raw}"
    client = Client()
    if method == "get":
        return client.get("/api/tickets" + path, headers=headers)
    return client.post(
        "/api/tickets" + path,
        json.dumps(payload or {}),
        content_type="application/json",
        headers=headers,
    )


def state():
    return (
        list(FollowUpTask.objects.values_list("pk", "done_at", "follow_up_id").order_by("pk")),
        FollowUp.objects.count(),
    )


def test_strangers_go_to_the_login_page_and_get_401(owed):
    before = state()
    response = Client().get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = Client().post(reverse("tickets:follow_up", args=[owed.ticket_id]), VISIT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _api(None, "get", "/follow-up-tasks").status_code == 401
    assert _api(None, "post", f"/{owed.ticket_id}/follow-ups", VISIT).status_code == 401
    assert state() == before


@pytest.mark.parametrize("who", ["dana", "carl"])
def test_customers_never_see_or_record_visits_even_on_their_own_complaint(personas, owed, who):
    """Dana filed the complaint: the visit owed on it is staff work, never hers to close."""
    user = getattr(personas, who)
    before = state()
    client = client_for(user)
    assert client.get(LIST).status_code == 404
    response = client.post(reverse("tickets:follow_up", args=[owed.ticket_id]), VISIT)
    assert response.status_code == 404
    assert _api(user, "get", "/follow-up-tasks").status_code == 403
    assert _api(user, "get", f"/{owed.ticket_id}/follow-ups").status_code in (403, 404)
    payload = {"method": "phone", "outcome": "我很满意", "customer_satisfied": True}
    answer = _api(user, "post", f"/{owed.ticket_id}/follow-ups", payload)
    assert answer.status_code in (403, 404)
    assert state() == before


def test_an_outsider_agent_neither_sees_nor_records_another_teams_visit(personas, owed):
    before = state()
    client = client_for(personas.charlie)
    page = client.get(LIST, {"owner": str(personas.alice.pk), "state": "all"})
    assert page.status_code == 200 and "投诉：客服态度" not in page.text
    response = client.post(reverse("tickets:follow_up", args=[owed.ticket_id]), VISIT)
    assert response.status_code == 404
    listed = _api(personas.charlie, "get", f"/follow-up-tasks?owner={personas.alice.pk}")
    assert "投诉：客服态度" not in listed.text
    answer = _api(personas.charlie, "post", f"/{owed.ticket_id}/follow-ups", VISIT)
    assert answer.status_code == 404
    assert state() == before


def test_a_viewer_reads_the_visits_owed_but_records_none(personas, owed):
    before = state()
    client = client_for(personas.vera)
    assert "投诉：客服态度" in client.get(LIST).text
    response = client.post(reverse("tickets:follow_up", args=[owed.ticket_id]), VISIT)
    assert response.status_code == 403
    answer = _api(personas.vera, "post", f"/{owed.ticket_id}/follow-ups", VISIT)
    assert answer.status_code == 403
    assert state() == before


def test_a_correction_cannot_name_a_visit_of_another_ticket(personas, owed, time_machine):
    """The manager corrects complaint A's visit by passing complaint B's visit id: refused."""
    item = owed.ticket.item
    other = complaint(personas, item, title="另一张投诉")
    services.do_add_follow_up(
        personas.mia, other, method="phone", outcome="原记录", customer_satisfied=True
    )
    foreign = FollowUp.objects.get(ticket=other)
    response = client_for(personas.mia).post(
        reverse("tickets:correct_follow_up", args=[owed.ticket_id]),
        {
            "follow_up": foreign.pk,
            "outcome": "篡改",
            "customer_satisfied": "false",
            "reason": "x",
        },
    )
    assert response.status_code in (400, 404, 409)
    foreign.refresh_from_db()
    assert foreign.outcome == "原记录"


def test_a_low_ratings_comment_is_text_on_the_follow_ups_page(personas, owed):
    services.do_rate_ticket(owed.ticket, 1, HOSTILE, actor=personas.dana)
    task = FollowUpTask.objects.filter(rating__isnull=False).first()
    assert task is not None
    page = client_for(personas.mia).get(LIST, {"state": "all"}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    detail = client_for(personas.mia).get(reverse("tickets:detail", args=[owed.ticket_id])).text
    assert "<script>alert" not in detail and "<img src=x" not in detail


def test_recording_a_visit_needs_the_csrf_token(personas, owed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.alice)
    before = state()
    response = client.post(
        reverse("tickets:follow_up", args=[owed.ticket_id]), VISIT, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("owner", ["abc", "-1", "99999999999999999999", "none", "me"])
def test_odd_owner_filters_never_fail(personas, owed, owner):
    assert client_for(personas.mia).get(LIST, {"owner": owner}).status_code == 200
    assert _api(personas.mia, "get", f"/follow-up-tasks?owner={owner}").status_code in (200, 422)
