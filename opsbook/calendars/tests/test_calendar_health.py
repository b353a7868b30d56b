from datetime import date, time

from opsbook.calendars.health import calendar_health
from opsbook.calendars.seeding import OfficialYears
from opsbook.calendars.services import do_create_calendar, do_set_year
from opsbook.calendars.sync import do_sync_china_calendar

YEARS_2025_2026 = OfficialYears(library_version="test", years=(2025, 2026))


def test_no_calendar_at_all_is_a_warning(db):
    [warning] = calendar_health(date(2026, 6, 1))

    assert "sync-cn" in warning


def test_a_covered_current_year_is_healthy_until_november(db):
    do_sync_china_calendar(data=YEARS_2025_2026)

    assert calendar_health(date(2026, 6, 1)) == []
    assert calendar_health(date(2026, 10, 31)) == []


def test_from_november_a_missing_next_year_is_a_warning(db):
    do_sync_china_calendar(data=YEARS_2025_2026)

    [warning] = calendar_health(date(2026, 11, 1))

    assert "中国大陆工作日" in warning and "2027" in warning
    assert "chinesecalendar" in warning  # says how to fix it


def test_a_missing_current_year_is_a_warning_all_year(db):
    do_sync_china_calendar(data=YEARS_2025_2026)

    warnings = calendar_health(date(2027, 3, 1))

    assert len(warnings) == 1 and "2027" in warnings[0]


def test_an_incomplete_year_is_a_warning(db):
    calendar = do_sync_china_calendar(data=YEARS_2025_2026).calendar
    do_set_year(None, calendar, 2026, complete=False)

    [warning] = calendar_health(date(2026, 6, 1))

    assert "incomplete" in warning


def test_a_calendar_kept_by_hand_is_told_to_enter_the_year_by_hand(db):
    berlin = do_create_calendar(
        None, name="Berlin", time_zone="Europe/Berlin", is_default=True,
        windows=[(1, time(9), time(17))],
    )  # fmt: skip
    do_set_year(None, berlin, 2026)

    [warning] = calendar_health(date(2026, 12, 1))

    assert "Berlin" in warning and "2027" in warning
    assert "sync-cn" not in warning


def test_a_missing_default_calendar_is_a_warning(db):
    calendar = do_create_calendar(None, name="Berlin", time_zone="Europe/Berlin")
    do_set_year(None, calendar, 2026)

    assert calendar_health(date(2026, 6, 1)) == ["No calendar is marked as the default calendar."]


def test_health_takes_two_queries_however_many_calendars(db, django_assert_num_queries):
    for n in range(5):
        calendar = do_create_calendar(None, name=f"C{n}", time_zone="Asia/Shanghai")
        do_set_year(None, calendar, 2026)

    with django_assert_num_queries(2):
        calendar_health(date(2026, 6, 1))
