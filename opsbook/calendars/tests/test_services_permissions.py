"""Calendar services check the actor themselves: called directly, without a page or route in
front, they refuse anyone but an administrator (the China sync: administrators and managers)
and write nothing. An actor of ``None`` is the system (commands, the demo loader, factories)."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied

from opsbook.audit.models import AuditEntry
from opsbook.calendars import services
from opsbook.calendars.models import Calendar, CalendarException, CalendarYear, WorkingWindow
from opsbook.calendars.notice import read_notice
from opsbook.calendars.notice_import import do_import_notice
from opsbook.calendars.seeding import CHINA_CALENDAR_NAME, OfficialYears
from opsbook.calendars.sync import do_sync_china_calendar

from .helpers import NOTICE_2027, csv_bytes, make_office, with_2026_data

SMALL = OfficialYears(
    library_version="test",
    years=(2026,),
    holidays={date(2026, 10, 1): "国庆节"},
    workdays={date(2026, 10, 10): "国庆节"},
)
NOT_ADMINS = ["mia", "alice", "charlie", "vera", "dana"]
NOT_SYNCING = ["alice", "charlie", "vera", "dana"]


@pytest.fixture
def office(personas):
    return with_2026_data(make_office(personas.erin))


def _state() -> tuple:
    """Everything a calendar write could change."""
    return (
        list(Calendar.objects.values_list("pk", "name", "is_default", "version")),
        list(WorkingWindow.objects.values_list("calendar_id", "weekday", "start", "end")),
        list(CalendarException.objects.values_list("pk", "date", "kind", "name")),
        list(CalendarYear.objects.values_list("pk", "year", "complete", "note")),
        AuditEntry.objects.count(),
    )


def _writes(office):
    exception = office.exceptions.get(date=date(2026, 10, 1))
    year = office.years.get(year=2026)
    monday = [(1, time(9), time(17))]
    return {
        "create calendar": lambda actor: services.do_create_calendar(
            actor, name="新日历", time_zone="Asia/Shanghai"
        ),
        "update calendar": lambda actor: services.do_update_calendar(
            actor, office, name="改名", is_default=True
        ),
        "weekly windows": lambda actor: services.do_set_weekly_windows(actor, office, monday),
        "set exception": lambda actor: services.do_set_exception(
            actor, office, date=date(2026, 12, 24), kind="holiday"
        ),
        "update exception": lambda actor: services.do_update_exception(
            actor, exception, date=date(2026, 10, 2), kind="holiday"
        ),
        "delete exception": lambda actor: services.do_delete_exception(actor, exception),
        "set year": lambda actor: services.do_set_year(actor, office, 2027),
        "delete year": lambda actor: services.do_delete_year(actor, year),
        "import notice": lambda actor: do_import_notice(
            actor, office, read_notice(csv_bytes(NOTICE_2027), "2027.csv"), mark_covered=2027
        ),
        "import dry run": lambda actor: do_import_notice(
            actor, office, read_notice(csv_bytes(NOTICE_2027), "2027.csv"), dry_run=True
        ),
    }


WRITES = [
    "create calendar",
    "update calendar",
    "weekly windows",
    "set exception",
    "update exception",
    "delete exception",
    "set year",
    "delete year",
    "import notice",
    "import dry run",
]


@pytest.mark.parametrize("who", NOT_ADMINS)
@pytest.mark.parametrize("write", WRITES)
def test_only_administrators_change_calendars_and_nothing_is_written_otherwise(
    office, personas, who, write
):
    before = _state()

    with pytest.raises(PermissionDenied):
        _writes(office)[write](getattr(personas, who))

    assert _state() == before


@pytest.mark.parametrize("write", [w for w in WRITES if w != "import dry run"])
def test_administrators_change_calendars(office, personas, write):
    before = _state()

    _writes(office)[write](personas.erin)

    assert _state() != before


@pytest.mark.parametrize("write", ["set exception", "set year", "import notice"])
def test_an_actor_of_none_is_the_system_and_is_not_checked(office, write):
    before = AuditEntry.objects.count()

    _writes(office)[write](None)

    assert AuditEntry.objects.filter(actor=None).count() > 0
    assert AuditEntry.objects.count() > before


@pytest.mark.parametrize("who", NOT_SYNCING)
def test_the_china_sync_refuses_agents_viewers_and_customers(db, personas, who):
    with pytest.raises(PermissionDenied):
        do_sync_china_calendar(actor=getattr(personas, who), data=SMALL)

    assert not Calendar.objects.filter(name=CHINA_CALENDAR_NAME).exists()
    assert not CalendarException.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["erin", "mia"])
def test_administrators_and_managers_load_the_official_holidays(db, personas, who):
    result = do_sync_china_calendar(actor=getattr(personas, who), data=SMALL)

    assert result.created
    assert sorted(result.added) == [date(2026, 10, 1), date(2026, 10, 10)]
    assert AuditEntry.objects.get().actor == getattr(personas, who)
