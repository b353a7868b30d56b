"""The missing-year warning: on the calendar pages for all staff, and as a banner on every page
for administrators and managers, from 1 November of the year before."""

from datetime import date, datetime, time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from opsbook.calendars.context_processors import calendar_health_banner
from opsbook.calendars.services import do_set_year

from .conftest import SHANGHAI
from .helpers import make_office


@pytest.fixture
def office_2026(personas):
    office = make_office(personas.erin, is_default=True)
    do_set_year(None, office, 2026, note="通知")
    return office


def travel_to(time_machine, day: date) -> None:
    """Every clock stands at noon of ``day`` in Shanghai (the users' time zone)."""
    time_machine.move_to(datetime.combine(day, time(12), tzinfo=SHANGHAI), tick=False)


def banner(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("catalog:tree")).content.decode()
    start = html.find('id="calendar-health-banner"')
    return html[start : html.find("</div>", start)] if start >= 0 else ""


@pytest.mark.parametrize("name", ["erin", "mia"])
def test_admins_and_managers_see_the_banner_from_november_first(
    client, personas, office_2026, time_machine, name
):
    travel_to(time_machine, date(2026, 10, 31))
    assert banner(client, getattr(personas, name)) == ""

    travel_to(time_machine, date(2026, 11, 1))
    text = banner(client, getattr(personas, name))
    assert "上海办公室" in text and "2027" in text


@pytest.mark.parametrize("name", ["alice", "vera", "dana"])
def test_agents_viewers_and_customers_get_no_banner(
    client, personas, office_2026, time_machine, name
):
    travel_to(time_machine, date(2026, 11, 20))

    assert banner(client, getattr(personas, name)) == ""


def test_the_banner_goes_once_the_next_year_is_covered(client, personas, office_2026, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    do_set_year(None, office_2026, 2027, note="2027年通知")

    assert banner(client, personas.erin) == ""


def test_an_incomplete_current_year_is_a_warning_all_year(
    client, personas, office_2026, time_machine
):
    travel_to(time_machine, date(2026, 3, 1))
    do_set_year(None, office_2026, 2026, complete=False)

    text = banner(client, personas.mia)
    assert "上海办公室" in text and "2026" in text


def test_agents_see_the_warning_on_the_calendar_pages(client, personas, office_2026, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    client.force_login(personas.alice)

    listing = client.get(reverse("calendars:list"))
    detail = client.get(reverse("calendars:detail", args=[office_2026.pk])).content.decode()

    [row] = listing.context["calendars"]
    assert "2027" in row.warnings[0]
    assert row.warnings[0] in listing.content.decode()
    assert 'id="calendar-warnings"' in detail and "2027" in detail
    assert 'id="calendar-health-banner"' not in detail


def test_the_banner_costs_three_queries_once_per_request(
    personas, office_2026, time_machine, django_assert_num_queries
):
    travel_to(time_machine, date(2026, 11, 20))
    request = RequestFactory().get("/")
    request.user = personas.erin
    context = calendar_health_banner(request)

    # The health check's two, and the years this person hid.
    with django_assert_num_queries(3):
        first = context["calendar_banner"].years
        again = calendar_health_banner(request)["calendar_banner"].years

    assert first == again and len(first) == 1 and len(first[0].warnings) == 1


def test_the_banner_costs_two_queries_when_all_is_well(
    personas, office_2026, time_machine, django_assert_num_queries
):
    travel_to(time_machine, date(2026, 6, 1))
    request = RequestFactory().get("/")
    request.user = personas.mia

    with django_assert_num_queries(2):
        assert not calendar_health_banner(request)["calendar_banner"]


def test_nothing_is_queried_for_people_who_do_not_see_the_banner(
    personas, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = personas.alice

    with django_assert_num_queries(0):
        assert calendar_health_banner(request) == {}


def test_the_calendar_pages_show_the_warning_once_in_place_not_as_a_banner(
    client, personas, office_2026, time_machine
):
    travel_to(time_machine, date(2026, 11, 20))
    client.force_login(personas.erin)

    html = client.get(reverse("calendars:detail", args=[office_2026.pk])).content.decode()

    assert 'id="calendar-warnings"' in html
    assert 'id="calendar-health-banner"' not in html
