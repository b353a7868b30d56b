"""Administrators edit calendars in the browser: fields, weekly hours with a lunch break,
exceptions of each kind, covered years; a stale page gets a clear conflict message."""

from datetime import date, time

import pytest
from django.urls import reverse

from opsbook.calendars.models import Calendar, CalendarException, WorkingWindow

from .helpers import make_office, with_2026_data


@pytest.fixture
def office(personas):
    return with_2026_data(make_office(personas.erin))


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.erin)
    return client


def page(response) -> str:
    return response.content.decode()


def test_creating_a_calendar_with_two_windows_a_day(admin):
    data = {
        "name": "深圳门店",
        "time_zone": "Asia/Shanghai",
        "description": "",
        **{f"day_{d}": "09:00-12:00, 13:30-18:00" for d in range(1, 6)},
        "day_6": "10:00-16:00",
        "day_7": "",
    }

    response = admin.post(reverse("calendars:create"), data)

    calendar = Calendar.objects.get(name="深圳门店")
    assert response.status_code == 302
    assert response.url == reverse("calendars:detail", args=[calendar.pk])
    assert calendar.windows.count() == 11
    assert calendar.weekly_windows()[1] == [(time(9), time(12)), (time(13, 30), time(18))]


def test_the_new_calendar_form_starts_from_an_office_week(admin):
    response = admin.get(reverse("calendars:create"))

    assert 'value="09:00-12:00, 13:30-18:00"' in page(response)


def test_overlapping_windows_are_shown_on_the_day_and_nothing_is_saved(admin, office):
    data = {"version": office.version, "day_1": "09:00-12:00, 11:00-18:00"}

    response = admin.post(reverse("calendars:hours", args=[office.pk]), data)

    assert response.status_code == 200
    assert "09:00–12:00" in page(response)
    assert response.context["form"].errors["day_1"]
    assert WorkingWindow.objects.filter(calendar=office).count() == 10


def test_weekly_hours_are_replaced_and_the_page_shows_them(admin, office):
    data = {
        "version": office.version,
        **{f"day_{d}": "08:30-12:00, 13:00-17:30" for d in range(1, 6)},
        "day_6": "",
        "day_7": "",
    }

    response = admin.post(reverse("calendars:hours", args=[office.pk]), data, follow=True)

    assert "08:30–12:00, 13:00–17:30" in page(response)
    assert Calendar.objects.get().version == office.version + 1


def test_a_stale_form_gets_a_conflict_and_keeps_what_was_typed(admin, office, personas):
    stale = office.version
    Calendar.objects.filter(pk=office.pk).update(version=stale + 1)
    data = {"version": stale, "name": "上海总部", "time_zone": "Asia/Shanghai"}

    response = admin.post(reverse("calendars:edit", args=[office.pk]), data)

    assert response.status_code == 409
    assert response.context["conflict"]
    assert 'value="上海总部"' in page(response)
    assert Calendar.objects.get().name == "上海办公室"


def test_editing_the_calendars_fields(admin, office):
    data = {
        "version": office.version,
        "name": "上海总部",
        "time_zone": "Asia/Shanghai",
        "description": "总部",
        "is_default": "on",
    }

    admin.post(reverse("calendars:edit", args=[office.pk]), data)

    office.refresh_from_db()
    assert (office.name, office.description, office.is_default) == ("上海总部", "总部", True)


def test_adding_a_holiday_a_make_up_day_and_special_hours(admin, office):
    url = reverse("calendars:exception_create", args=[office.pk])
    base = {"version": office.version, "name": "", "windows": "", "pattern_weekday": ""}

    admin.post(url, base | {"date": "2026-12-25", "kind": "holiday", "name": "年会"})
    base["version"] += 1
    admin.post(url, base | {"date": "2026-12-26", "kind": "workday", "pattern_weekday": "5"})
    base["version"] += 1
    response = admin.post(
        url, base | {"date": "2026-12-31", "kind": "special_hours", "windows": "09:00-12:00"}
    )

    assert response.status_code == 302
    assert response.url.endswith("?year=2026")
    days = {e.date: e for e in CalendarException.objects.filter(date__month=12)}
    assert days[date(2026, 12, 25)].name == "年会"
    assert days[date(2026, 12, 26)].pattern_weekday == 5
    assert [(w.start, w.end) for w in days[date(2026, 12, 31)].windows.all()] == [
        (time(9), time(12))
    ]


def test_windows_on_a_holiday_are_refused_rather_than_dropped(admin, office):
    data = {
        "version": office.version,
        "date": "2026-12-25",
        "kind": "holiday",
        "windows": "09:00-12:00",
    }

    response = admin.post(reverse("calendars:exception_create", args=[office.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["windows"]
    assert not CalendarException.objects.filter(date=date(2026, 12, 25)).exists()


def test_adding_an_exception_on_a_date_that_has_one_points_at_it(admin, office):
    data = {"version": office.version, "date": "2026-10-01", "kind": "workday"}

    response = admin.post(reverse("calendars:exception_create", args=[office.pk]), data)

    assert response.context["form"].errors["date"]
    assert CalendarException.objects.get(date=date(2026, 10, 1)).kind == "holiday"


def test_moving_an_exception_to_another_day(admin, office):
    exc = CalendarException.objects.get(date=date(2026, 10, 1))
    data = {"version": office.version, "date": "2026-10-02", "kind": "holiday", "name": "国庆节"}

    admin.post(reverse("calendars:exception_edit", args=[office.pk, exc.pk]), data)

    assert not CalendarException.objects.filter(date=date(2026, 10, 1)).exists()
    assert CalendarException.objects.get(date=date(2026, 10, 2)).name == "国庆节"


def test_deleting_an_exception(admin, office):
    exc = CalendarException.objects.get(date=date(2026, 10, 1))

    response = admin.post(
        reverse("calendars:exception_delete", args=[office.pk, exc.pk]),
        {"version": office.version},
        follow=True,
    )

    assert not CalendarException.objects.filter(pk=exc.pk).exists()
    assert response.status_code == 200


def test_deleting_from_a_stale_page_is_refused_with_a_message(admin, office):
    exc = CalendarException.objects.get(date=date(2026, 10, 1))
    Calendar.objects.filter(pk=office.pk).update(version=office.version + 1)

    response = admin.post(
        reverse("calendars:exception_delete", args=[office.pk, exc.pk]),
        {"version": office.version},
        follow=True,
    )

    assert CalendarException.objects.filter(pk=exc.pk).exists()
    assert "上海办公室" in page(response)


def test_marking_a_year_covered_and_removing_it(admin, office):
    response = admin.post(
        reverse("calendars:years", args=[office.pk]),
        {"version": office.version, "year": 2027, "complete": "on", "note": "通知"},
    )
    assert response.status_code == 302
    assert office.years.filter(year=2027, complete=True).exists()

    office.refresh_from_db()
    admin.post(
        reverse("calendars:year_delete", args=[office.pk, 2027]), {"version": office.version}
    )
    assert not office.years.filter(year=2027).exists()


def test_the_calendar_page_shows_a_years_exceptions_and_its_status(admin, office):
    response = admin.get(reverse("calendars:detail", args=[office.pk]), {"year": 2026})

    html = page(response)
    assert "国庆节" in html
    assert response.context["year"] == 2026
    assert response.context["year_row"].complete
    assert [e.date for e in response.context["exceptions"]] == [
        date(2026, 10, 1),
        date(2026, 10, 10),
    ]


def test_switching_the_year_with_htmx_returns_only_the_exceptions(admin, office):
    response = admin.get(
        reverse("calendars:detail", args=[office.pk]),
        {"year": 2027},
        headers={"HX-Request": "true"},
    )

    html = page(response)
    assert html.lstrip().startswith('<section id="exceptions">')
    assert '<nav class="navbar' not in html
    assert response.context["exceptions"] == []


def test_a_year_out_of_range_falls_back_to_this_year(admin, office):
    response = admin.get(reverse("calendars:detail", args=[office.pk]), {"year": "abc"})

    assert response.status_code == 200


def test_names_typed_by_users_are_escaped(admin, office):
    data = {
        "version": office.version,
        "date": "2026-12-25",
        "kind": "holiday",
        "name": "<script>alert(1)</script>",
    }
    admin.post(reverse("calendars:exception_create", args=[office.pk]), data)

    html = page(admin.get(reverse("calendars:detail", args=[office.pk]), {"year": 2026}))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
