"""``working_days`` reads a calendar from the database once; holidays, make-up workdays and
special hours decide which days count."""

from datetime import date, time

import pytest

from opsbook.calendars.models import Calendar
from opsbook.calendars.services import do_create_calendar, do_set_exception, do_set_year
from opsbook.calendars.sync import do_sync_china_calendar
from opsbook.catalog.frequency import parse_frequency
from opsbook.routines.dates import NoCalendar, NotSchedulable, due_dates, working_days

OFFICE = [(wd, time(9), time(17)) for wd in range(1, 6)]


@pytest.fixture
def office(db):
    calendar = do_create_calendar(
        None, name="深圳办公室", time_zone="Asia/Shanghai", windows=OFFICE
    )
    do_set_exception(None, calendar, date=date(2026, 6, 1), kind="holiday", name="公司日")
    do_set_exception(None, calendar, date=date(2026, 6, 6), kind="workday", name="补班")
    do_set_exception(
        None,
        calendar,
        date=date(2026, 6, 7),
        kind="special_hours",
        name="机房搬迁",
        windows=[(time(10), time(12))],
    )
    do_set_year(None, calendar, 2026, note="test")
    calendar.refresh_from_db()
    return calendar


def test_holidays_close_and_make_up_days_and_special_hours_open(office):
    days = working_days(office, date(2026, 6, 1), date(2026, 6, 30))
    assert not days.is_working(date(2026, 6, 1))
    assert days.is_working(date(2026, 6, 6))  # Saturday, make-up
    assert days.is_working(date(2026, 6, 7))  # Sunday, special hours
    assert not days.is_working(date(2026, 6, 13))
    assert days.name_of(date(2026, 6, 1)) == "公司日"
    assert days.label == "深圳办公室"
    assert days.version == office.version


def test_it_reads_the_database_once_and_then_needs_it_no_more(
    office, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(6):
        days = working_days(office, date(2026, 1, 1), date(2026, 12, 31))
    with django_assert_num_queries(0):
        found = due_dates(parse_frequency("每周两次"), days, date(2026, 1, 1), date(2026, 12, 31))
    assert len(found) == 104


def test_none_means_the_default_calendar(db):
    do_sync_china_calendar()
    days = working_days(None, date(2026, 1, 1), date(2026, 12, 31))
    assert days.label == Calendar.objects.default().name
    assert days.is_working(date(2026, 10, 10))
    assert not days.is_working(date(2026, 10, 5))


def test_without_a_default_calendar_it_says_what_to_do(db):
    with pytest.raises(NoCalendar, match="calendar sync-cn") as caught:
        working_days(None, date(2026, 1, 1), date(2026, 1, 31))
    assert isinstance(caught.value, NotSchedulable)


def test_days_outside_the_precomputed_years_get_the_same_answers(office):
    near = working_days(office, date(2026, 6, 1), date(2026, 6, 30))
    far = working_days(office, date(2030, 1, 1), date(2030, 1, 31))
    june = (date(2026, 5, 25), date(2026, 6, 14))
    assert near.between(*june) == far.between(*june)
    assert [far.is_working(day) for day in far.between(*june)] == [True] * len(far.between(*june))
    assert due_dates(parse_frequency("每周"), near, *june) == due_dates(
        parse_frequency("每周"), far, *june
    )


def test_years_without_official_data_are_named(office):
    days = working_days(office, date(2026, 1, 1), date(2027, 12, 31))
    assert days.uncovered_years(date(2026, 1, 1), date(2027, 12, 31)) == [2027]
