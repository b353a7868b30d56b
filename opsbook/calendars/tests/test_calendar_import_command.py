"""`opsbook calendar import` and `opsbook calendar export`."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opsbook.calendars.models import Calendar, CalendarException

from .helpers import NOTICE_2027, csv_bytes, make_office, xlsx_bytes


def opsbook(*args) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def office(db):
    return make_office()


@pytest.fixture
def notice(tmp_path):
    path = tmp_path / "2027.xlsx"
    path.write_bytes(xlsx_bytes(NOTICE_2027))
    return path


def test_import_writes_the_notice_and_marks_the_year(office, notice):
    output = opsbook("import", "上海办公室", str(notice), "--mark-covered", "2027")

    assert "4 dates read from 2027.xlsx; 4 added, 0 replaced, 0 unchanged" in output
    assert "2027: marked covered" in output
    assert CalendarException.objects.count() == 4
    assert office.years.get().year == 2027


def test_import_again_reports_everything_unchanged(office, notice):
    opsbook("import", "上海办公室", str(notice))

    output = opsbook("import", "上海办公室", str(notice))

    assert "0 added, 0 replaced, 4 unchanged" in output


def test_a_dry_run_writes_nothing(office, notice):
    output = opsbook("import", "上海办公室", str(notice), "--dry-run")

    assert "would be written" in output and "dry run: nothing was written" in output
    assert not CalendarException.objects.exists()
    assert Calendar.objects.get().version == office.version


def test_json_output_lists_the_dates_and_problems(office, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([*NOTICE_2027, ["2027-13-01", "假日", "", "", ""]]))

    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("calendar", "import", "上海办公室", str(path), "--json", stdout=out)

    assert caught.value.returncode == 1
    body = json.loads(out.getvalue())
    assert body["ok"] is False
    [problem] = body["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("bad.csv", 6, "A (日期)")
    assert not CalendarException.objects.exists()


def test_problems_are_printed_one_per_line_and_exit_with_status_1(office, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["2027-01-01", "请假", "", "", ""]]))
    out = StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("calendar", "import", "上海办公室", str(path), stdout=out)

    assert out.getvalue().startswith("error: sheet bad.csv, row 2, column B (类型): ")


def test_import_names_a_missing_calendar_or_file(office, tmp_path):
    with pytest.raises(CommandError, match="no calendar named"):
        opsbook("import", "火星", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="cannot read"):
        opsbook("import", "上海办公室", str(tmp_path / "missing.csv"))


def test_export_writes_an_ics_file_for_the_years_asked(office, notice, tmp_path):
    opsbook("import", "上海办公室", str(notice))
    target = tmp_path / "out.ics"

    output = opsbook("export", "上海办公室", "--years", "2027-2028", "-o", str(target))

    assert "4 dates of 2027–2028 written" in output
    assert target.read_bytes().count(b"BEGIN:VEVENT") == 4


def test_export_without_years_prints_every_exception_to_stdout(office, notice):
    opsbook("import", "上海办公室", str(notice))

    output = opsbook("export", "上海办公室")

    assert output.startswith("BEGIN:VCALENDAR")
    assert "元旦（休）" in output


def test_export_and_import_round_trip_through_files(office, notice, tmp_path):
    opsbook("import", "上海办公室", str(notice))
    target = tmp_path / "round.ics"
    opsbook("export", "上海办公室", "-o", str(target))
    CalendarException.objects.filter(date=date(2027, 1, 1)).delete()

    output = opsbook("import", "上海办公室", str(target))

    assert "1 added, 0 replaced, 3 unchanged" in output


@pytest.mark.parametrize("years", ["2027-2025", "27", "1800-1801"])
def test_export_refuses_a_bad_range_of_years(office, years):
    with pytest.raises(CommandError):
        opsbook("export", "上海办公室", "--years", years)
