"""Small factories for ticket tests: a China-style calendar, an item with standards, tickets."""

from datetime import date, time

from opsbook.calendars import services as calendars
from opsbook.calendars.choices import DataSource, ExceptionKind
from opsbook.catalog import services as catalog
from opsbook.catalog.models import CustomerService, ServiceStandard
from opsbook.core.testing import make_item
from opsbook.tickets import services
from opsbook.tickets.choices import Source

WORKDAY = [(time(9), time(12)), (time(13, 30), time(18))]


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


def make_ticket(actor, item=None, *, title="无法登录", channel="phone", **fields):
    fields.setdefault("source", Source.WEB)
    return services.do_create_ticket(actor, title=title, channel=channel, item=item, **fields)
