"""A scene for the follow-up tests: a calendar with National Day 2026, a service owned by
alice (so her team's tickets go to her), bob leading the support team, mia the manager."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from opsbook.tickets.choices import TicketType
from opsbook.tickets.tests.factories import (
    add_holiday,
    add_makeup_day,
    give_service,
    make_calendar,
    make_service,
    make_ticket,
)

SH = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 9, 29, 10, 0, tzinfo=SH)
RESOLVED = datetime(2026, 9, 30, 15, 0, tzinfo=SH)  # the eve of National Day
DUE = datetime(2026, 10, 10, 18, 0, tzinfo=SH)  # 10-08, 10-09, 10-10 (调休 Saturday)


def national_day_calendar():
    cal = make_calendar()
    for day in (1, 2, 5, 6, 7):
        add_holiday(cal, date(2026, 10, day), "国庆节")
    add_makeup_day(cal, date(2026, 10, 10), "国庆节调休")
    return cal


def scene(people):
    """(item) with the calendar, bob as lead of alice's team, e-mail addresses for all."""
    for name in ("alice", "bob", "charlie", "mia", "dana"):
        user = getattr(people, name)
        user.email = f"{name}@example.com"
        user.language = "en"
        user.save()
    people.support_team.lead = people.bob
    people.support_team.save()
    national_day_calendar()
    item = make_service(people.alice)
    give_service(people.customer_a, item)
    return item


def complaint(people, item, **fields):
    fields.setdefault("customer", people.customer_a)
    fields.setdefault("contact", people.dana)
    return make_ticket(people.mia, item, type=TicketType.COMPLAINT, now=OPENED, **fields)
