"""November 2026 for the dashboards' tests, looked at on 2026-12-03 10:00 in Shanghai (the month
is closed): two service items, A01 owned by alice and B01 owned by charlie; tickets of two
customers (星火教育 ``xinghuo``, dana's, and 明远学校 ``mingyuan``, carl's) on phone and
e-mail; replies within and past the response target, resolutions, a rating, a ticket left
open (the backlog) and one in October (the previous period)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opsbook.accounts.testing import Personas
from opsbook.catalog.models import ServiceItem
from opsbook.tickets import services
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import frozen_time, make_calendar, make_service, make_ticket

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, November is closed
PERIOD = "2026-11"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """``day`` November 2026, ``hour:minute`` in Shanghai."""
    return datetime(2026, month, day, hour - 8, minute, tzinfo=UTC)


@dataclass
class Scene:
    a01: ServiceItem
    b01: ServiceItem
    tickets: dict[str, Ticket]


def build(personas: Personas) -> Scene:
    mia, alice, charlie = personas.mia, personas.alice, personas.charlie
    xinghuo, mingyuan = personas.customer_a, personas.customer_b
    personas.dana, personas.carl  # noqa: B018 (the contacts exist)
    make_calendar()
    standards = (("phone", "", 30, 480, "business"), ("email", "", 60, 960, "business"))
    a01 = make_service(alice, name="热线电话服务", code="A01", standards=standards)
    b01 = make_service(charlie, name="机房巡检服务", code="B01", standards=standards)
    tickets: dict[str, Ticket] = {}

    def ticket(name, when, item, customer, assignee, *, channel="phone", reply_after=None,
               resolve_after=None, rating=None, contact=None):  # fmt: skip
        with frozen_time(when) as move:
            t = make_ticket(
                mia,
                item,
                title=name,
                channel=channel,
                customer=customer,
                assignee=assignee,
                now=when,
            )
            if reply_after is not None:
                move(when + reply_after)
                services.do_reply(assignee, t, "已收到", now=when + reply_after)
            if resolve_after is not None:
                move(when + resolve_after)
                t.refresh_from_db()
                services.resolve(assignee, t, now=when + resolve_after)
            if rating is not None:
                t.refresh_from_db()
                services.do_rate_ticket(t, rating, actor=contact, now=when + resolve_after)
        t.refresh_from_db()
        tickets[name] = t
        return t

    minutes = timedelta(minutes=1)
    # 星火教育 on A01 (phone): answered in 10 min and resolved; answered in 10 min; answered late.
    ticket("打印机卡纸", at(2, 9, 30), a01, xinghuo, alice, reply_after=10 * minutes,
           resolve_after=120 * minutes, rating=5, contact=personas.dana)  # fmt: skip
    ticket("无法登录", at(3, 10), a01, xinghuo, alice, reply_after=10 * minutes)
    ticket("网络中断", at(4, 14), a01, xinghuo, alice, reply_after=90 * minutes)
    # 明远学校 on B01 (e-mail): answered and resolved; one still open, never answered.
    ticket("机房温度高", at(5, 9), b01, mingyuan, charlie, channel="email",
           reply_after=20 * minutes, resolve_after=60 * minutes)  # fmt: skip
    ticket("UPS告警", at(6, 9), b01, mingyuan, charlie, channel="email")
    # October: the previous period.
    ticket("十月工单", at(12, 9, month=10), a01, xinghuo, alice, reply_after=5 * minutes)
    return Scene(a01, b01, tickets)
