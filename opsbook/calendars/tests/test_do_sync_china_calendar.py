from dataclasses import replace
from datetime import date, time

import pytest

from opsbook.audit.models import AuditEntry
from opsbook.calendars.businesstime import business_seconds
from opsbook.calendars.choices import DataSource, ExceptionKind
from opsbook.calendars.models import Calendar, CalendarException, CalendarYear
from opsbook.calendars.seeding import CHINA_CALENDAR_NAME, OfficialYears, china_compiled_calendar
from opsbook.calendars.services import do_create_calendar, do_set_exception
from opsbook.calendars.sync import do_sync_china_calendar

from .conftest import hours, sh

SMALL = OfficialYears(
    library_version="test",
    years=(2026,),
    holidays={date(2026, 10, 1): "国庆节", date(2026, 10, 2): "国庆节"},
    workdays={date(2026, 10, 10): "国庆节"},
)


def audit_for(calendar):
    return AuditEntry.objects.for_object(calendar)


def test_it_creates_the_china_calendar_with_lunch_breaks_and_every_known_year(db):
    result = do_sync_china_calendar()

    calendar = Calendar.objects.get(name=CHINA_CALENDAR_NAME)
    assert result.created and result.calendar == calendar
    assert calendar.time_zone == "Asia/Shanghai"
    assert calendar.is_default
    assert calendar.weekly_windows() == {
        day: [(time(9), time(12)), (time(13, 30), time(18))] for day in range(1, 6)
    }
    assert list(calendar.years.covered().values_list("year", flat=True)) == result.years
    assert result.years[0] == 2004 and result.years[-1] >= 2026
    sunday = CalendarException.objects.get(calendar=calendar, date=date(2026, 1, 4))
    assert (sunday.kind, sunday.name, sunday.pattern_weekday) == ("workday", "元旦", 1)
    assert sunday.source == DataSource.CHINESECALENDAR
    assert audit_for(calendar).get().action == "create"


def test_the_synced_calendar_counts_exactly_like_the_library(db):
    calendar = do_sync_china_calendar().calendar

    compiled = calendar.compile()

    reference = china_compiled_calendar()
    assert compiled.exceptions == reference.exceptions
    assert compiled.weekly == reference.weekly
    assert compiled.covered_years == reference.covered_years
    assert business_seconds(compiled, sh(2025, 12, 31, 17), sh(2026, 1, 5, 10)) == hours(9.5)


def test_running_it_again_changes_nothing(db):
    first = do_sync_china_calendar()
    version = Calendar.objects.get().version

    again = do_sync_china_calendar()

    assert not again.created and not again.changed
    assert (again.added, again.updated, again.removed) == ([], [], [])
    assert Calendar.objects.count() == 1
    assert Calendar.objects.get().version == version
    assert CalendarException.objects.count() == len(first.added)
    assert audit_for(first.calendar).count() == 1


def test_it_leaves_exceptions_entered_by_hand_alone(db):
    calendar = do_sync_china_calendar(data=SMALL).calendar
    do_set_exception(
        None, calendar, date=date(2026, 10, 10), kind=ExceptionKind.SPECIAL_HOURS,
        windows=[(time(9), time(12))], name="调休，半天",
    )  # fmt: skip

    result = do_sync_china_calendar(data=SMALL)

    assert result.kept == [date(2026, 10, 10)]
    kept = CalendarException.objects.get(date=date(2026, 10, 10))
    assert (kept.kind, kept.source) == ("special_hours", "manual")
    assert calendar.compile().windows_on(date(2026, 10, 10)) == ((time(9), time(12)),)


def test_a_corrected_library_updates_and_removes_its_own_rows(db):
    calendar = do_sync_china_calendar(data=SMALL).calendar
    version = Calendar.objects.get().version
    corrected = replace(
        SMALL,
        library_version="test-2",
        holidays={date(2026, 10, 1): "国庆节", date(2026, 10, 9): "国庆节"},
        workdays={date(2026, 10, 10): "国庆节调休"},
    )

    result = do_sync_china_calendar(data=corrected)

    assert result.added == [date(2026, 10, 9)]
    assert result.updated == [date(2026, 10, 10)]
    assert result.removed == [date(2026, 10, 2)]
    assert sorted(calendar.exceptions.values_list("date", flat=True)) == [
        date(2026, 10, 1), date(2026, 10, 9), date(2026, 10, 10),
    ]  # fmt: skip
    assert Calendar.objects.get().version == version + 1
    entry = audit_for(calendar).first()
    assert entry.changes["exceptions_removed"] == [["2026-10-02"], []]


def test_it_marks_a_year_entered_by_hand_as_covered_by_the_library(db):
    calendar = do_sync_china_calendar(data=SMALL).calendar
    CalendarYear.objects.filter(calendar=calendar).update(source="manual", complete=False)

    do_sync_china_calendar(data=SMALL)

    row = CalendarYear.objects.get(calendar=calendar, year=2026)
    assert (row.source, row.complete) == ("chinesecalendar", True)


def test_it_can_load_the_data_into_another_calendar_and_keeps_its_hours(db):
    shop = do_create_calendar(
        None, name="门店", time_zone="Asia/Shanghai", is_default=True,
        windows=[(day, time(10), time(22)) for day in range(1, 8)],
    )  # fmt: skip

    result = do_sync_china_calendar(shop, data=SMALL)

    assert not result.created and result.calendar == shop
    assert Calendar.objects.count() == 1
    assert shop.windows.count() == 7
    compiled = shop.compile()
    assert compiled.windows_on(date(2026, 10, 1)) == ()
    assert compiled.windows_on(date(2026, 10, 10)) == ((time(10), time(22)),)


def test_the_new_china_calendar_does_not_take_over_an_existing_default(db):
    do_create_calendar(None, name="Berlin", time_zone="Europe/Berlin", is_default=True)

    result = do_sync_china_calendar(data=SMALL)

    assert not result.calendar.is_default
    assert Calendar.objects.default().name == "Berlin"


@pytest.mark.django_db(transaction=True)
def test_it_is_one_transaction(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CalendarYear.objects, "bulk_create", broken)

    with pytest.raises(RuntimeError):
        do_sync_china_calendar(data=SMALL)

    assert not Calendar.objects.exists()
    assert not CalendarException.objects.exists()
