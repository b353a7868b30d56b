from datetime import date

from opsbook.calendars.seeding import china_official_years

MAKE_UP_2026 = ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]
WEEKDAY_HOLIDAYS_2026 = [
    "01-01", "01-02", "02-16", "02-17", "02-18", "02-19", "02-20", "02-23", "04-06", "05-01",
    "05-04", "05-05", "06-19", "09-25", "10-01", "10-02", "10-05", "10-06", "10-07",
]  # fmt: skip


def days_of(dates, year):
    return [d.strftime("%m-%d") for d in dates if d.year == year]


def test_2026_has_the_six_make_up_workdays_of_the_state_council_notice():
    data = china_official_years()

    assert days_of(data.workdays, 2026) == MAKE_UP_2026
    assert data.workdays[date(2026, 10, 10)] == "国庆节"


def test_only_holidays_that_fall_on_a_weekday_become_exceptions():
    data = china_official_years()

    assert days_of(data.holidays, 2026) == WEEKDAY_HOLIDAYS_2026
    assert date(2026, 1, 3) not in data.holidays  # a Saturday inside 元旦
    assert data.holidays[date(2026, 2, 16)] == "春节"


def test_every_year_the_library_knows_is_listed_and_none_after():
    data = china_official_years()

    assert data.years == tuple(range(2004, data.years[-1] + 1))
    assert data.years[-1] >= 2026
    assert not [d for d in [*data.holidays, *data.workdays] if d.year > data.years[-1]]
    assert data.library_version
