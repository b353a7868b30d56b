from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from opsbook.audit.models import AuditEntry
from opsbook.calendars.businesstime import business_seconds
from opsbook.calendars.choices import ExceptionKind
from opsbook.calendars.models import Calendar, CalendarException, WorkingWindow
from opsbook.calendars.services import (
    do_create_calendar,
    do_delete_exception,
    do_set_exception,
    do_set_weekly_windows,
    do_set_year,
    do_update_calendar,
)
from opsbook.core.errors import ConflictError

from .conftest import hours, sh

OFFICE = [
    (day, s, e) for day in range(1, 6) for s, e in [(time(9), time(12)), (time(13, 30), time(18))]
]


@pytest.fixture
def office(personas):
    return do_create_calendar(
        personas.erin, name="上海办公室", time_zone="Asia/Shanghai", windows=OFFICE
    )


# --- calendars --------------------------------------------------------------------------------


def test_a_calendar_needs_a_real_time_zone(personas):
    with pytest.raises(ValidationError) as caught:
        do_create_calendar(personas.erin, name="火星", time_zone="Mars/Olympus_Mons")

    assert "time_zone" in caught.value.message_dict
    assert not Calendar.objects.exists()


def test_calendar_names_are_unique(office, personas):
    with pytest.raises(ValidationError) as caught:
        do_create_calendar(personas.erin, name="上海办公室", time_zone="Asia/Shanghai")

    assert "name" in caught.value.message_dict


def test_making_a_calendar_the_default_takes_it_from_the_old_one(personas):
    first = do_create_calendar(None, name="A", time_zone="Asia/Shanghai", is_default=True)
    second = do_create_calendar(None, name="B", time_zone="Asia/Shanghai", is_default=True)

    assert Calendar.objects.default() == second
    do_update_calendar(personas.erin, first, is_default=True)
    assert Calendar.objects.default() == first
    assert Calendar.objects.filter(is_default=True).count() == 1


def test_updating_a_calendar_records_what_changed_and_bumps_the_version(office, personas):
    do_update_calendar(
        personas.erin, office, time_zone="Asia/Urumqi", expected_version=office.version
    )

    entry = AuditEntry.objects.for_object(office).first()
    assert entry.changes == {"time_zone": ["Asia/Shanghai", "Asia/Urumqi"]}
    assert entry.actor == personas.erin
    assert Calendar.objects.get().version == 2


def test_an_update_based_on_an_old_version_is_refused(office, personas):
    stale = office.version
    do_update_calendar(personas.erin, office, description="总部")

    with pytest.raises(ConflictError):
        do_update_calendar(personas.erin, office, description="分部", expected_version=stale)
    assert Calendar.objects.get().description == "总部"


def test_unknown_calendar_fields_are_a_programming_error(office, personas):
    with pytest.raises(TypeError):
        do_update_calendar(personas.erin, office, version=9)


# --- weekly windows ---------------------------------------------------------------------------


def test_several_windows_a_day_make_a_lunch_break(office):
    compiled = office.compile()

    assert business_seconds(compiled, sh(2026, 3, 10, 11), sh(2026, 3, 10, 14, 30)) == hours(2)


def test_overlapping_windows_are_refused_and_nothing_changes(office, personas):
    with pytest.raises(ValidationError, match="overlaps"):
        do_set_weekly_windows(
            personas.erin, office, [(1, time(9), time(12)), (1, time(11, 30), time(18))]
        )

    assert WorkingWindow.objects.filter(calendar=office).count() == 10
    assert Calendar.objects.get().version == 1


def test_a_window_ending_before_it_starts_is_refused(office, personas):
    with pytest.raises(ValidationError, match="ends before it starts"):
        do_set_weekly_windows(personas.erin, office, [(1, time(18), time(9))])


def test_weekdays_are_numbered_one_to_seven(office, personas):
    with pytest.raises(ValidationError, match="1 \\(Monday\\) to 7 \\(Sunday\\)"):
        do_set_weekly_windows(personas.erin, office, [(0, time(9), time(18))])


def test_a_window_may_end_at_midnight(office, personas):
    do_set_weekly_windows(personas.erin, office, [(5, time(18), time(0))])

    assert business_seconds(office.compile(), sh(2026, 3, 13, 17), sh(2026, 3, 14, 2)) == hours(6)


def test_replacing_the_weekly_windows_is_audited_once(office, personas):
    do_set_weekly_windows(personas.erin, office, [(d, time(8), time(20)) for d in range(1, 8)])
    do_set_weekly_windows(personas.erin, office, [(d, time(8), time(20)) for d in range(1, 8)])

    entries = AuditEntry.objects.for_object(office).filter(action="update")
    assert entries.count() == 1
    before, after = entries.get().changes["windows"]
    assert len(before) == 10 and len(after) == 7
    assert Calendar.objects.get().version == 3  # both calls counted as edits


def test_the_database_refuses_a_window_that_ends_before_it_starts(office):
    with pytest.raises(IntegrityError):
        WorkingWindow.objects.create(calendar=office, weekday=1, start=time(19), end=time(18))


# --- exceptions -------------------------------------------------------------------------------


def test_a_holiday_closes_the_whole_day(office, personas):
    do_set_exception(personas.erin, office, date=date(2026, 10, 1), kind="holiday", name="国庆节")

    assert business_seconds(office.compile(), sh(2026, 10, 1), sh(2026, 10, 2)) == 0


def test_a_make_up_workday_uses_mondays_windows_by_default(office, personas):
    exc = do_set_exception(
        personas.erin, office, date=date(2026, 10, 10), kind="workday", name="国庆节"
    )

    assert exc.pattern_weekday == 1
    compiled = office.compile()
    assert compiled.windows_on(date(2026, 10, 10)) == (
        (time(9), time(12)),
        (time(13, 30), time(18)),
    )
    assert business_seconds(compiled, sh(2026, 10, 10), sh(2026, 10, 11)) == hours(7.5)


def test_a_make_up_workday_can_follow_another_weekday(office, personas):
    short_friday = [w for w in OFFICE if w[0] != 5] + [(5, time(9), time(15))]
    do_set_weekly_windows(personas.erin, office, short_friday)
    do_set_exception(
        personas.erin, office, date=date(2026, 9, 20), kind="workday", pattern_weekday=5
    )

    assert office.compile().windows_on(date(2026, 9, 20)) == ((time(9), time(15)),)


def test_a_make_up_workday_needs_a_weekday_with_hours(office, personas):
    with pytest.raises(ValidationError, match="no working hours"):
        do_set_exception(
            personas.erin, office, date=date(2026, 9, 20), kind="workday", pattern_weekday=7
        )
    assert not CalendarException.objects.exists()


def test_special_hours_have_their_own_windows(office, personas):
    do_set_exception(
        personas.erin, office, date=date(2026, 2, 13), kind=ExceptionKind.SPECIAL_HOURS,
        name="春节前半天", windows=[(time(9), time(12))],
    )  # fmt: skip

    assert business_seconds(office.compile(), sh(2026, 2, 13), sh(2026, 2, 14)) == hours(3)


def test_special_hours_without_windows_are_refused(office, personas):
    with pytest.raises(ValidationError, match="at least one window"):
        do_set_exception(personas.erin, office, date=date(2026, 2, 13), kind="special_hours")


def test_overlapping_special_hours_are_refused(office, personas):
    with pytest.raises(ValidationError, match="overlaps"):
        do_set_exception(
            personas.erin, office, date=date(2026, 2, 13), kind="special_hours",
            windows=[(time(9), time(12)), (time(10), time(11))],
        )  # fmt: skip


def test_holidays_take_no_windows_and_no_pattern_weekday(office, personas):
    with pytest.raises(ValidationError, match="Only special hours"):
        do_set_exception(
            personas.erin, office, date=date(2026, 10, 1), kind="holiday",
            windows=[(time(9), time(12))],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Only make-up workdays"):
        do_set_exception(
            personas.erin, office, date=date(2026, 10, 1), kind="holiday", pattern_weekday=1
        )


def test_an_unknown_kind_is_refused(office, personas):
    with pytest.raises(ValidationError, match="Unknown kind"):
        do_set_exception(personas.erin, office, date=date(2026, 10, 1), kind="vacation")


def test_setting_an_exception_again_replaces_the_one_on_that_date(office, personas):
    day = date(2026, 2, 13)
    do_set_exception(
        personas.erin, office, date=day, kind="special_hours", windows=[(time(9), time(12))]
    )

    exc = do_set_exception(personas.erin, office, date=day, kind="holiday", name="公司假")

    assert CalendarException.objects.get() == exc
    assert not exc.windows.exists()
    assert office.compile().windows_on(day) == ()
    entry = AuditEntry.objects.for_object(exc).first()
    assert entry.changes["exception"] == [
        "2026-02-13 special_hours 09:00–12:00",
        "2026-02-13 holiday 公司假",
    ]


def test_deleting_an_exception_restores_the_weekly_hours(office, personas):
    exc = do_set_exception(personas.erin, office, date=date(2026, 10, 1), kind="holiday")

    do_delete_exception(personas.erin, exc)

    assert business_seconds(office.compile(), sh(2026, 10, 1), sh(2026, 10, 2)) == hours(7.5)
    assert AuditEntry.objects.filter(action="delete", object_type="calendars.calendarexception")
    assert Calendar.objects.get().version == 3


# --- covered years ----------------------------------------------------------------------------


def test_a_year_entered_by_hand_counts_as_covered(office, personas):
    do_set_year(personas.erin, office, 2027, note="手工录入")

    assert office.compile().covered_years == {2027}


def test_an_incomplete_year_is_not_covered(office, personas):
    do_set_year(personas.erin, office, 2027, complete=False)

    assert office.compile().covered_years == frozenset()


def test_years_outside_the_supported_range_are_refused(office, personas):
    with pytest.raises(ValidationError):
        do_set_year(personas.erin, office, 1900)


def test_setting_the_same_year_twice_changes_nothing(office, personas):
    do_set_year(personas.erin, office, 2027)
    version = Calendar.objects.get().version

    do_set_year(personas.erin, office, 2027)

    assert Calendar.objects.get().version == version
    assert AuditEntry.objects.filter(object_type="calendars.calendaryear").count() == 1


def test_compiling_a_calendar_takes_four_queries_however_many_exceptions(
    office, personas, django_assert_num_queries
):
    for day in range(1, 20):
        do_set_exception(
            personas.erin, office, date=date(2026, 7, day), kind="special_hours",
            windows=[(time(9), time(10)), (time(11), time(12))],
        )  # fmt: skip

    with django_assert_num_queries(4):
        compiled = office.compile()

    assert compiled.windows_on(date(2026, 7, 19)) == ((time(9), time(10)), (time(11), time(12)))
