"""Who reaches which calendar page: staff read, administrators change, customers get nothing,
anonymous visitors are sent to the login page."""

import pytest
from django.urls import reverse

from opsbook.calendars.models import Calendar

from .helpers import make_office, with_2026_data


@pytest.fixture
def office(personas, in_2026):
    return with_2026_data(make_office(personas.erin))


def read_pages(calendar):
    return [
        reverse("calendars:list"),
        reverse("calendars:detail", args=[calendar.pk]),
        reverse("calendars:export", args=[calendar.pk]) + "?first_year=2026&last_year=2026",
    ]


def write_pages(calendar):
    exc = calendar.exceptions.first()
    return [
        ("get", reverse("calendars:create")),
        ("get", reverse("calendars:edit", args=[calendar.pk])),
        ("get", reverse("calendars:hours", args=[calendar.pk])),
        ("get", reverse("calendars:exception_create", args=[calendar.pk])),
        ("get", reverse("calendars:exception_edit", args=[calendar.pk, exc.pk])),
        ("post", reverse("calendars:exception_delete", args=[calendar.pk, exc.pk])),
        ("get", reverse("calendars:years", args=[calendar.pk])),
        ("post", reverse("calendars:year_delete", args=[calendar.pk, 2026])),
        ("get", reverse("calendars:import", args=[calendar.pk])),
        ("get", reverse("calendars:import_preview", args=[calendar.pk])),
        ("post", reverse("calendars:import_confirm", args=[calendar.pk])),
        ("post", reverse("calendars:import_cancel", args=[calendar.pk])),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, office):
    login = reverse("accounts:login")

    for url in read_pages(office):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    for method, url in write_pages(office):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url == f"{login}?next={url}"


@pytest.mark.parametrize("name", ["dana", "carl"])
def test_customer_contacts_get_no_calendar_page(client, personas, office, name):
    client.force_login(getattr(personas, name))

    for url in read_pages(office):
        assert client.get(url).status_code in (403, 404), url
    for method, url in write_pages(office):
        assert getattr(client, method)(url).status_code in (403, 404), url


@pytest.mark.parametrize("name", ["mia", "alice", "vera"])
def test_managers_agents_and_viewers_read_calendars_but_change_nothing(
    client, personas, office, name
):
    client.force_login(getattr(personas, name))

    for url in read_pages(office):
        assert client.get(url).status_code == 200, url
    for method, url in write_pages(office):
        assert getattr(client, method)(url).status_code == 403, url
    detail = client.get(reverse("calendars:detail", args=[office.pk])).content.decode()
    assert "国庆节" in detail
    assert reverse("calendars:edit", args=[office.pk]) not in detail
    assert Calendar.objects.get().version == office.version


def test_administrators_see_the_edit_buttons(client, personas, office):
    client.force_login(personas.erin)

    detail = client.get(reverse("calendars:detail", args=[office.pk])).content.decode()

    assert reverse("calendars:edit", args=[office.pk]) in detail
    assert reverse("calendars:import", args=[office.pk]) in detail
    for method, url in write_pages(office):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url


def test_a_calendar_that_does_not_exist_is_a_404(client, personas):
    client.force_login(personas.erin)

    assert client.get(reverse("calendars:detail", args=[999])).status_code == 404
    assert client.get(reverse("calendars:edit", args=[999])).status_code == 404


def test_an_exception_of_another_calendar_is_a_404(client, personas, office):
    other = with_2026_data(make_office(name="北京办公室"))
    foreign = other.exceptions.first()
    client.force_login(personas.erin)

    url = reverse("calendars:exception_edit", args=[office.pk, foreign.pk])

    assert client.get(url).status_code == 404


def test_staff_see_the_calendar_link_in_the_menu_and_customers_do_not(client, personas):
    client.force_login(personas.alice)
    assert reverse("calendars:list") in client.get(reverse("catalog:tree")).content.decode()

    client.force_login(personas.dana)
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert reverse("calendars:list") not in page
