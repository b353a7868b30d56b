"""Small factories for ticket tests: a China-style calendar, an item with standards, tickets."""

from contextlib import contextmanager
from datetime import date, datetime, time

import time_machine

from opsbook.calendars import services as calendars
from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.choices import DataSource, ExceptionKind
from opsbook.catalog import services as catalog
from opsbook.catalog.models import CustomerService, ServiceStandard
from opsbook.catalog.testing import make_item
from opsbook.tickets import services
from opsbook.tickets.choices import Source
from opsbook.tickets.models import DefaultTarget

WORKDAY = [(time(9), time(12)), (time(13, 30), time(18))]

# The State Council's 2026 notice: statutory holidays on weekdays, and 调休 make-up workdays.
CHINA_2026_HOLIDAYS = [
    *(date(2026, 1, d) for d in (1, 2)),
    *(date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)),
    date(2026, 4, 6),
    *(date(2026, 5, d) for d in (1, 4, 5)),
    date(2026, 6, 19),
    date(2026, 9, 25),
    *(date(2026, 10, d) for d in (1, 2, 5, 6, 7)),  # 国庆 1–7 Oct (3–4 Oct is a weekend)
]
CHINA_2026_MAKEUP_DAYS = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


def china_calendar(*, covered=(2025, 2026, 2027), tz="Asia/Shanghai") -> CompiledCalendar:
    """A compiled (database-free) China-style calendar: Mon–Fri 09:00–12:00 and 13:30–18:00,
    the 2026 holidays, make-up workdays with Monday's windows, ``covered`` years known."""
    weekly = {weekday: WORKDAY for weekday in range(1, 6)}
    exceptions: dict[date, list[tuple[time, time]]] = {day: [] for day in CHINA_2026_HOLIDAYS}
    exceptions |= {day: WORKDAY for day in CHINA_2026_MAKEUP_DAYS}
    return CompiledCalendar(tz, weekly, exceptions, covered)


def make_calendar(name="工作日历", *, tz="Asia/Shanghai", years=(2025, 2026, 2027), default=True):
    """Mon–Fri 09:00–12:00 and 13:30–18:00, the given years marked covered (no holidays)."""
    windows = [(wd, s, e) for wd in range(1, 6) for s, e in WORKDAY]
    cal = calendars.do_create_calendar(
        None, name=name, time_zone=tz, is_default=default, windows=windows, source="test"
    )
    for year in years:
        calendars.do_set_year(None, cal, year, data_source=DataSource.MANUAL, complete=True)
    cal.refresh_from_db()
    return cal


def add_holiday(cal, day: date, name="假日"):
    calendars.do_set_exception(None, cal, date=day, kind=ExceptionKind.HOLIDAY, name=name)
    cal.refresh_from_db()


def add_makeup_day(cal, day: date, name="调休上班"):
    calendars.do_set_exception(
        None, cal, date=day, kind=ExceptionKind.WORKDAY, name=name, pattern_weekday=1
    )
    cal.refresh_from_db()


def make_service(owner=None, *, standards=(("phone", "", 30, 480, "business"),), **values):
    """An item whose standards are ``(channel, priority, response_min, resolution_min, basis)``."""
    item = make_item(owner, **values)
    rows = [
        ServiceStandard(
            channel=ch,
            priority=pr,
            response_minutes=resp,
            resolution_minutes=res,
            time_basis=basis,
        )
        for ch, pr, resp, res, basis in standards
    ]
    catalog.do_update_item(None, item, parts=catalog.Parts(standards=rows), source="test")
    item.refresh_from_db()
    return item


def give_service(customer, item):
    return CustomerService.objects.get_or_create(customer=customer, item=item)[0]


def no_default_targets() -> None:
    """Leave the organisation's default SLA targets empty (seeded by a migration), for tests
    about tickets that nothing measures."""
    DefaultTarget.objects.update(response_minutes=None, resolution_minutes=None)


def make_ticket(actor, item=None, *, title="无法登录", channel="phone", **fields):
    fields.setdefault("source", Source.WEB)
    return services.do_create_ticket(actor, title=title, channel=channel, item=item, **fields)


@contextmanager
def frozen_time(moment: datetime):
    """Every clock (``clock.now()``, ``timezone.now()``, ``date.today()``, ``time.time()``)
    stands at ``moment`` inside the block, for services, jobs and links that read the clock
    themselves; yields a setter to move it on (it stays frozen there)."""
    with time_machine.travel(moment, tick=False) as traveller:

        def move_to(new_moment: datetime) -> None:
            traveller.move_to(new_moment, tick=False)

        yield move_to
