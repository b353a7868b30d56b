"""Demo tickets: one or more in every status, with replies, pauses, ratings, a complaint with
its root cause and follow-up visit, a reopened ticket, a breached and an at-risk clock.

Written through the services with past timestamps, so the timelines, SLA columns and events
are exactly what real use would have produced. Loaded once: nothing is done when any ticket
exists.
"""

import random
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.utils import timezone

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, User
from opsbook.catalog.choices import Channel, Priority
from opsbook.catalog.models import CustomerService, ServiceItem
from opsbook.core import clock
from opsbook.core.tabular import bulk

from . import services, sla_policy, sla_store
from .choices import EventKind, FollowUpMethod, Source, Status, TicketType
from .models import FollowUp, Ticket, TicketEvent

# customer code → service item codes it receives
CUSTOMER_SERVICES = {
    "xinghuo": ["STU-001", "CS-002", "CS-003", "TEC-002", "TEC-003"],
    "mingyuan": ["CS-002", "CS-003", "TEC-002", "TEC-003"],
}


@dataclass
class Cast:
    manager: User
    alice: User
    carol: User
    chenjing: User
    zhouqiang: User


class _Writer:
    """What the stories below write with: the cast, the services and customers they use, the
    moment the demo is loaded, and how many tickets were created."""

    def __init__(
        self,
        cast: Cast,
        items: dict[str, ServiceItem],
        customers: dict[str, Customer],
        now: datetime,
    ) -> None:
        self.cast, self.now, self.created = cast, now, 0
        self.xinghuo, self.mingyuan = customers["xinghuo"], customers["mingyuan"]
        self.tec, self.cs2 = items["TEC-003"], items["CS-002"]
        self.cs3, self.stu = items["CS-003"], items["STU-001"]

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    def staff_ticket(self, actor: User, item: ServiceItem, at: datetime, **fields: Any) -> Ticket:
        self.created += 1
        return services.do_create_ticket(actor, item=item, now=at, **fields)

    def portal_ticket(
        self, contact: User, item: ServiceItem, at: datetime, **fields: Any
    ) -> Ticket:
        self.created += 1
        return services.do_create_ticket(contact, item=item, now=at, **fields)


def _new_and_acknowledged(w: _Writer) -> None:
    """A new ticket and an acknowledged one."""
    # 1. New, just submitted in the portal.
    w.portal_ticket(
        w.cast.chenjing,
        w.tec,
        w.ago(minutes=20),
        title="直播课堂无法进入，提示“网络错误”",
        description="三年级 2 班 19:00 的直播课，学生点击进入后提示网络错误，换浏览器也一样。",
        type=TicketType.INCIDENT,
        channel=Channel.PORTAL,
    )

    # 2. Acknowledged by e-mail, not yet answered.
    t = w.staff_ticket(
        w.cast.alice,
        w.cs2,
        w.ago(hours=2),
        title="咨询：暑期班可以用去年的优惠券吗",
        channel=Channel.EMAIL,
        customer=w.xinghuo,
        contact=w.cast.chenjing,
        tags=["优惠券"],
    )
    services.acknowledge(w.cast.alice, t, now=w.ago(hours=1, minutes=50))


def _in_progress_and_breached(w: _Writer) -> None:
    """An urgent incident in progress, and an incident with both clocks breached."""
    # 3. Urgent incident, answered quickly, resolution clock at risk (calendar time).
    t = w.staff_ticket(
        w.cast.carol,
        w.tec,
        w.ago(hours=3, minutes=10),
        title="全站无法登录",
        description="多个校区反馈登录页一直转圈。",
        type=TicketType.INCIDENT,
        channel=Channel.PHONE,
        priority=Priority.URGENT,
        customer=w.mingyuan,
        contact=w.cast.zhouqiang,
        tags=["登录", "紧急"],
    )
    services.do_reply(
        w.cast.carol,
        t,
        "已收到，正在排查认证服务，30 分钟内同步进展。",
        then_status=Status.IN_PROGRESS,
        now=w.ago(hours=3),
    )
    services.do_add_note(
        w.cast.carol, t, "认证服务证书正常，怀疑是缓存节点故障。", now=w.ago(hours=2)
    )

    # 4. High-priority portal incident nobody answered: both clocks breached.
    t = w.portal_ticket(
        w.cast.zhouqiang,
        w.tec,
        w.ago(hours=10),
        title="录播视频无法播放",
        description="所有录播课程播放到 5 分钟左右卡住。",
        type=TicketType.INCIDENT,
        channel=Channel.PORTAL,
        priority=Priority.HIGH,
    )
    services.acknowledge(w.cast.carol, t, now=w.ago(hours=9))


def _waiting_and_resolved(w: _Writer) -> None:
    """Waiting on the customer, resolved, rated."""
    # 5. Waiting on the customer.
    t = w.portal_ticket(
        w.cast.chenjing,
        w.cs2,
        w.ago(days=1, hours=3),
        title="发票抬头需要修改",
        description="上月发票抬头写成了分公司，需要改为集团。",
        channel=Channel.PORTAL,
    )
    services.do_reply(
        w.cast.alice,
        t,
        "请提供集团的纳税人识别号和开票地址。",
        then_status=Status.WAITING,
        now=w.ago(days=1, hours=2),
    )

    # 6. Resolved, not rated yet.
    t = w.staff_ticket(
        w.cast.carol,
        w.tec,
        w.ago(days=3),
        title="建议增加夜间模式",
        type=TicketType.SUGGESTION,
        channel=Channel.EMAIL,
        priority=Priority.LOW,
        customer=w.xinghuo,
        contact=w.cast.chenjing,
    )
    services.do_reply(
        w.cast.carol,
        t,
        "感谢建议，夜间模式已排入下个版本。",
        then_status=Status.RESOLVED,
        now=w.ago(days=2, hours=20),
    )

    # 7. Resolved and rated 5.
    t = w.portal_ticket(
        w.cast.chenjing,
        w.cs2,
        w.ago(days=2),
        title="课程回放在哪里看",
        channel=Channel.PORTAL,
    )
    services.do_reply(
        w.cast.alice,
        t,
        "在“我的课程 → 已结束”中点击课程即可观看回放。",
        then_status=Status.RESOLVED,
        now=w.ago(days=2) + timedelta(minutes=40),
    )
    services.do_rate_ticket(
        t, 5, "回复很快，谢谢！", actor=w.cast.chenjing, now=w.ago(days=1, hours=20)
    )


def _closed_tickets(w: _Writer) -> None:
    """Closed after a visit, and a complaint closed with its root cause and 回访."""
    # 8. Closed after an on-site visit, rated 4.
    t = w.staff_ticket(
        w.cast.carol,
        w.tec,
        w.ago(days=9),
        title="校区投影仪无法连接电脑",
        type=TicketType.INCIDENT,
        channel=Channel.ONSITE,
        customer=w.mingyuan,
        contact=w.cast.zhouqiang,
    )
    services.do_reply(
        w.cast.carol, t, "明天上午安排工程师上门。", now=w.ago(days=9) + timedelta(hours=1)
    )
    services.resolve(w.cast.carol, t, now=w.ago(days=8))
    services.do_rate_ticket(
        t, 4, "上门及时，但等了半天。", actor=w.cast.zhouqiang, now=w.ago(days=7, hours=2)
    )
    services.close(w.cast.carol, t, now=w.ago(days=7))

    # 9. A complaint closed with its root cause and follow-up visit (回访).
    t = w.staff_ticket(
        w.cast.manager,
        w.cs3,
        w.ago(days=6),
        title="直播课老师迟到 15 分钟",
        type=TicketType.COMPLAINT,
        channel=Channel.PHONE,
        priority=Priority.HIGH,
        customer=w.xinghuo,
        contact=w.cast.chenjing,
        tags=["投诉", "教学质量"],
    )
    services.do_reply(
        w.cast.manager,
        t,
        "非常抱歉，我们已联系授课老师核实情况。",
        now=w.ago(days=6) + timedelta(minutes=3),
    )
    services.do_update_ticket(
        w.cast.manager,
        t,
        expected_version=None,
        root_cause="排课系统未同步老师的调课申请，老师按旧时间到岗。",
        now=w.ago(days=5, hours=2),  # found before it was resolved, never after closing
    )
    services.resolve(w.cast.manager, t, now=w.ago(days=5))
    services.do_add_follow_up(
        w.cast.manager,
        t,
        method=FollowUpMethod.PHONE,
        outcome="家长表示理解，已补课一次；建议提前通知调课。",
        customer_satisfied=True,
        at=w.ago(days=4, hours=1),
        now=w.ago(days=4, hours=1),
    )
    services.close(w.cast.manager, t, now=w.ago(days=4))


def _complaint_and_duplicate(w: _Writer) -> None:
    """A complaint in progress and a cancelled duplicate."""
    # 10. A complaint still being handled.
    t = w.portal_ticket(
        w.cast.zhouqiang,
        w.cs3,
        w.ago(days=1),
        title="退费处理太慢",
        description="两周前申请的退费至今未到账。",
        type=TicketType.COMPLAINT,
        channel=Channel.PORTAL,
    )
    services.do_reply(
        w.cast.manager,
        t,
        "已转财务加急处理，预计 3 个工作日内到账。",
        then_status=Status.IN_PROGRESS,
        now=w.ago(hours=20),
    )

    # 11. Cancelled duplicate.
    t = w.portal_ticket(
        w.cast.chenjing,
        w.tec,
        w.ago(minutes=18),
        title="直播课堂无法进入（重复提交）",
        type=TicketType.INCIDENT,
        channel=Channel.PORTAL,
    )
    services.cancel(w.cast.carol, t, note="与另一工单重复", now=w.ago(minutes=5))


def _reopened_and_feedback(w: _Writer) -> None:
    """A ticket reopened by the customer's reply, and feedback through the public form."""
    # 12. Resolved, then reopened by the customer's reply.
    t = w.portal_ticket(
        w.cast.chenjing,
        w.stu,
        w.ago(days=2, hours=5),
        title="作业提交后显示空白",
        channel=Channel.PORTAL,
    )
    services.do_reply(
        w.cast.alice,
        t,
        "请清除浏览器缓存后重试。",
        then_status=Status.RESOLVED,
        now=w.ago(days=2, hours=4),
    )
    services.do_reply(
        w.cast.chenjing, t, "清除缓存后还是空白，截图见附件说明。", now=w.ago(days=1, hours=22)
    )

    # 13. Feedback through the public form (no organisation), waiting for triage.
    w.created += 1
    services.do_create_ticket(
        None,
        title="希望增加家长端的学习报告",
        description="家长想每周看到孩子的出勤和作业情况。",
        type=TicketType.SUGGESTION,
        channel=Channel.PORTAL,
        requester_name="李女士",
        requester_email="parent@example.com",
        source=Source.PUBLIC_FORM,
        now=w.ago(hours=5),
    )


def _follow_ups_owed(w: _Writer) -> None:
    """Follow-up visits (回访) owed: one due soon, one overdue, one after a low rating."""
    # 14. A complaint resolved yesterday: its 回访 is owed within three business days.
    t = w.staff_ticket(
        w.cast.manager,
        w.cs3,
        w.ago(days=2),
        title="客服电话长时间无人接听",
        type=TicketType.COMPLAINT,
        channel=Channel.PHONE,
        customer=w.xinghuo,
        contact=w.cast.chenjing,
    )
    services.resolve(w.cast.manager, t, now=w.ago(days=1))

    # 15. A complaint resolved two weeks ago whose 回访 was never made: overdue, escalated.
    t = w.staff_ticket(
        w.cast.manager,
        w.cs2,
        w.ago(days=16),
        title="教材寄送地址错误",
        type=TicketType.COMPLAINT,
        channel=Channel.EMAIL,
        customer=w.mingyuan,
        contact=w.cast.zhouqiang,
    )
    services.resolve(w.cast.manager, t, now=w.ago(days=14))

    # 16. Rated 2 by the customer: the team lead owes a 回访.
    t = w.portal_ticket(
        w.cast.zhouqiang,
        w.tec,
        w.ago(days=3),
        title="在线考试系统频繁掉线",
        channel=Channel.PORTAL,
    )
    services.do_reply(
        w.cast.carol,
        t,
        "已扩容考试服务器。",
        then_status=Status.RESOLVED,
        now=w.ago(days=2),
    )
    services.do_rate_ticket(
        t, 2, "考试中掉线两次，处理太慢。", actor=w.cast.zhouqiang, now=w.ago(days=1, hours=6)
    )


def _demo_cast() -> Cast | None:
    """The demo's people, or None when they are not there (or are not the demo's)."""
    names = [f.name for f in fields(Cast)]
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    if len(users) < len(names):
        return None
    cast = Cast(**{name: users[name] for name in names})
    roles = {
        cast.manager: Role.MANAGER,
        cast.alice: Role.AGENT,
        cast.carol: Role.AGENT,
        cast.chenjing: Role.CUSTOMER,
        cast.zhouqiang: Role.CUSTOMER,
    }
    if any(user.role != role for user, role in roles.items()) or not (
        cast.chenjing.customer_id and cast.zhouqiang.customer_id
    ):
        return None  # people with these names exist but are not the demo's: leave them alone
    return cast


STORIES = (
    _new_and_acknowledged,
    _in_progress_and_breached,
    _waiting_and_resolved,
    _closed_tickets,
    _complaint_and_duplicate,
    _reopened_and_feedback,
    _follow_ups_owed,
)


def load_demo_tickets(now: datetime | None = None) -> int:
    """Create the demo tickets when there are none; returns how many were created."""
    if Ticket.objects.exists():
        return 0
    now = clock.or_now(now)
    items = {i.code: i for i in ServiceItem.objects.all()}
    customers = {c.code: c for c in Customer.objects.all()}
    needed_items = {code for codes in CUSTOMER_SERVICES.values() for code in codes}
    cast = _demo_cast()
    if cast is None or not needed_items <= set(items) or len(customers) < 2:
        return 0  # the demo checklist and people are not there (or were changed)
    for code, item_codes in CUSTOMER_SERVICES.items():
        for item_code in item_codes:
            if code in customers and item_code in items:
                CustomerService.objects.get_or_create(
                    customer=customers[code], item=items[item_code]
                )
    writer = _Writer(cast, items, customers, now)
    for story in STORIES:
        story(writer)
    # The clocks above were stored as of each event; bring them up to now.
    sla_store.recompute_open_tickets(now=now)
    return writer.created


# --- thirteen months of history, so dashboards show trends and last-year comparisons ---------

HISTORY_MONTHS = 13
HISTORY_SEED = 20261
HISTORY_MARK = "DEMO-H-"
# Relative volume by calendar month: quieter around the Spring Festival (Jan/Feb) and the
# National Day week (October), busier at the start of each school term (March, September).
SEASON = {1: 0.8, 2: 0.55, 3: 1.25, 4: 1.0, 5: 0.95, 6: 1.05, 7: 0.85, 8: 0.9, 9: 1.3,
          10: 0.65, 11: 1.05, 12: 1.0}  # fmt: skip
TYPES = [(TicketType.CONSULTATION, 45), (TicketType.INCIDENT, 40), (TicketType.COMPLAINT, 8),
         (TicketType.SUGGESTION, 7)]  # fmt: skip
CHANNELS = [(Channel.PHONE, 40), (Channel.EMAIL, 15), (Channel.CHAT, 15), (Channel.PORTAL, 20),
            (Channel.WECOM, 10)]  # fmt: skip
PRIORITIES = [(Priority.NORMAL, 60), (Priority.HIGH, 20), (Priority.LOW, 15),
              (Priority.URGENT, 5)]  # fmt: skip
MOMENTS = ("created_at", "updated_at", "acknowledged_at", "first_response_at", "resolved_at",
           "closed_at", "cancelled_at", "rated_at")  # fmt: skip
RATINGS = [(5, 50), (4, 28), (3, 12), (2, 6), (1, 4)]
HISTORY_TITLES = {
    TicketType.CONSULTATION: ["咨询：如何重置密码", "咨询：课表导出", "咨询：账号开通流程"],
    TicketType.INCIDENT: ["教室投影无法开机", "校园网断线", "打印机卡纸", "系统登录报错"],
    TicketType.COMPLAINT: ["投诉：响应太慢", "投诉：维修后问题复现", "投诉：服务态度"],
    TicketType.SUGGESTION: ["建议：增加自助查询", "建议：延长服务时间"],
}


def _event(*, actor: User | None = None, **values: Any) -> dict[str, Any]:
    """A timeline event as the row the bulk insert takes."""
    return {"actor_id": actor.pk if actor else None, "data": {}, "is_public": False} | values


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _month_starts(now: datetime, months: int) -> list[datetime]:
    tz = timezone.get_current_timezone()
    local = timezone.localtime(now, tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(months + 1):
        starts.append(datetime(year, month, 1, tzinfo=tz))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(starts)


class _History:
    """Builds the history's tickets and their timelines in memory, for set-wise inserts."""

    def __init__(self, cast: Cast, items: dict[str, ServiceItem], customers, now: datetime):
        self.rng = random.Random(HISTORY_SEED)  # noqa: S311 - demo data, seeded on purpose
        self.now = now
        self.resolver = sla_policy.PolicyResolver()
        self.agents = [cast.alice, cast.carol]
        self.manager = cast.manager
        contacts = {
            cast.chenjing.customer_id: cast.chenjing,
            cast.zhouqiang.customer_id: cast.zhouqiang,
        }
        self.pairs = [
            (customers[code], items[item], contacts.get(customers[code].pk))
            for code, codes in CUSTOMER_SERVICES.items()
            if code in customers
            for item in codes
            if item in items
        ]
        self.count = 0

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A creation moment in [start, end): mostly office hours on weekdays."""
        days = max((end - start).days, 1)
        for _attempt in range(8):
            day = start + timedelta(days=self.rng.randrange(days))
            if day.weekday() < 5 or self.rng.random() < 0.15:
                break
        hour = self.rng.choice((9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19, 21))
        return day.replace(hour=hour, minute=self.rng.randrange(60))

    def ticket(self, created: datetime) -> tuple[Ticket, list[dict[str, Any]], FollowUp | None]:
        rng = self.rng
        self.count += 1
        kind = _pick(rng, TYPES)
        customer, item, contact = rng.choice(self.pairs)
        agent = rng.choice(self.agents)
        channel = _pick(rng, CHANNELS)
        ticket = Ticket(
            title=rng.choice(HISTORY_TITLES[kind]),
            type=kind,
            channel=channel,
            priority=_pick(rng, PRIORITIES),
            item=item,
            customer=customer,
            contact=contact,
            assignee=agent,
            team_id=agent.team_id,
            source=Source.PORTAL if channel == Channel.PORTAL else Source.WEB,
            created_by=contact if channel == Channel.PORTAL else agent,
            external_id=f"{HISTORY_MARK}{self.count:05d}",
            created_at=created,
        )
        events = [
            _event(
                kind=EventKind.CREATED,
                at=created,
                to_status=Status.NEW,
                actor=ticket.created_by,
                is_public=True,
            )
        ]
        changes: list[tuple[datetime, str]] = [(created, Status.NEW)]

        def change(at: datetime, old: str, new: str, actor: User | None = agent) -> None:
            events.append(
                _event(
                    kind=EventKind.STATUS,
                    at=at,
                    from_status=old,
                    to_status=new,
                    actor=actor,
                    is_public=True,
                )
            )
            changes.append((at, new))

        if rng.random() < 0.02:  # withdrawn before anybody answered
            at = created + timedelta(minutes=rng.randrange(5, 120))
            change(at, Status.NEW, Status.CANCELLED)
            ticket.status, ticket.cancelled_at, ticket.updated_at = Status.CANCELLED, at, at
            return self._finish(ticket, events, changes, None)
        # The first reply: mostly within half an hour, sometimes hours (a breach).
        minutes = rng.lognormvariate(2.7, 1.0) * (6 if rng.random() < 0.06 else 1)
        replied = created + timedelta(minutes=max(2, minutes))
        ticket.first_response_at = ticket.acknowledged_at = replied
        events.append(_event(kind=EventKind.REPLY, at=replied, actor=agent, is_public=True))
        change(replied, Status.NEW, Status.IN_PROGRESS)
        at = replied
        if rng.random() < 0.15:  # waiting on the customer for a while
            at += timedelta(hours=rng.uniform(0.5, 6))
            change(at, Status.IN_PROGRESS, Status.WAITING)
            at += timedelta(hours=rng.uniform(2, 40))
            change(at, Status.WAITING, Status.IN_PROGRESS)
        at += timedelta(hours=rng.lognormvariate(1.2, 1.1))
        change(at, Status.IN_PROGRESS, Status.RESOLVED)
        if rng.random() < 0.05:  # reopened by the customer, resolved again
            reopened = at + timedelta(hours=rng.uniform(2, 72))
            change(reopened, Status.RESOLVED, Status.IN_PROGRESS)
            at = reopened + timedelta(hours=rng.lognormvariate(1.0, 0.8))
            change(at, Status.IN_PROGRESS, Status.RESOLVED)
            ticket.reopened_count = 1
        ticket.status, ticket.resolved_at, ticket.updated_at = Status.RESOLVED, at, at
        if kind == TicketType.COMPLAINT:
            ticket.root_cause = "高峰时段人手不足，已调整排班"
            events.append(
                _event(
                    kind=EventKind.CHANGED,
                    at=at,
                    actor=agent,
                    data={"changes": {"root_cause": ["", ticket.root_cause]}},
                )
            )
        if rng.random() < 0.6:
            ticket.rating = _pick(rng, RATINGS)
            ticket.rated_at = at + timedelta(hours=rng.uniform(1, 48))
            events.append(
                _event(
                    kind=EventKind.RATED,
                    at=ticket.rated_at,
                    actor=contact,
                    is_public=True,
                    data={"rating": ticket.rating},
                )
            )
        visit = None
        owed = kind == TicketType.COMPLAINT or (ticket.rating or 5) <= 2
        if owed and rng.random() < 0.85:
            visit = FollowUp(
                at=at + timedelta(days=rng.uniform(0.5, 3)),
                by=self.manager,
                method=FollowUpMethod.PHONE,
                outcome="已回访，客户认可处理结果",
                customer_satisfied=rng.random() < 0.8,
            )
            events.append(
                _event(
                    kind=EventKind.FOLLOW_UP,
                    at=visit.at,
                    actor=self.manager,
                    data={"method": visit.method},
                )
            )
        closes = at + timedelta(days=settings.OPSBOOK_TICKET_REOPEN_DAYS)
        blocked = kind == TicketType.COMPLAINT and visit is None
        if closes < self.now and not blocked:
            change(closes, Status.RESOLVED, Status.CLOSED, None)
            ticket.status, ticket.closed_at, ticket.updated_at = Status.CLOSED, closes, closes
        return self._finish(ticket, events, changes, visit)

    def _finish(self, ticket, events, changes, visit):
        # A story that would run past now (a long wait, a late rating) happened a little earlier.
        latest = max(e["at"] for e in events)
        shift = max(latest - (self.now - timedelta(hours=1)), timedelta(0))
        if shift:
            for name in MOMENTS:
                if getattr(ticket, name) is not None:
                    setattr(ticket, name, getattr(ticket, name) - shift)
            for event in events:
                event["at"] -= shift
            if visit is not None:
                visit.at -= shift
            changes = [(at - shift, status) for at, status in changes]
        # As the services keep it: the last change is at or after every event (the metrics
        # read a ticket's status at a period's end from its row when nothing happened since).
        ticket.updated_at = max([ticket.updated_at, *(e["at"] for e in events)])
        sla_store.apply_sla(ticket, changes, self.now, self.resolver)
        # Alerts of the past were given then: none is owed now.
        for which in sla_store.CLOCKS:
            if getattr(ticket, f"{which}_warn_at") is not None:
                setattr(ticket, f"{which}_warned_at", getattr(ticket, f"{which}_warn_at"))
            if getattr(ticket, f"{which}_breached"):
                setattr(ticket, f"{which}_breach_notified_at", getattr(ticket, f"{which}_due_at"))
        ticket.sla_next_check_at = None
        ticket.version = len(changes)
        return ticket, events, visit


def load_demo_history(now: datetime | None = None, *, months: int = HISTORY_MONTHS) -> int:
    """Thirteen months of finished tickets before this month, and this month's up to two days
    ago (150–400 a month, seasonal, with
    complaints, ratings, follow-up visits, breaches, pauses and reopenings), written set-wise
    with SLA columns computed by the real SLA code. Deterministic (seeded); loaded once."""
    if Ticket.objects.filter(external_id__startswith=HISTORY_MARK).exists():
        return 0
    now = clock.or_now(now)
    cast = _demo_cast()
    items = {i.code: i for i in ServiceItem.objects.all()}
    customers = {c.code: c for c in Customer.objects.all()}
    if cast is None or not set(CUSTOMER_SERVICES) <= set(customers):
        return 0
    history = _History(cast, items, customers, now)
    if not history.pairs:
        return 0
    # The months before this one, and this one up to two days ago (the stories own the rest).
    starts = [*_month_starts(now, months), now]
    cutoff = now - timedelta(days=2)
    built = []
    for start, next_start in pairwise(starts):
        end = min(next_start, cutoff)
        if end <= start:
            continue
        volume = round(270 * SEASON[start.month] * history.rng.uniform(0.85, 1.15))
        volume = max(150, min(400, volume))
        whole = end == next_start and next_start != now
        share = 1 if whole else min((end - start) / timedelta(days=30), 1)
        for _n in range(round(volume * share)):
            built.append(history.ticket(history.moment(start, end)))
    built.sort(key=lambda b: b[0].created_at)
    # Set-wise, as the importer writes (executemany on SQLite, COPY on PostgreSQL).
    bulk.Table(Ticket, now).insert(t.__dict__ for t, _e, _v in built)
    ids = dict(
        Ticket.objects.filter(external_id__startswith=HISTORY_MARK).values_list("external_id", "id")
    )
    events, visits = [], []
    for ticket, ticket_events, visit in built:
        pk = ids[ticket.external_id]
        for event in ticket_events:
            event["ticket_id"] = pk
        events.extend(ticket_events)
        if visit is not None:
            visit.ticket_id = pk
            visits.append(visit)
    bulk.Table(TicketEvent, now).insert(events)
    FollowUp.objects.bulk_create(visits, batch_size=500)
    return len(built)
