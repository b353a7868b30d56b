"""The calendar-year banner: administrators and managers only, a link to where the year's notice
is imported, and a button that hides one year's warnings for one person (kept in the database);
the next year's warnings come back, and the calendar pages keep showing every warning."""

import re
from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from opsbook.calendars.models import YearWarningDismissal
from opsbook.calendars.services import do_dismiss_year_warning, do_set_year

from .conftest import SHANGHAI, sh
from .helpers import make_office

DISMISS = reverse("calendars:dismiss_year")


@pytest.fixture
def office(personas):
    office = make_office(personas.erin, is_default=True)
    do_set_year(None, office, 2026, note="通知")
    return office


def travel_to(time_machine, day: date) -> None:
    time_machine.move_to(datetime.combine(day, time(12), tzinfo=SHANGHAI), tick=False)


def banner(client) -> str:
    """The banner's HTML on the checklist page ("" when there is none)."""
    html = client.get(reverse("catalog:tree")).content.decode()
    start = html.find('<div class="alert alert-warning" role="alert" id="calendar-health-banner">')
    if start < 0:
        return ""
    depth, at = 0, start
    for match in re.finditer(r"<div\b|</div>", html[start:]):
        depth += 1 if match.group() != "</div>" else -1
        at = start + match.end()
        if depth == 0:
            break
    return html[start:at]


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_an_administrator_is_linked_to_the_import_of_the_missing_years_notice(
    personas, office, time_machine
):
    travel_to(time_machine, date(2026, 11, 20))
    client = signed_in(personas.erin)

    text = banner(client)

    link = f"{reverse('calendars:import', args=[office.pk])}?year=2027"
    assert f'href="{link}"' in text and "导入 2027 年通知" in text
    upload = client.get(link).content.decode()
    assert 'name="mark_covered" value="2027"' in upload


def test_a_manager_who_cannot_import_is_linked_to_the_calendar(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))

    text = banner(signed_in(personas.mia))

    assert f'href="{reverse("calendars:detail", args=[office.pk])}"' in text
    assert reverse("calendars:import", args=[office.pk]) not in text
    assert "隐藏 2027 年的提醒" in text


def test_hiding_a_year_lasts_for_that_person_only(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    mia = signed_in(personas.mia)

    response = mia.post(DISMISS, {"year": "2027", "next": reverse("tickets:list")})

    assert response.status_code == 302 and response["Location"] == reverse("tickets:list")
    assert banner(mia) == ""
    assert banner(signed_in(personas.mia)) == ""  # a new session: kept in the database
    assert "2027" in banner(signed_in(personas.erin))  # another person still sees it
    assert YearWarningDismissal.objects.get(user=personas.mia).year == 2027


def test_the_next_years_warning_comes_back(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    mia = signed_in(personas.mia)
    mia.post(DISMISS, {"year": "2027"})

    travel_to(time_machine, date(2027, 11, 1))
    do_set_year(None, office, 2027, note="2027年通知")

    text = banner(signed_in(personas.mia))  # a year on: a new session
    assert "2028" in text and 'value="2028"' in text


def test_the_calendar_pages_keep_showing_a_hidden_years_warning(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    erin = signed_in(personas.erin)
    erin.post(DISMISS, {"year": "2027"})

    detail = erin.get(reverse("calendars:detail", args=[office.pk])).content.decode()

    assert banner(erin) == ""
    assert 'id="calendar-warnings"' in detail and "2027" in detail


def test_with_htmx_the_answer_is_the_banner_without_the_hidden_year(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    erin = signed_in(personas.erin)

    response = erin.post(DISMISS, {"year": "2027", "next": "/tickets/"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content.decode().strip() == ""  # nothing left to warn about


def test_hiding_one_year_leaves_the_other(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    do_set_year(None, office, 2026, complete=False)
    erin = signed_in(personas.erin)

    response = erin.post(DISMISS, {"year": "2027"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'id="calendar-year-2026"' in html and 'id="calendar-year-2027"' not in html
    assert 'name="next" value="/"' in html  # not the dismiss address itself


def test_the_button_needs_the_csrf_token(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    client = signed_in(personas.erin, csrf=True)

    refused = client.post(DISMISS, {"year": "2027"})
    page = client.get(reverse("catalog:tree")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    accepted = client.post(DISMISS, {"year": "2027", "csrfmiddlewaretoken": token})

    assert refused.status_code == 403 and accepted.status_code == 302
    assert YearWarningDismissal.objects.filter(user=personas.erin, year=2027).exists()


@pytest.mark.parametrize("name", ["alice", "vera", "dana"])
def test_people_who_get_no_banner_cannot_hide_it(personas, office, time_machine, name):
    travel_to(time_machine, date(2026, 11, 20))

    response = signed_in(getattr(personas, name)).post(DISMISS, {"year": "2027"})

    assert response.status_code == 403
    assert not YearWarningDismissal.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, office):
    response = client.post(DISMISS, {"year": "2027"})

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert not YearWarningDismissal.objects.exists()


@pytest.mark.parametrize("year", ["2030", "2025", "abc", ""])
def test_a_year_not_warned_about_is_refused_and_nothing_is_written(
    personas, office, time_machine, year
):
    travel_to(time_machine, date(2026, 11, 20))
    erin = signed_in(personas.erin)

    response = erin.post(DISMISS, {"year": year}, follow=True)
    htmx = erin.post(DISMISS, {"year": year}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and 'class="alert alert-danger"' in response.content.decode()
    assert htmx.status_code == 400
    assert not YearWarningDismissal.objects.exists()
    assert "2027" in banner(erin)


def test_an_off_site_next_goes_home(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))

    response = signed_in(personas.erin).post(
        DISMISS, {"year": "2027", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_warnings_about_the_set_of_calendars_cannot_be_hidden(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    office.is_default = False
    office.save()
    erin = signed_in(personas.erin)
    erin.post(DISMISS, {"year": "2027"})

    text = banner(erin)

    assert "没有日历被设为默认日历" in text
    assert "calendar-year-" not in text


def test_dismissing_twice_keeps_one_row(personas, office, time_machine):
    travel_to(time_machine, date(2026, 11, 20))
    erin = signed_in(personas.erin)

    erin.post(DISMISS, {"year": "2027"})
    erin.post(DISMISS, {"year": "2027"})

    assert YearWarningDismissal.objects.filter(user=personas.erin).count() == 1


def test_the_service_refuses_people_who_see_no_banner(personas, office):
    with pytest.raises(PermissionDenied):
        do_dismiss_year_warning(personas.alice, 2026, now=sh(2026, 11, 20, 12))
    with pytest.raises(PermissionDenied):
        do_dismiss_year_warning(None, 2026, now=sh(2026, 11, 20, 12))


def test_the_service_names_the_year_field_when_the_year_is_not_warned_about(personas, office):
    with pytest.raises(ValidationError) as raised:
        do_dismiss_year_warning(personas.mia, 2027, now=sh(2026, 10, 31, 12))  # before November

    assert list(raised.value.message_dict) == ["year"]
    assert not YearWarningDismissal.objects.exists()


def test_the_service_records_when_the_warning_was_hidden(personas, office):
    do_dismiss_year_warning(personas.mia, 2027, now=sh(2026, 11, 1, 8))

    row = YearWarningDismissal.objects.get()
    assert (row.user, row.year, row.dismissed_at) == (personas.mia, 2027, sh(2026, 11, 1, 8))
