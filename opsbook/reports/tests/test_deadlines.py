"""Working days on the organisation's calendar: holidays and 调休 make-up days count."""

from datetime import date

import pytest

from opsbook.calendars.seeding import china_compiled_calendar
from opsbook.metrics.periods import month
from opsbook.reports.deadlines import deadline_for, first_working_day, nth_working_day
from opsbook.reports.models import ReportTemplate
from opsbook.tickets.tests.factories import add_holiday, add_makeup_day, make_calendar


@pytest.fixture(scope="module")
def china():
    return china_compiled_calendar()


def test_national_day_week_and_its_make_up_saturday(china):
    # 1–7 October 2026 are holidays; Saturday 10 October is a make-up working day.
    assert first_working_day(2026, 10, calendar=china) == date(2026, 10, 8)
    days = [nth_working_day(2026, 10, n, calendar=china) for n in range(1, 6)]
    assert days == [date(2026, 10, d) for d in (8, 9, 10, 12, 13)]


def test_deadline_is_the_templates_working_day_of_the_next_month(china):
    template = ReportTemplate(code="t", name="t")
    assert deadline_for(template, month(2026, 9), calendar=china) == date(2026, 10, 13)
    template.deadline_working_days = 3
    assert deadline_for(template, month(2026, 9), calendar=china) == date(2026, 10, 10)
    # An ordinary month: the 5th working day of December 2026 is Monday 7 December.
    assert deadline_for(None, month(2026, 11), calendar=china) == date(2026, 12, 7)
    # January 2026: 1–2 January are holidays, Sunday 4 January a make-up working day.
    assert first_working_day(2026, 1, calendar=china) == date(2026, 1, 4)


def test_counting_runs_past_the_month_end(china):
    assert nth_working_day(2026, 2, 30, calendar=china).month == 3
    with pytest.raises(ValueError):
        nth_working_day(2026, 2, 0, calendar=china)


@pytest.mark.django_db
def test_the_organisations_default_calendar_in_the_database():
    cal = make_calendar()
    add_holiday(cal, date(2026, 12, 1))
    add_makeup_day(cal, date(2026, 12, 5))
    # Tue 1 Dec closed; Sat 5 Dec open: 2, 3, 4, 5, 7.
    assert nth_working_day(2026, 12, 5) == date(2026, 12, 7)
    assert nth_working_day(2026, 12, 4) == date(2026, 12, 5)
    assert deadline_for(ReportTemplate(code="t", name="t"), month(2026, 11)) == date(2026, 12, 7)


@pytest.mark.django_db
def test_without_a_default_calendar_chinas_official_one_is_used():
    assert first_working_day(2026, 10) == date(2026, 10, 8)
