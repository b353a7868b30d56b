import pytest

from opsbook.accounts.services import do_create_api_token
from opsbook.surveys.models import Invitation, Response

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    return {"Authorization": f"Bearer {do_create_api_token(user)[1]}"}


def test_staff_read_a_campaigns_results(client, sent, personas):
    listed = client.get("/api/surveys/campaigns", headers=auth(personas.alice))
    assert listed.status_code == 200
    assert listed.json()[0]["name"] == sent.campaign.name
    got = client.get(
        f"/api/surveys/campaigns/{sent.campaign.pk}/results", headers=auth(personas.vera)
    )
    assert got.status_code == 200
    body = got.json()
    assert (body["invited"], body["responded"], body["response_rate"], body["nps"]) == (
        3,
        0,
        0.0,
        None,
    )
    assert [q["kind"] for q in body["questions"]] == ["nps", "rating", "multiple", "text"]


def test_bad_ids_answer_in_json(client, sent, personas):
    headers = auth(personas.alice)
    assert client.get("/api/surveys/campaigns/999999/results", headers=headers).status_code == 404
    bad = client.get("/api/surveys/campaigns/abc/results", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"]


def test_only_managers_send_and_customers_get_403(client, world, personas):
    url = f"/api/surveys/campaigns/{world.campaign.pk}/send"
    assert client.post(url, headers=auth(personas.alice)).status_code == 403
    assert client.post(url, headers=auth(personas.dana)).status_code == 403
    assert client.get("/api/surveys/campaigns", headers=auth(personas.dana)).status_code == 403
    assert not Invitation.objects.exists()
    sent = client.post(url, headers=auth(personas.mia))
    assert sent.status_code == 200
    assert sent.json() == {"invited": 3, "mailed": 2, "already": 0}
    assert not Response.objects.exists()


def test_sending_a_closed_campaign_is_a_422(client, world, personas, time_machine):
    time_machine.move_to(world.campaign.closes_at, tick=False)
    got = client.post(
        f"/api/surveys/campaigns/{world.campaign.pk}/send", headers=auth(personas.mia)
    )
    assert got.status_code == 422
    assert got.json()["detail"][0]["msg"] == "此调查活动已截止，不能再发送。"
