"""Exporting a calendar's exceptions as iCalendar and importing the file again gives the same
exceptions; the file reads as holidays and workdays in other calendar programs."""

from datetime import date, time

import icalendar
import pytest

from opsbook.calendars.models import CalendarException
from opsbook.calendars.notice import export_ics, read_notice
from opsbook.calendars.notice_import import do_import_notice
from opsbook.calendars.services import do_set_exception

from .helpers import make_office


def state(calendar):
    return sorted(
        (
            e.date,
            e.kind,
            e.name,
            e.pattern_weekday,
            tuple((w.start, w.end) for w in e.windows.all()),
        )
        for e in calendar.exceptions.prefetch_related("windows")
    )


@pytest.fixture
def office(personas):
    office = make_office(personas.erin)
    do_set_exception(None, office, date=date(2026, 10, 1), kind="holiday", name="国庆节")
    do_set_exception(
        None, office, date=date(2026, 10, 10), kind="workday", name="国庆节", pattern_weekday=5
    )
    do_set_exception(None, office, date=date(2026, 9, 20), kind="workday")
    do_set_exception(
        None,
        office,
        date=date(2026, 12, 31),
        kind="special_hours",
        name="跨年",
        windows=[(time(9), time(12)), (time(20), time(0))],
    )
    do_set_exception(None, office, date=date(2025, 1, 1), kind="holiday", name="元旦")
    office.refresh_from_db()
    return office


def test_an_export_imported_into_an_empty_calendar_gives_the_same_exceptions(office):
    data = export_ics(office, 2025, 2026)
    copy = make_office(name="副本")

    result = do_import_notice(None, copy, read_notice(data, "上海办公室-2025-2026.ics"))

    assert result.ok, result.problems
    assert state(copy) == state(office)


def test_importing_an_export_into_its_own_calendar_changes_nothing(office):
    data = export_ics(office, 2025, 2026)

    result = do_import_notice(None, office, read_notice(data, "same.ics"))

    assert result.ok and not result.changed
    assert len(result.unchanged) == 5


def test_the_export_covers_only_the_years_asked_for(office):
    data = export_ics(office, 2026, 2026)

    dates = {e.date for e in read_notice(data, "2026.ics").entries}

    assert date(2025, 1, 1) not in dates
    assert len(dates) == 4


def test_the_export_is_plain_icalendar_with_all_day_events(office):
    cal = icalendar.Calendar.from_ical(export_ics(office, 2026, 2026))

    assert str(cal["X-WR-CALNAME"]) == "上海办公室"
    events = {e.decoded("DTSTART"): e for e in cal.walk("VEVENT")}
    national_day = events[date(2026, 10, 1)]
    assert str(national_day["SUMMARY"]) == "国庆节（休）"
    assert national_day.decoded("DTEND") == date(2026, 10, 2)
    assert str(events[date(2026, 10, 10)]["SUMMARY"]) == "国庆节（班）"
    assert len({str(e["UID"]) for e in events.values()}) == 4


def test_a_third_party_reading_only_summaries_still_tells_holidays_from_workdays(office):
    """Without Opsbook's X- properties and categories, 休/班 in the summary decide."""
    cal = icalendar.Calendar.from_ical(export_ics(office, 2026, 2026))
    for event in cal.walk("VEVENT"):
        for name in ("X-OPSBOOK-KIND", "X-OPSBOOK-NAME", "CATEGORIES", "X-OPSBOOK-HOURS-AS-ON"):
            event.pop(name, None)
    stripped = cal.to_ical()

    kinds = {e.date: (e.kind, e.name) for e in read_notice(stripped, "plain.ics").entries}

    assert kinds[date(2026, 10, 1)] == ("holiday", "国庆节")
    assert kinds[date(2026, 10, 10)] == ("workday", "国庆节")
    assert CalendarException.objects.filter(calendar=office).count() == 5
