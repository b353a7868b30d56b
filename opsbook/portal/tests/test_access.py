"""Who reaches which portal page: customers their organisation's tickets only; anonymous
visitors the login page; staff are sent to the staff pages."""

import pytest
from django.urls import reverse

from opsbook.accounts.testing import PASSWORD
from opsbook.tickets import services
from opsbook.work.landing import staff_landing_url

from .conftest import png

LOGIN = reverse("accounts:login")


def customer_pages(ticket, attachment):
    return [
        ("get", reverse("portal:home")),
        ("get", reverse("portal:new")),
        ("post", reverse("portal:new")),
        ("get", reverse("portal:ticket", args=[ticket.pk])),
        ("post", reverse("portal:reply", args=[ticket.pk])),
        ("post", reverse("portal:rate_ticket", args=[ticket.pk])),
        ("get", reverse("portal:attachment", args=[attachment.pk])),
    ]


@pytest.fixture
def dana_pages(world, personas):
    [attachment] = services.do_add_attachments(personas.dana, world.dana_ticket, [png()])
    return customer_pages(world.dana_ticket, attachment)


def test_anonymous_visitors_are_sent_to_the_login_page(client, dana_pages):
    for method, url in dana_pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url == f"{LOGIN}?next={url}"


def test_the_site_root_sends_each_kind_of_user_to_their_pages(client, personas):
    assert client.get("/").url == LOGIN
    client.force_login(personas.dana)
    assert client.get("/").url == reverse("portal:home")
    client.force_login(personas.alice)
    assert client.get("/").url == staff_landing_url(personas.alice)


def test_a_customer_signing_in_lands_on_the_portal(client, personas):
    personas.dana  # noqa: B018 (creates her)
    response = client.post(LOGIN, {"username": "dana", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.status_code == 200


def test_dana_sees_only_her_organisations_tickets(client, personas, world):
    client.force_login(personas.dana)

    html = client.get(reverse("portal:home"), {"state": "all"}).text

    assert "无法登录管理后台" in html
    assert "明远：打印机卡纸" not in html


def test_carl_gets_404_on_every_page_of_danas_ticket(client, personas, dana_pages):
    client.force_login(personas.carl)

    for method, url in dana_pages[3:]:
        assert getattr(client, method)(url).status_code == 404, url


def test_a_missing_ticket_or_file_is_404_not_an_error(client, personas, world):
    client.force_login(personas.dana)

    assert client.get(reverse("portal:ticket", args=[999999])).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("portal:attachment", args=[missing])).status_code == 404


@pytest.mark.parametrize("name", ["alice", "charlie", "erin", "vera"])
def test_staff_opening_portal_pages_are_sent_to_the_staff_pages(
    client, personas, world, dana_pages, name
):
    client.force_login(getattr(personas, name))
    staff_ticket_page = reverse("tickets:detail", args=[world.dana_ticket.pk])

    for method, url in dana_pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        if f"/tickets/{world.dana_ticket.pk}/" in url:
            assert response.url == staff_ticket_page, url
        else:
            assert response.url == staff_landing_url(getattr(personas, name)), url


def test_the_staff_ticket_page_keeps_its_own_scope(client, personas, world):
    client.force_login(personas.charlie)  # another team's agent

    response = client.get(reverse("portal:ticket", args=[world.dana_ticket.pk]), follow=True)

    assert response.status_code == 404


def test_staff_visits_write_nothing(client, personas, world):
    client.force_login(personas.alice)

    client.post(reverse("portal:reply", args=[world.dana_ticket.pk]), {"body": "冒充客户"})

    assert not world.dana_ticket.comments.exists()


def test_the_portal_menu_has_no_staff_links(client, personas, world):
    client.force_login(personas.dana)

    html = client.get(reverse("portal:home")).text

    assert reverse("portal:new") in html
    assert reverse("catalog:tree") not in html
    assert reverse("calendars:list") not in html
