"""The import wizard (upload, check, confirm) and the .ics download."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.calendars.choices import ExceptionKind
from opsbook.calendars.models import Calendar, CalendarException
from opsbook.calendars.services import do_set_exception

from .helpers import NOTICE_2027, csv_bytes, ics_bytes, make_office, vevent, xlsx_bytes


@pytest.fixture(autouse=True)
def _private_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def office(personas):
    return make_office(personas.erin)


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.erin)
    return client


def upload(client, calendar, data: bytes, name: str, **fields):
    return client.post(
        reverse("calendars:import", args=[calendar.pk]),
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def test_upload_check_and_confirm(admin, office):
    response = upload(admin, office, xlsx_bytes(NOTICE_2027), "2027.xlsx", mark_covered=2027)
    assert response.status_code == 302

    preview = admin.get(response.url)
    result = preview.context["result"]
    assert result.ok and result.dry_run
    assert len(result.added) == 4
    assert not CalendarException.objects.exists()  # nothing written yet
    assert "2027-02-06" in preview.content.decode()

    done = admin.post(
        reverse("calendars:import_confirm", args=[office.pk]),
        {"upload": preview.context["upload_token"], "version": preview.context["version"]},
    )

    assert done.status_code == 200
    assert done.context["result"].ok
    assert CalendarException.objects.count() == 4
    assert office.years.get().year == 2027


def test_a_bad_file_shows_every_problem_and_cannot_be_confirmed(admin, office):
    rows = [["2027-01-01", "请假", "", "", ""], ["2027-01-02", "假日", "", "25:00-26:00", ""]]
    upload(admin, office, csv_bytes(rows), "bad.csv")

    preview = admin.get(reverse("calendars:import_preview", args=[office.pk]))

    html = preview.content.decode()
    assert len(preview.context["result"].problems) == 2
    assert "bad.csv" in html and "请假" in html
    assert reverse("calendars:import_confirm", args=[office.pk]) not in html


def test_an_ics_file_is_imported_through_the_same_wizard(admin, office):
    data = ics_bytes(vevent("a@x", "20271001", "国庆节", end="20271008"))
    upload(admin, office, data, "holidays.ics")

    preview = admin.get(reverse("calendars:import_preview", args=[office.pk]))

    assert len(preview.context["result"].added) == 7


def test_confirming_after_someone_else_changed_the_calendar_shows_a_fresh_preview(admin, office):
    upload(admin, office, csv_bytes(NOTICE_2027), "2027.csv")
    preview = admin.get(reverse("calendars:import_preview", args=[office.pk]))
    Calendar.objects.filter(pk=office.pk).update(version=office.version + 5)

    response = admin.post(
        reverse("calendars:import_confirm", args=[office.pk]),
        {"upload": preview.context["upload_token"], "version": preview.context["version"]},
    )

    assert response.status_code == 302
    assert response.url == reverse("calendars:import_preview", args=[office.pk])
    assert not CalendarException.objects.exists()


def test_a_confirm_for_another_upload_is_refused(admin, office):
    upload(admin, office, csv_bytes(NOTICE_2027), "2027.csv")

    response = admin.post(
        reverse("calendars:import_confirm", args=[office.pk]), {"upload": "x" * 32}
    )

    assert response.status_code == 302
    assert not CalendarException.objects.exists()


def test_an_upload_is_kept_for_its_own_calendar_only(admin, office):
    other = make_office(name="北京办公室")
    upload(admin, office, csv_bytes(NOTICE_2027), "2027.csv")

    response = admin.get(reverse("calendars:import_preview", args=[other.pk]))

    assert response.status_code == 302
    assert response.url == reverse("calendars:import", args=[other.pk])


def test_cancelling_deletes_the_uploaded_file(admin, office, tmp_path):
    upload(admin, office, csv_bytes(NOTICE_2027), "2027.csv")
    assert list((tmp_path / "calendar-imports").glob("*.upload"))

    admin.post(reverse("calendars:import_cancel", args=[office.pk]))

    assert not list((tmp_path / "calendar-imports").glob("*.upload"))


def test_a_far_too_large_upload_is_refused_by_its_declared_length(admin, office, settings):
    settings.IMPORT_MAX_BYTES = 1024
    big = csv_bytes(NOTICE_2027 * 2000)

    response = upload(admin, office, big, "big.csv")

    assert response.status_code == 302
    assert response.url == reverse("calendars:import", args=[office.pk])


def test_the_export_is_an_ics_attachment_named_after_the_calendar(client, personas, office):
    do_set_exception(None, office, date=date(2026, 10, 1), kind="holiday", name="国庆节")
    client.force_login(personas.alice)

    response = client.get(
        reverse("calendars:export", args=[office.pk]), {"first_year": 2026, "last_year": 2027}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "2026-2027.ics" in disposition
    assert b"SUMMARY:\xe5\x9b\xbd\xe5\xba\x86\xe8\x8a\x82" in response.content


def test_an_export_with_years_backwards_goes_back_with_a_message(client, personas, office):
    client.force_login(personas.alice)

    response = client.get(
        reverse("calendars:export", args=[office.pk]), {"first_year": 2027, "last_year": 2026}
    )

    assert response.status_code == 302


def test_the_preview_shows_refused_then_changed_dates_first_and_marks_the_bad_cell(admin, office):
    do_set_exception(None, office, date=date(2027, 1, 1), kind=ExceptionKind.HOLIDAY, name="元旦")
    do_set_exception(None, office, date=date(2027, 2, 8), kind=ExceptionKind.HOLIDAY, name="旧名")
    rows = [*NOTICE_2027, ["2027-02-06", "假日", "又一次", "", ""]]
    upload(admin, office, csv_bytes(rows), "2027.csv")

    preview = admin.get(reverse("calendars:import_preview", args=[office.pk]))

    shown = [(r["entry"].date.isoformat(), r["status"]) for r in preview.context["rows"]]
    assert shown == [
        ("2027-02-06", "refused"),  # the date appears twice: the second row is refused
        ("2027-02-05", "added"),
        ("2027-02-06", "added"),
        ("2027-02-08", "replaced"),
        ("2027-01-01", "unchanged"),
    ]
    refused = preview.context["rows"][0]
    assert "2027-02-06" in refused["bad"]["date"]  # the message, on the date cell
    assert set(refused["bad"]) == {"date"}
    assert "旧名" in preview.context["rows"][3]["previous"]  # what the replaced date was
    html = preview.content.decode()
    assert html.index('data-status="refused"') < html.index('data-status="unchanged"')
    assert 'class="text-nowrap cell-error" title="' in html
