"""An attacker's pass over "my work" and the workload (issue 9): every page and API route for
every role, another team's work asked for by id, hostile titles, and the counts' badge."""

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.accounts.models import Team
from opsbook.accounts.services import do_create_api_token
from opsbook.tickets.models import Ticket

from .scene import NOW, build

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PAGES = ["work:mine", "work:count", "work:workload"]
API = ["/mine", "/mine?scope=team", "/workload"]


@pytest.fixture
def scene(personas, time_machine):
    time_machine.move_to(NOW, tick=False)
    return build(personas)


def _api(user, path):
    headers = {"Accept-Language": "en"}
    if user is not None:
        _token, raw = do_create_api_token(user)
        headers["Authorization"] = f"Bearer {raw}"
    return Client().get("/api/work" + path, headers=headers)


def test_strangers_are_sent_to_the_login_page(client, scene):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("who", ["dana", "carl"])
def test_customers_have_no_work_pages(client, personas, scene, who):
    client.force_login(getattr(personas, who))
    for name in PAGES:
        response = client.get(reverse(name), {"scope": "team"})
        assert response.status_code == 404, name
        assert "打印机卡纸" not in response.text


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("dana", 403), ("carl", 403)])
def test_the_work_api_refuses_strangers_and_customers(personas, scene, who, expected):
    for path in API:
        response = _api(getattr(personas, who) if who else None, path)
        assert response.status_code == expected, path
        assert "打印机卡纸" not in response.text


def test_an_outsider_agent_sees_none_of_alices_work(client, personas, scene):
    client.force_login(personas.charlie)
    page = client.get(reverse("work:mine")).text
    assert "打印机卡纸" not in page and "巡检机房" not in page and "确认故障现象" not in page
    answer = _api(personas.charlie, "/mine").json()
    assert "打印机卡纸" not in str(answer) and "巡检机房" not in str(answer)
    # Asking for the whole team: Charlie leads none, so he gets his own work, never 客服部's.
    page = client.get(reverse("work:mine"), {"scope": "team"}).text
    assert "打印机卡纸" not in page
    assert "打印机卡纸" not in str(_api(personas.charlie, "/mine?scope=team").json())


def test_another_teams_id_is_not_found_for_a_team_lead(client, personas, scene):
    """Charlie leads his own team: 客服部's id in the query is not found, on every route."""
    Team.objects.filter(pk=personas.tech_team.pk).update(lead=personas.charlie)
    other = personas.support_team.pk
    client.force_login(personas.charlie)
    assert client.get(reverse("work:mine"), {"scope": "team", "team": other}).status_code == 404
    assert client.get(reverse("work:workload"), {"team": other}).status_code == 404
    assert _api(personas.charlie, f"/mine?scope=team&team={other}").status_code == 404
    assert _api(personas.charlie, f"/workload?team={other}").status_code == 404
    for bad in ("abc", "-1", "99999999999999999999"):
        response = client.get(reverse("work:mine"), {"scope": "team", "team": bad})
        assert response.status_code == 404, bad


def test_an_agent_sees_only_their_own_workload(client, personas, scene):
    client.force_login(personas.alice)
    page = client.get(reverse("work:workload")).text
    assert personas.bob.display_name not in page and personas.charlie.display_name not in page
    people = [row["person_id"] for row in _api(personas.alice, "/workload").json()["people"]]
    assert people == [personas.alice.pk]


def test_titles_are_text_in_my_work(client, personas, scene):
    Ticket.objects.filter(pk=scene["t_alice"].pk).update(title=HOSTILE)
    scene["content"].name = HOSTILE[:100]
    scene["content"].save(update_fields=["name"])
    client.force_login(personas.alice)
    for url in (reverse("work:mine"), reverse("work:workload")):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
    answer = _api(personas.alice, "/mine").json()
    assert all(entry["url"].startswith("/") for entry in answer["entries"])


def test_the_badge_counts_only_the_users_own_work(client, personas, scene):
    client.force_login(personas.charlie)
    charlies = client.get(reverse("work:count")).text
    client.force_login(personas.alice)
    alices = client.get(reverse("work:count")).text
    assert charlies != alices
