"""Importing a notice into a calendar: all or nothing, idempotent, optionally marking the year
covered, refused when someone changed the calendar after the preview."""

from datetime import date, time

import pytest

from opsbook.audit.models import AuditEntry
from opsbook.calendars.businesstime import business_seconds
from opsbook.calendars.models import Calendar, CalendarException
from opsbook.calendars.notice import read_notice
from opsbook.calendars.notice_import import do_import_notice
from opsbook.calendars.services import do_set_exception
from opsbook.core.errors import ConflictError

from .conftest import hours, sh
from .helpers import NOTICE_2027, csv_bytes, make_office


@pytest.fixture
def office(personas):
    return make_office(personas.erin)


def notice_2027(rows=NOTICE_2027):
    return read_notice(csv_bytes(rows), "2027年通知.csv")


def test_a_notice_becomes_the_calendars_exceptions(office, personas):
    result = do_import_notice(personas.erin, office, notice_2027())

    assert result.ok
    assert sorted(result.added) == sorted(date.fromisoformat(r[0]) for r in NOTICE_2027)
    compiled = Calendar.objects.get().compile()
    # Fri 5 Feb 2027: special hours 09:00–12:00 only.
    assert business_seconds(compiled, sh(2027, 2, 5, 8), sh(2027, 2, 5, 20)) == hours(3)
    # Sat 6 Feb 2027: a make-up day with Friday's hours, lunch break included.
    assert business_seconds(compiled, sh(2027, 2, 6, 8), sh(2027, 2, 6, 20)) == hours(7.5)
    # Mon 8 Feb 2027: a holiday.
    assert business_seconds(compiled, sh(2027, 2, 8, 8), sh(2027, 2, 8, 20)) == 0
    assert CalendarException.objects.get(date=date(2027, 1, 1)).source == "import"


def test_importing_the_same_file_again_changes_nothing(office, personas):
    do_import_notice(personas.erin, office, notice_2027())
    version = Calendar.objects.get().version
    entries = AuditEntry.objects.count()

    again = do_import_notice(personas.erin, office, notice_2027())

    assert again.ok and not again.changed
    assert len(again.unchanged) == len(NOTICE_2027)
    assert Calendar.objects.get().version == version
    assert AuditEntry.objects.count() == entries


def test_a_corrected_notice_replaces_the_dates_it_names_and_keeps_the_others(office, personas):
    do_import_notice(personas.erin, office, notice_2027())
    corrected = [["2027-02-08", "调休", "春节", "", ""]]

    result = do_import_notice(personas.erin, office, notice_2027(corrected))

    assert result.updated == [date(2027, 2, 8)]
    assert CalendarException.objects.get(date=date(2027, 2, 8)).kind == "workday"
    assert CalendarException.objects.filter(date=date(2027, 1, 1)).exists()


def test_one_bad_row_means_nothing_is_written(office, personas):
    rows = [*NOTICE_2027, ["2027-03-06", "调休", "", "", "周日"]]  # Sunday has no hours

    result = do_import_notice(personas.erin, office, notice_2027(rows))

    assert not result.ok
    [problem] = result.problems
    assert (problem.location.row, problem.field) == (6, "pattern_weekday")
    assert problem.location.column == "E (按…上班)"
    assert "Sunday" in problem.message
    assert not CalendarException.objects.exists()
    assert Calendar.objects.get().version == office.version


def test_a_date_given_twice_is_a_problem_naming_both_rows(office, personas):
    rows = [["2027-01-01", "假日", "元旦", "", ""], ["2027-01-01", "调休", "", "", ""]]

    result = do_import_notice(personas.erin, office, notice_2027(rows))

    [problem] = result.problems
    assert problem.location.row == 3
    assert "row 2" in problem.message
    assert not CalendarException.objects.exists()


def test_a_dry_run_reports_what_would_change_and_writes_nothing(office, personas):
    do_set_exception(personas.erin, office, date=date(2027, 1, 1), kind="holiday", name="旧")
    office.refresh_from_db()

    result = do_import_notice(personas.erin, office, notice_2027(), dry_run=True, mark_covered=2027)

    assert result.ok and result.dry_run
    assert result.updated == [date(2027, 1, 1)]
    assert len(result.added) == 3
    assert result.covered
    assert CalendarException.objects.count() == 1
    assert not office.years.exists()
    assert Calendar.objects.get().version == office.version


def test_the_year_can_be_marked_covered_with_the_file_as_the_note(office, personas):
    result = do_import_notice(personas.erin, office, notice_2027(), mark_covered=2027)

    assert result.covered
    row = office.years.get()
    assert (row.year, row.complete, row.source, row.note) == (
        2027,
        True,
        "import",
        "2027年通知.csv",
    )


def test_marking_a_year_the_file_does_not_touch_is_a_warning(office, personas):
    result = do_import_notice(personas.erin, office, notice_2027(), mark_covered=2028)

    assert result.ok
    assert "2028" in result.warnings[0]


def test_an_empty_sheet_is_a_problem(office, personas):
    result = do_import_notice(personas.erin, office, read_notice(csv_bytes([]), "empty.csv"))

    assert "no dates" in result.problems[0].message


def test_an_import_after_someone_else_changed_the_calendar_is_a_conflict(office, personas):
    previewed = office.version
    do_set_exception(personas.erin, office, date=date(2027, 5, 1), kind="holiday")

    with pytest.raises(ConflictError):
        do_import_notice(personas.erin, office, notice_2027(), expected_version=previewed)
    assert CalendarException.objects.count() == 1


def test_the_import_is_one_audit_entry_listing_the_dates(office, personas):
    do_import_notice(personas.erin, office, notice_2027(), source="cli")

    entry = AuditEntry.objects.for_object(office).filter(action="update").get()
    assert entry.source == "cli"
    assert entry.changes["imported_from"] == [None, "2027年通知.csv"]
    assert len(entry.changes["exceptions_added"][1]) == 4


def test_special_hours_keep_their_windows(office, personas):
    rows = [["2027-12-31", "特殊", "跨年", "09:00-12:00, 13:30-16:00", ""]]

    do_import_notice(personas.erin, office, notice_2027(rows))

    exc = CalendarException.objects.get()
    assert [(w.start, w.end) for w in exc.windows.all()] == [
        (time(9), time(12)),
        (time(13, 30), time(16)),
    ]
