"""Calendar names hold one line (a line break once made every .ics export a 500), years and ids
out of range are a 422 naming the field, and the export stays valid for rows stored before the
rule (escaped and folded by icalendar, the file name on one line)."""

from datetime import date

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opsbook.calendars.forms import CalendarForm, ExceptionForm
from opsbook.calendars.models import Calendar, CalendarException
from opsbook.calendars.notice import export_ics, read_notice
from opsbook.calendars.services import do_create_calendar, do_set_exception

from .helpers import Api, make_office, with_2026_data


@pytest.fixture
def office(personas):
    return with_2026_data(make_office(personas.erin))


def _error_fields(response) -> set[str]:
    assert response.status_code == 422, response.content
    return {error["loc"][-1] for error in response.json()["detail"]}


@pytest.mark.parametrize("name", ["A\r\nB", "A\nB", "A\rB", "A\tB", "A\x00B", "A\x1bB"])
def test_the_api_refuses_a_calendar_name_with_control_characters(personas, name):
    response = Api(personas.erin).post("/", {"name": name, "time_zone": "Asia/Shanghai"})
    assert _error_fields(response) == {"name"}
    assert not Calendar.objects.exists()


def test_the_api_refuses_an_exception_name_with_a_line_break(personas, office):
    api = Api(personas.erin)
    payload = {"date": "2026-05-01", "kind": "holiday", "name": "劳动节\r\n"}
    assert _error_fields(api.post(f"/{office.pk}/exceptions", payload)) == {"name"}
    patch = api.patch(f"/{office.pk}/exceptions/2026-10-01", {"name": "国庆\n节"})
    assert _error_fields(patch) == {"name"}
    assert set(office.exceptions.values_list("name", flat=True)) == {"国庆节"}


def test_a_description_may_have_line_breaks_but_no_other_control_characters(personas, office):
    api = Api(personas.erin)
    ok = api.patch(f"/{office.pk}", {"description": "第一行\r\n第二行\t说明"})
    assert ok.status_code == 200, ok.content
    assert _error_fields(api.patch(f"/{office.pk}", {"description": "响铃\x07"})) == {"description"}


def test_the_services_refuse_a_name_with_a_line_break(personas, office):
    with pytest.raises(ValidationError) as caught:
        do_create_calendar(personas.erin, name="分部\n办公室", time_zone="Asia/Shanghai")
    assert set(caught.value.message_dict) == {"name"}
    with pytest.raises(ValidationError) as caught:
        do_set_exception(personas.erin, office, date=date(2026, 5, 1), kind="holiday", name="a\rb")
    assert set(caught.value.message_dict) == {"name"}


def test_the_forms_refuse_a_name_with_a_line_break(personas, office):
    form = CalendarForm({"name": "分部\r\n办公室", "time_zone": "Asia/Shanghai"})
    assert not form.is_valid() and "name" in form.errors
    exception_form = ExceptionForm({"date": "2026-05-01", "kind": "holiday", "name": "劳动\n节"})
    assert not exception_form.is_valid() and "name" in exception_form.errors


def test_an_export_of_rows_stored_with_line_breaks_is_a_valid_file(client, personas, office):
    # Rows written before the rule: straight into the table, past every check.
    Calendar.objects.filter(pk=office.pk).update(name="上海\r\n办公室")
    CalendarException.objects.filter(calendar=office, date=date(2026, 10, 1)).update(
        name="国庆\n节;中秋,假期"
    )
    client.force_login(personas.alice)

    response = client.get(
        reverse("calendars:export", args=[office.pk]), {"first_year": 2026, "last_year": 2026}
    )

    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    assert (
        "上海 办公室-2026.ics" in response["Content-Disposition"]
        or "%E4%B8%8A" in (response["Content-Disposition"])
    )
    body = response.content
    for line in body.split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75  # folded (RFC 5545 §3.1)
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["X-WR-CALNAME"]) == "上海 办公室"
    notice = read_notice(body, "export.ics")
    names = {entry.date: entry.name for entry in notice.entries}
    assert names[date(2026, 10, 1)] == "国庆 节;中秋,假期"


def test_names_with_separators_round_trip_through_the_export(personas, office):
    do_set_exception(
        personas.erin, office, date=date(2026, 5, 1), kind="holiday", name=r"劳动节;五一,假\期"
    )
    notice = read_notice(export_ics(office, 2026, 2026), "x.ics")
    assert {e.date: e.name for e in notice.entries}[date(2026, 5, 1)] == r"劳动节;五一,假\期"


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/{pk}", {"year": 99999999999}, "year"),
        ("/{pk}", {"from_year": -1}, "from_year"),
        ("/{pk}", {"to_year": 2201}, "to_year"),
        ("/{pk}/exceptions", {"year": 1969}, "year"),
        ("/9223372036854775808", {}, "calendar_id"),
        ("/0/years", {}, "calendar_id"),
    ],
)
def test_numbers_out_of_range_are_a_422_naming_the_field(personas, office, path, params, field):
    response = Api(personas.alice).get(path.format(pk=office.pk), **params)
    assert _error_fields(response) == {field}


def test_a_year_out_of_range_in_the_path_is_a_422(personas, office):
    response = Api(personas.erin).put(f"/{office.pk}/years/99999999999", {"complete": True})
    assert _error_fields(response) == {"year"}
