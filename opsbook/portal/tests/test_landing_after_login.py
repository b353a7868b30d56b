"""Where people land after signing in: staff on "my work" (their own open tickets first, with the
team's a click away for leads and managers), customers in the portal; an explicit ``?next=`` on
this site still wins, and one to another site is ignored."""

import pytest
from django.urls import reverse

from opsbook.accounts.testing import PASSWORD
from opsbook.tickets import services
from opsbook.tickets.tests.factories import make_service, make_ticket

LOGIN = reverse("accounts:login")


@pytest.fixture
def queue(personas):
    """alice's open ticket, alice's resolved ticket, bob's open ticket and an unassigned one."""
    item = make_service(personas.alice)
    mine = make_ticket(personas.alice, item, title="我的打印机卡纸", assignee=personas.alice)
    done = make_ticket(personas.alice, item, title="我的已解决工单", assignee=personas.alice)
    services.do_reply(personas.alice, done, "已处理。", then_status="resolved")
    bobs = make_ticket(personas.bob, item, title="同事的网络故障", assignee=personas.bob)
    nobody = make_ticket(personas.mia, make_service(None, name="咨询服务"), title="无人处理的咨询")
    assert nobody.assignee is None
    return {"mine": mine, "done": done, "bobs": bobs, "nobody": nobody}


def sign_in(client, username: str, **extra):
    """Sign in through the login form and follow every redirect to the page landed on."""
    return client.post(LOGIN, {"username": username, "password": PASSWORD, **extra}, follow=True)


def listed_titles(response) -> set[str]:
    return {
        e.title.split(" ", 1)[1] for e in response.context["work"].entries if e.kind == "ticket"
    }


def test_an_agent_lands_on_her_own_work(client, personas, queue):
    response = sign_in(client, "alice")

    assert response.resolver_match.view_name == "work:mine"
    assert listed_titles(response) == {"我的打印机卡纸"}
    assert "我的已解决工单" not in response.text and "同事的网络故障" not in response.text


@pytest.mark.parametrize("name", ["mia", "erin", "vera"])
def test_managers_admins_and_viewers_land_on_their_work_and_can_see_every_team(
    client, personas, queue, name
):
    response = sign_in(client, getattr(personas, name).username)

    assert response.resolver_match.view_name == "work:mine"
    every = client.get(reverse("work:mine") + "?scope=team")
    assert listed_titles(every) == {"我的打印机卡纸", "同事的网络故障", "无人处理的咨询"}


def test_a_customer_still_lands_in_the_portal(client, personas):
    personas.dana  # noqa: B018 (creates her)

    response = sign_in(client, "dana")

    assert response.resolver_match.view_name == "portal:home"


def test_an_explicit_next_on_this_site_wins(client, personas, queue):
    tree = reverse("catalog:tree")

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": tree})

    assert response.status_code == 302 and response.url == tree


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/tickets/", "/\\evil.example", "javascript:alert(1)"],
)
def test_a_next_to_another_site_is_ignored_for_my_work(client, personas, queue, next_url):
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": next_url})

    assert response.url == reverse("home")
    assert client.get(response.url).url == reverse("work:mine")


def test_a_signed_in_agent_opening_the_login_page_goes_to_her_work(client, personas, queue):
    client.force_login(personas.alice)

    response = client.get(LOGIN, follow=True)

    assert response.resolver_match.view_name == "work:mine"
    assert listed_titles(response) == {"我的打印机卡纸"}
