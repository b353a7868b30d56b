"""Realistic ticket and routine history, built through the real services with a seeded random.

The organisation's calendar is Shanghai office hours with the 2025 and 2026 public holidays and
their 调休 make-up workdays. Tickets are opened in 2025-10, 2025-11 (last year) and 2026-09 to
2026-11 (with a few in 2026-08) at business and after-hours instants, then answered, paused
waiting on the customer, resolved, reopened, closed, cancelled (before and after their targets
pass), rated and visited; routine occurrences are done on time, late, skipped or left to be
missed. A handful of scripted tickets sit exactly on the month boundary at midnight Shanghai
time (``BOUNDARY`` = 2026-10-31T16:00:00Z). Everything ends at ``FINAL_NOW``, when the SLA job
has run, so the stored SLA values are those "as they stand" when the metrics are computed.
"""

import random
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from opsbook.accounts.testing import Personas
from opsbook.calendars import services as calendars
from opsbook.calendars.choices import DataSource, ExceptionKind
from opsbook.catalog import services as catalog
from opsbook.catalog.models import CustomerService, ServiceContent, ServiceItem, ServiceStandard
from opsbook.catalog.testing import make_category, make_item
from opsbook.routines import jobs as routine_jobs
from opsbook.routines import services as routines
from opsbook.routines.testing import make_routine
from opsbook.tickets import jobs as ticket_jobs
from opsbook.tickets import notifications, services
from opsbook.tickets.choices import Status, TicketType
from opsbook.tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20261101
# Midnight of 1 November 2026 in Shanghai: the first instant of November.
BOUNDARY = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
FINAL_NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
# (year, month, tickets opened in it)
MONTHS = [
    (2025, 10, 20),
    (2025, 11, 25),
    (2026, 8, 6),
    (2026, 9, 35),
    (2026, 10, 55),
    (2026, 11, 55),
]
# (year, month) of the routine occurrences
ROUTINE_MONTHS = [(2025, 10), (2025, 11), (2026, 9), (2026, 10), (2026, 11)]

WORKDAY = [(time(9), time(12)), (time(13, 30), time(18))]
HOLIDAYS = {
    # 2025: 国庆/中秋 1–8 October
    **{date(2025, 10, d): "国庆节" for d in (1, 2, 3, 6, 7, 8)},
    # 2026, the State Council's notice
    **{date(2026, 1, d): "元旦" for d in (1, 2)},
    **{date(2026, 2, d): "春节" for d in (16, 17, 18, 19, 20, 23)},
    date(2026, 4, 6): "清明节",
    **{date(2026, 5, d): "劳动节" for d in (1, 4, 5)},
    date(2026, 6, 19): "端午节",
    date(2026, 9, 25): "中秋节",
    **{date(2026, 10, d): "国庆节" for d in (1, 2, 5, 6, 7)},
}
MAKE_UP_DAYS = {
    date(2025, 9, 28): "国庆节调休",
    date(2025, 10, 11): "国庆节调休",
    date(2026, 1, 4): "元旦调休",
    date(2026, 2, 14): "春节调休",
    date(2026, 2, 28): "春节调休",
    date(2026, 5, 9): "劳动节调休",
    date(2026, 9, 20): "国庆节调休",
    date(2026, 10, 10): "国庆节调休",
}


def shanghai(d: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute, second), tzinfo=SHANGHAI).astimezone(UTC)


def is_workday(d: date) -> bool:
    if d in HOLIDAYS:
        return False
    return d in MAKE_UP_DAYS or d.weekday() < 5


@dataclass
class World:
    personas: Personas
    items: list[ServiceItem] = field(default_factory=list)
    contents: list[ServiceContent] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    # What the scripted tickets are, by name (for readable assertions).
    scripted: dict[str, int] = field(default_factory=dict)
    refused: int = 0  # random steps the services refused (a transition not allowed then)


def make_org_calendar() -> None:
    windows = [(wd, s, e) for wd in range(1, 6) for s, e in WORKDAY]
    cal = calendars.do_create_calendar(
        None, name="上海办公日历", time_zone="Asia/Shanghai", is_default=True, windows=windows,
        source="test",
    )  # fmt: skip
    for day, name in HOLIDAYS.items():
        calendars.do_set_exception(None, cal, date=day, kind=ExceptionKind.HOLIDAY, name=name)
    for day, name in MAKE_UP_DAYS.items():
        calendars.do_set_exception(
            None, cal, date=day, kind=ExceptionKind.WORKDAY, name=name, pattern_weekday=1
        )
    for year in (2025, 2026, 2027):
        calendars.do_set_year(None, cal, year, data_source=DataSource.MANUAL, complete=True)


def make_service(owner, category, name: str, code: str, standards) -> ServiceItem:
    item = make_item(owner, category=category, name=name, code=code)
    rows = [
        ServiceStandard(
            channel=ch, priority=pr, response_minutes=resp, resolution_minutes=res, time_basis=basis
        )
        for ch, pr, resp, res, basis in standards
    ]
    catalog.do_update_item(None, item, parts=catalog.Parts(standards=rows), source="test")
    item.refresh_from_db()
    return item


def build_catalog(world: World) -> None:
    p = world.personas
    service = make_category("客户服务")
    it = make_category("信息化运维")
    world.items = [
        make_service(
            p.alice, service, "热线电话服务", "A01",
            [("phone", "", 30, 480, "business"), ("email", "", 120, 960, "business")],
        ),
        make_service(
            p.bob, service, "投诉处理", "A02",
            [("phone", "", 60, 960, "business"), ("wecom", "", 60, 1440, "business")],
        ),
        make_service(
            p.charlie, it, "网络运维", "B01",
            [("phone", "urgent", 15, 240, "calendar"), ("phone", "", 30, 600, "business"),
             ("email", "", 240, 1920, "business")],
        ),
        make_service(None, it, "机房巡检", "B02", [("onsite", "", 120, 2400, "business")]),
    ]  # fmt: skip
    for customer in (p.customer_a, p.customer_b):
        for item in world.items:
            CustomerService.objects.get_or_create(customer=customer, item=item)
    world.contents = [
        make_routine(p.alice, world.items[0], name="热线录音抽检", code="A01-01"),
        make_routine(p.bob, world.items[1], name="投诉周报", code="A02-01"),
        make_routine(p.charlie, world.items[2], name="核心交换机巡检", code="B01-01"),
        make_routine(p.tech_team, world.items[3], name="机房温湿度记录", code="B02-01"),
    ]


# --- random tickets ----------------------------------------------------------------------------


def random_instant(rng: random.Random, year: int, month: int) -> datetime:
    """A moment in the month (Shanghai): mostly office hours on workdays, else evenings,
    nights, weekends and holidays."""
    first = date(year, month, 1)
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    while True:
        d = first + timedelta(days=rng.randrange((last - first).days + 1))
        if rng.random() < 0.7:
            if not is_workday(d):
                continue
            hour, minute = rng.choice([9, 10, 11, 13, 14, 15, 16, 17]), rng.randrange(60)
        else:
            hour, minute = rng.choice([0, 3, 7, 8, 12, 18, 19, 21, 23]), rng.randrange(60)
        return shanghai(d, hour, minute, rng.randrange(60))


def gap(rng: random.Random) -> timedelta:
    """The time to a ticket's next step: minutes, hours or days (past the targets at times)."""
    kind = rng.random()
    if kind < 0.35:
        return timedelta(minutes=rng.randrange(1, 90), seconds=rng.randrange(60))
    if kind < 0.75:
        return timedelta(hours=rng.randrange(1, 30), minutes=rng.randrange(60))
    return timedelta(days=rng.randrange(1, 9), hours=rng.randrange(24))


class Life:
    """One ticket's steps in time order; a step past ``FINAL_NOW`` (or refused) ends it."""

    def __init__(self, world: World, rng: random.Random, ticket: Ticket, at: datetime) -> None:
        self.world, self.rng, self.ticket, self.at = world, rng, ticket, at
        self.staff = world.personas.mia
        self.alive = True

    def next(self, delta: timedelta | None = None) -> datetime | None:
        at = self.at + (delta if delta is not None else gap(self.rng))
        if at > FINAL_NOW:
            self.alive = False
            return None
        self.at = at
        return at

    def do(self, step, *args, delta: timedelta | None = None, **kw) -> bool:
        if not self.alive:
            return False
        now = self.next(delta)
        if now is None:
            return False
        try:
            step(*args, now=now, **kw)
        except ValidationError:
            self.world.refused += 1
            return False
        self.ticket.refresh_from_db()
        return True

    def status(self, to: str, **kw) -> bool:
        return self.do(services.do_change_status, self.staff, self.ticket, to, **kw)

    def reply(self, **kw) -> bool:
        return self.do(services.do_reply, self.staff, self.ticket, "您好，已收到。", **kw)

    def customer_reply(self, **kw) -> bool:
        contact = self.contact()
        if contact is None:
            return self.status(Status.IN_PROGRESS, **kw)
        return self.do(services.do_reply, contact, self.ticket, "补充一下情况。", **kw)

    def contact(self):
        p = self.world.personas
        contacts = {p.customer_a.pk: p.dana, p.customer_b.pk: p.carl}
        return contacts.get(self.ticket.customer_id or 0)

    def rate(self, rating: int) -> bool:
        contact = self.contact()
        if contact is None:
            return False
        return self.do(services.do_rate_ticket, self.ticket, rating, actor=contact)

    def follow_up(self) -> bool:
        return self.do(
            services.do_add_follow_up,
            self.staff,
            self.ticket,
            method="phone",
            outcome="客户认可处理结果",
        )

    def root_cause(self) -> bool:
        return self.do(
            services.do_update_ticket, self.staff, self.ticket, expected_version=None,
            root_cause="操作说明不清",
        )  # fmt: skip

    def hand_over(self, to) -> bool:
        return self.do(services.do_assign_ticket, self.staff, self.ticket, assignee=to)


def open_ticket(world: World, rng: random.Random, at: datetime, **fields) -> Ticket:
    p = world.personas
    item = fields.pop("item", rng.choice([*world.items, None]))
    customer = fields.pop("customer", rng.choice([p.customer_a, p.customer_b, None]))
    channel = fields.pop(
        "channel", rng.choice(["phone", "phone", "email", "wecom", "onsite", "chat"])
    )
    ticket_type = fields.pop("type", rng.choices(list(TicketType.values), weights=[5, 4, 2, 1])[0])
    priority = fields.pop(
        "priority", rng.choices(["urgent", "high", "normal", "low"], [1, 2, 6, 2])[0]
    )
    assignee = fields.pop("assignee", rng.choice([None, p.alice, p.bob, p.charlie, None]))
    ticket = services.do_create_ticket(
        p.mia,
        title=fields.pop("title", "无法登录"),
        channel=channel,
        type=ticket_type,
        priority=priority,
        item=item,
        customer=customer,
        assignee=assignee,
        now=at,
        **fields,
    )
    world.tickets.append(ticket)
    return ticket


def random_life(world: World, rng: random.Random, ticket: Ticket) -> None:
    life = Life(world, rng, ticket, ticket.created_at)
    p = world.personas
    if rng.random() < 0.08:  # cancelled before anything, sometimes after its targets passed
        life.status(Status.CANCELLED)
        return
    if rng.random() < 0.5:
        life.status(Status.ACKNOWLEDGED)
    if rng.random() < 0.85:
        life.reply()
    if rng.random() < 0.1:
        life.hand_over(rng.choice([p.alice, p.bob, p.charlie]))
    # Waiting on the customer, then the customer (or staff) resumes it.
    if rng.random() < 0.3 and life.status(Status.WAITING):
        life.customer_reply()
    if rng.random() < 0.07:
        life.status(Status.CANCELLED)
        return
    if rng.random() < 0.15:  # still open at the end
        return
    if not life.status(Status.RESOLVED):
        return
    rounds = 0
    while rng.random() < 0.22 and rounds < 2:  # reopened inside the window, maybe re-resolved
        rounds += 1
        reopened = (
            life.customer_reply(delta=timedelta(hours=rng.randrange(1, 140)))
            if rng.random() < 0.5
            else life.status(Status.IN_PROGRESS, delta=timedelta(hours=rng.randrange(1, 140)))
        )
        if not reopened or rng.random() < 0.2 or not life.status(Status.RESOLVED):
            return
    complaint = ticket.type == TicketType.COMPLAINT
    if complaint and rng.random() < 0.7:
        life.follow_up()
        if rng.random() < 0.6 and life.root_cause():
            life.status(Status.CLOSED)
    elif not complaint and rng.random() < 0.4:
        life.status(Status.CLOSED)
    if rng.random() < 0.55:
        life.rate(rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 5])[0])


# --- the scripted tickets on the boundary and around holidays --------------------------------


def scripted(world: World, rng: random.Random) -> None:
    p = world.personas
    hotline, complaints = world.items[0], world.items[1]
    mia = p.mia
    s = world.scripted

    def new(name: str, at: datetime, **fields) -> Ticket:
        fields.setdefault("item", hotline)
        fields.setdefault("customer", p.customer_a)
        fields.setdefault("channel", "phone")
        fields.setdefault("type", TicketType.INCIDENT)
        fields.setdefault("priority", "normal")
        fields.setdefault("assignee", p.alice)
        ticket = open_ticket(world, rng, at, title=name, **fields)
        s[name] = ticket.pk
        return ticket

    def change(ticket: Ticket, to: str, at: datetime) -> None:
        services.do_change_status(mia, ticket, to, now=at)
        ticket.refresh_from_db()

    def reply(ticket: Ticket, at: datetime) -> None:
        services.do_reply(mia, ticket, "已处理", now=at)
        ticket.refresh_from_db()

    # Opened at the first instant of November, and one second before it.
    t = new("created_at_boundary", BOUNDARY)
    reply(t, BOUNDARY + timedelta(days=1, hours=2))
    t = new("created_last_second_of_october", BOUNDARY - timedelta(seconds=1))
    reply(t, BOUNDARY)  # first response exactly at the boundary: November's
    change(t, Status.RESOLVED, BOUNDARY)  # resolved exactly at the boundary: November's
    # Resolved in October, reopened exactly at the boundary, re-resolved in November.
    t = new("reopened_at_boundary", shanghai(date(2026, 10, 29), 10))
    reply(t, shanghai(date(2026, 10, 29), 10, 20))
    change(t, Status.RESOLVED, shanghai(date(2026, 10, 30), 15))
    change(t, Status.IN_PROGRESS, BOUNDARY)
    change(t, Status.RESOLVED, shanghai(date(2026, 11, 3), 11))
    services.do_rate_ticket(t, 5, actor=p.dana, now=shanghai(date(2026, 11, 4), 9))
    # Resolved twice inside October (counted twice) and closed.
    t = new("resolved_twice_in_october", shanghai(date(2026, 10, 12), 9, 5))
    reply(t, shanghai(date(2026, 10, 12), 9, 30))
    change(t, Status.RESOLVED, shanghai(date(2026, 10, 12), 16))
    services.do_reply(p.dana, t, "还是不行", now=shanghai(date(2026, 10, 13), 8))  # reopens
    t.refresh_from_db()
    change(t, Status.RESOLVED, shanghai(date(2026, 10, 14), 11))
    change(t, Status.CLOSED, shanghai(date(2026, 10, 20), 11))
    # Resolved on the last evening of October, reopened in November and still open.
    t = new("reopened_in_november_still_open", shanghai(date(2026, 10, 30), 17))
    reply(t, shanghai(date(2026, 10, 30), 17, 10))
    change(t, Status.RESOLVED, BOUNDARY - timedelta(hours=1))
    change(t, Status.IN_PROGRESS, shanghai(date(2026, 11, 2), 9))
    # Waiting on the customer across the boundary (the clocks pause), resumed in November.
    t = new("waiting_across_boundary", shanghai(date(2026, 10, 30), 14), channel="email")
    reply(t, shanghai(date(2026, 10, 30), 14, 40))
    change(t, Status.WAITING, shanghai(date(2026, 10, 30), 15))
    services.do_reply(p.dana, t, "补充材料", now=shanghai(date(2026, 11, 3), 10))
    change(t, Status.RESOLVED, shanghai(date(2026, 11, 4), 16))
    # Opened on National Day (a holiday) and on the 调休 Saturday; answered after hours.
    t = new("opened_on_national_day", shanghai(date(2026, 10, 2), 10))
    reply(t, shanghai(date(2026, 10, 8), 9, 20))
    change(t, Status.RESOLVED, shanghai(date(2026, 10, 9), 11))
    t = new("opened_on_makeup_saturday", shanghai(date(2026, 10, 10), 9, 10))
    reply(t, shanghai(date(2026, 10, 10), 22))
    change(t, Status.RESOLVED, shanghai(date(2026, 10, 12), 10))
    # Cancelled before its response target passed (not counted), and after (breached).
    t = new("cancelled_before_breach", shanghai(date(2026, 10, 20), 10))
    change(t, Status.CANCELLED, shanghai(date(2026, 10, 20), 10, 10))
    t = new("cancelled_after_breach", shanghai(date(2026, 10, 20), 10))
    change(t, Status.CANCELLED, shanghai(date(2026, 10, 22), 10))
    # Breached in October (due on the last afternoon), answered only in November.
    t = new("response_breached_in_october", shanghai(date(2026, 10, 30), 17, 0))
    reply(t, shanghai(date(2026, 11, 2), 9, 45))
    change(t, Status.RESOLVED, shanghai(date(2026, 11, 2), 10))
    # A complaint resolved in November with a 回访 done, one without.
    t = new("complaint_visited", shanghai(date(2026, 11, 5), 9), type=TicketType.COMPLAINT,
            item=complaints, assignee=p.bob)  # fmt: skip
    reply(t, shanghai(date(2026, 11, 5), 9, 30))
    change(t, Status.RESOLVED, shanghai(date(2026, 11, 6), 9))
    services.do_add_follow_up(
        mia, t, method="phone", outcome="满意", now=shanghai(date(2026, 11, 9), 9)
    )
    t = new("complaint_not_visited", shanghai(date(2026, 11, 5), 9), type=TicketType.COMPLAINT,
            item=complaints, assignee=None, customer=None)  # fmt: skip
    reply(t, shanghai(date(2026, 11, 5), 9, 30))
    change(t, Status.RESOLVED, shanghai(date(2026, 11, 30), 23, 59))
    # Still running at the end, past its due time: breached when the SLA job runs.
    t = new("open_and_overdue", shanghai(date(2026, 11, 20), 10), customer=p.customer_b)
    # A calendar-time target of 15 minutes: answered exactly at the due time (on time), and
    # one second after it (late).
    network = world.items[2]
    opened = shanghai(date(2026, 11, 10), 22, 30)
    for name, late in (("answered_exactly_at_due", 0), ("answered_one_second_late", 1)):
        t = new(name, opened, item=network, priority="urgent", assignee=p.charlie)
        reply(t, opened + timedelta(minutes=15, seconds=late))
        change(t, Status.RESOLVED, opened + timedelta(hours=1))
    # Resolved and rated in October, reopened by the customer in November and still open: its
    # rating leaves October's satisfaction figures.
    t = new("rated_then_reopened", shanghai(date(2026, 10, 27), 11))
    reply(t, shanghai(date(2026, 10, 27), 11, 10))
    change(t, Status.RESOLVED, shanghai(date(2026, 10, 28), 15))
    services.do_rate_ticket(t, 2, actor=p.dana, now=shanghai(date(2026, 10, 29), 9))
    services.do_reply(p.dana, t, "又坏了", now=shanghai(date(2026, 11, 1), 8))
    # Nothing measures it: no clocks, no seconds, in no SLA figure or percentile.
    t = new("measured_by_nothing", shanghai(date(2026, 11, 12), 10), item=None,
            type=TicketType.SUGGESTION, priority="low")  # fmt: skip
    reply(t, shanghai(date(2026, 11, 12), 11))
    change(t, Status.RESOLVED, shanghai(date(2026, 11, 13), 11))
    # Still new at the end of October, created before it: in the backlog of both months.
    t = new("backlog_from_september", shanghai(date(2026, 9, 29), 16), customer=None,
            assignee=p.charlie, item=world.items[2])  # fmt: skip
    reply(t, shanghai(date(2026, 9, 29), 16, 5))
    change(t, Status.WAITING, shanghai(date(2026, 9, 30), 9))


# --- routines ------------------------------------------------------------------------------------


def routine_history(world: World, rng: random.Random) -> None:
    """Occurrences on workdays (the 调休 Saturdays included), done on time (some exactly at the
    due time), late (some across the month boundary), skipped with a reason, or left open to be
    missed."""
    for year, month in ROUTINE_MONTHS:
        first = date(year, month, 1)
        days = [first + timedelta(days=n) for n in range(31)]
        days = [d for d in days if d.month == month and is_workday(d)]
        picked = sorted(rng.sample(days, 9))
        if (year, month) == (2026, 10):
            picked = sorted({*picked, date(2026, 10, 10), date(2026, 10, 30)})
        for day in picked:
            for content in rng.sample(world.contents, 2):
                created = shanghai(day - timedelta(days=2), 8)
                occurrence = routines.do_create_occurrence(None, content, due_on=day, now=created)
                due = occurrence.due_at
                roll = rng.random()
                if day == date(2026, 10, 30) and content == world.contents[0]:
                    roll = -1  # done at the first instant of November: late, due in October
                if day == picked[0] and (year, month) == (2026, 11):
                    roll = -2  # done exactly at its due time: on time
                if roll == -2:
                    routines.do_complete_occurrence(None, occurrence, now=due)
                elif roll < 0:
                    routines.do_complete_occurrence(None, occurrence, now=BOUNDARY)
                elif roll < 0.45:
                    when = due - timedelta(minutes=rng.randrange(0, 600))
                    routines.do_complete_occurrence(None, occurrence, now=when)
                elif roll < 0.65:
                    when = due + timedelta(minutes=rng.randrange(1, 3000))
                    routines.do_complete_occurrence(None, occurrence, now=when)
                elif roll < 0.8:
                    when = due - timedelta(hours=rng.randrange(1, 30))
                    routines.do_skip_occurrence(None, occurrence, reason="设备停用", now=when)
                # else: left open, missed when its period is over
    routine_jobs.mark_missed(FINAL_NOW)


# --- all of it -----------------------------------------------------------------------------------


# Who is told about each change does not move a figure; leaving the messages out keeps the
# build fast (every write still goes through its service, events and clocks included).
QUIET = ("ticket_created", "ticket_assigned", "ticket_comment", "status_changed", "sla")


def _nobody_is_told(*args, **kwargs) -> None:
    return None


def build(personas: Personas, seed: int = SEED) -> World:
    with ExitStack() as stack:
        for name in QUIET:
            stack.enter_context(patch.object(notifications, name, _nobody_is_told))
        return _build(personas, seed)


def _build(personas: Personas, seed: int) -> World:
    rng = random.Random(seed)
    make_org_calendar()
    # Low-priority suggestions outside the checklist are measured by nothing: no clocks.
    services.do_update_default_targets(
        personas.mia, {(TicketType.SUGGESTION, "low"): services.Targets(None, None)},
        now=datetime(2025, 9, 1, tzinfo=UTC),
    )  # fmt: skip
    world = World(personas)
    build_catalog(world)
    for year, month, count in MONTHS:
        for at in sorted(random_instant(rng, year, month) for _ in range(count)):
            random_life(world, rng, open_ticket(world, rng, at))
    scripted(world, rng)
    routine_history(world, rng)
    for _ in range(10):  # the SLA job at the end: running clocks past their due time breach
        if not ticket_jobs.check_sla(FINAL_NOW):
            break
    return world
