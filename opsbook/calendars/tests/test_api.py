"""The calendars API: staff read, administrators write, stale versions get a 409."""

import pytest

from opsbook.audit.models import AuditEntry
from opsbook.calendars.models import Calendar, CalendarException

from .helpers import Api, make_office, with_2026_data


@pytest.fixture
def office(personas):
    return with_2026_data(make_office(personas.erin))


def test_requests_without_a_token_are_refused(office):
    assert Api().get("/").status_code == 401
    assert Api().post("/", {"name": "X", "time_zone": "Asia/Shanghai"}).status_code == 401


@pytest.mark.parametrize("name", ["dana", "carl"])
def test_customer_contacts_may_not_read_calendars(personas, office, name):
    api = Api(getattr(personas, name))

    assert api.get("/").status_code == 403
    assert api.get(f"/{office.pk}").status_code == 403
    assert api.get("/999").status_code == 403  # whether or not it exists
    assert api.get(f"/{office.pk}/years").status_code == 403


def test_staff_read_calendars_with_windows_years_and_health(personas, office):
    response = Api(personas.alice).get("/")

    assert response.status_code == 200
    [calendar] = response.json()
    assert calendar["name"] == "上海办公室"
    assert {"weekday": 1, "start": "09:00", "end": "12:00"} in calendar["windows"]
    assert {"weekday": 1, "start": "13:30", "end": "18:00"} in calendar["windows"]
    assert calendar["years_covered"] == [2026]
    assert calendar["version"] == office.version
    assert "exceptions" not in calendar


def test_reading_one_calendar_lists_its_exceptions_of_a_year(personas, office):
    body = Api(personas.vera).get(f"/{office.pk}", year=2026).json()

    days = {e["date"]: e for e in body["exceptions"]}
    assert days["2026-10-01"]["kind"] == "holiday"
    assert days["2026-10-10"] == days["2026-10-10"] | {"kind": "workday", "hours_as_on": 1}
    assert Api(personas.vera).get(f"/{office.pk}", year=2027).json()["exceptions"] == []


def test_a_calendar_that_does_not_exist_is_a_404(personas):
    assert Api(personas.alice).get("/999").status_code == 404


@pytest.mark.parametrize("name", ["mia", "alice", "vera"])
def test_only_administrators_change_calendars(personas, office, name):
    api = Api(getattr(personas, name))

    assert api.post("/", {"name": "X", "time_zone": "Asia/Shanghai"}).status_code == 403
    assert api.patch(f"/{office.pk}", {"description": "x"}).status_code == 403
    payload = {"date": "2026-12-31", "kind": "holiday"}
    assert api.post(f"/{office.pk}/exceptions", payload).status_code == 403
    assert api.delete(f"/{office.pk}/exceptions/2026-10-01").status_code == 403
    assert api.put(f"/{office.pk}/years/2027", {}).status_code == 403
    assert Calendar.objects.get().version == office.version


def test_an_administrator_creates_a_calendar_with_a_lunch_break(personas):
    payload = {
        "name": "深圳门店",
        "time_zone": "Asia/Shanghai",
        "windows": [
            {"weekday": d, "start": s, "end": e}
            for d in (1, 2, 3, 4, 5, 6)
            for s, e in (("10:00", "12:00"), ("13:00", "24:00"))
        ],
    }

    response = Api(personas.erin).post("/", payload)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert {"weekday": 6, "start": "13:00", "end": "24:00"} in body["windows"]
    entry = AuditEntry.objects.get(object_type="calendars.calendar", action="create")
    assert entry.source == "api"


def test_bad_input_is_a_422_naming_the_field(personas, office):
    api = Api(personas.erin)

    bad_zone = api.post("/", {"name": "火星", "time_zone": "Mars/Base"})
    bad_time = api.post(
        "/",
        {
            "name": "X",
            "time_zone": "UTC",
            "windows": [{"weekday": 1, "start": "9", "end": "18:00"}],
        },
    )
    overlap = api.patch(
        f"/{office.pk}",
        {
            "windows": [
                {"weekday": 1, "start": "09:00", "end": "12:00"},
                {"weekday": 1, "start": "11:00", "end": "18:00"},
            ]
        },
    )

    assert bad_zone.status_code == 422
    assert bad_zone.json()["detail"][0]["loc"][-1] == "time_zone"
    assert bad_time.status_code == 422
    assert overlap.status_code == 422
    assert overlap.json()["detail"][0]["loc"][-1] == "windows"
    assert "09:00–12:00" in overlap.json()["detail"][0]["msg"]


def test_put_needs_the_version_and_a_stale_one_is_a_409(personas, office):
    api = Api(personas.erin)
    payload = {"name": "上海办公室", "time_zone": "Asia/Shanghai", "windows": []}

    missing = api.put(f"/{office.pk}", payload)
    fresh = api.put(f"/{office.pk}", payload | {"version": office.version, "description": "总部"})
    stale = api.put(f"/{office.pk}", payload | {"version": office.version})

    assert missing.status_code == 422
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["windows"] == []
    assert fresh.json()["version"] == office.version + 1
    assert stale.status_code == 409
    assert "上海办公室" in stale.json()["detail"]
    assert Calendar.objects.get().description == "总部"


def test_patch_changes_only_what_it_is_given(personas, office):
    response = Api(personas.erin).patch(
        f"/{office.pk}", {"description": "总部", "version": office.version}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "总部"
    assert len(body["windows"]) == 10
    assert (
        Api(personas.erin)
        .patch(f"/{office.pk}", {"description": "x", "version": office.version})
        .status_code
        == 409
    )


def test_exceptions_are_created_changed_moved_and_deleted(personas, office):
    api = Api(personas.erin)
    base = f"/{office.pk}/exceptions"

    created = api.post(
        base,
        {
            "date": "2026-12-31",
            "kind": "special_hours",
            "name": "年末",
            "windows": [{"start": "09:00", "end": "12:00"}],
        },
    )
    duplicate = api.post(base, {"date": "2026-12-31", "kind": "holiday"})
    workday = api.patch(f"{base}/2026-12-31", {"kind": "workday", "hours_as_on": 5})
    moved = api.put(f"{base}/2026-12-31", {"date": "2026-12-30", "kind": "holiday"})
    deleted = api.delete(f"{base}/2026-12-30")

    assert created.status_code == 201, created.content
    assert created.json()["windows"] == [{"start": "09:00", "end": "12:00"}]
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["loc"][-1] == "date"
    assert workday.status_code == 200, workday.content
    assert workday.json() | {"kind": "workday", "hours_as_on": 5, "windows": []} == workday.json()
    assert moved.status_code == 200
    assert moved.json()["date"] == "2026-12-30"
    assert not CalendarException.objects.filter(date="2026-12-31").exists()
    assert deleted.status_code == 204
    assert not CalendarException.objects.filter(date="2026-12-30").exists()
    assert api.get(f"{base}/2026-12-30").status_code == 404


def test_a_make_up_day_must_copy_a_weekday_that_has_hours(personas, office):
    response = Api(personas.erin).post(
        f"/{office.pk}/exceptions", {"date": "2026-12-26", "kind": "workday", "hours_as_on": 7}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "hours_as_on"


def test_deleting_with_a_stale_version_is_a_409(personas, office):
    api = Api(personas.erin)
    stale = office.version
    api.patch(f"/{office.pk}", {"description": "changed"})

    response = api.delete(f"/{office.pk}/exceptions/2026-10-01", version=stale)

    assert response.status_code == 409
    assert CalendarException.objects.filter(date="2026-10-01").exists()


def test_years_are_marked_covered_and_removed(personas, office):
    api = Api(personas.erin)

    marked = api.put(f"/{office.pk}/years/2027", {"note": "国办发明电〔2026〕7号"})
    listed = api.get(f"/{office.pk}/years").json()
    removed = api.delete(f"/{office.pk}/years/2027")
    out_of_range = api.put(f"/{office.pk}/years/1900", {})

    assert marked.status_code == 200
    assert marked.json() | {"year": 2027, "complete": True, "source": "manual"} == marked.json()
    assert [row["year"] for row in listed] == [2026, 2027]
    assert removed.status_code == 204
    assert out_of_range.status_code == 422
    assert list(office.years.values_list("year", flat=True)) == [2026]


def test_health_lists_the_warnings(personas, office):
    body = Api(personas.mia).get("/health").json()

    assert set(body) == {"ok", "warnings"}
    assert body["ok"] is (body["warnings"] == [])


def test_the_calendar_list_runs_a_fixed_number_of_queries(
    personas, office, django_assert_max_num_queries
):
    for n in range(5):
        with_2026_data(make_office(name=f"门店 {n}"))
    api = Api(personas.alice)

    with django_assert_max_num_queries(8):
        response = api.get("/")

    assert len(response.json()) == 6


def test_a_name_with_a_nul_character_is_refused_with_its_field(personas):
    response = Api(personas.erin).post("/", {"name": "A\x00B", "time_zone": "Asia/Shanghai"})

    assert response.status_code == 422
    assert "name" in str(response.json()["detail"][0]["loc"])
