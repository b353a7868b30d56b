"""Demo notifications: a few inbox entries for the demo's people, and a WeCom chat group
"值班群 (demo)" whose robot URL points at a host that never resolves (``.invalid``, RFC 6761),
with a rule sending SLA breaches to it, so the demo shows failed chat deliveries honestly once
the worker has tried them.

``load(now)`` is idempotent: the channel and rule are found by name and event, and every
notification has a fixed key, so a second call creates nothing. Written through ``do_notify``,
like real notifications (inbox entries, e-mails to people with an address, the chat message).
"""

from datetime import datetime, timedelta

from django.db import transaction

from opsbook.accounts.models import User

from .choices import Audience, ChannelKind, Event
from .models import Channel, Rule
from .services import Message, do_notify

CHANNEL_NAME = "值班群 (demo)"
# A WeCom group-robot URL on a host that cannot exist: every delivery fails, visibly.
CHANNEL_URL = "https://qyapi-demo.invalid/cgi-bin/webhook/send?key=opsbook-demo"

# key, event, minutes ago, recipients by audience (demo usernames), title, body, link
NOTICES: list[tuple[str, Event, int, dict[Audience, list[str]], str, str, str]] = [
    (
        "demo:ticket-assigned:1",
        Event.TICKET_ASSIGNED,
        240,
        {Audience.ASSIGNEE: ["alice"]},
        "工单已分派给你：直播课堂无法进入",
        "星火教育集团 陈静 报告直播课堂无法进入，请尽快响应。",
        "/tickets/",
    ),
    (
        "demo:sla-warning:1",
        Event.SLA_WARNING,
        90,
        {Audience.ASSIGNEE: ["carol"]},
        "SLA 预警：解决时限已用去 75%",
        "工单“学习平台登录缓慢”的解决时限即将到期。",
        "/tickets/",
    ),
    (
        "demo:sla-breach:1",
        Event.SLA_BREACH,
        30,
        {Audience.ASSIGNEE: ["carol"], Audience.TEAM_LEAD: ["carol"]},
        "SLA 已超时：课件无法下载",
        "工单“课件无法下载”已超过解决时限，请处理并说明原因。",
        "/tickets/",
    ),
    (
        "demo:complaint:1",
        Event.COMPLAINT_RECEIVED,
        20,
        {Audience.TEAM_LEAD: ["alice"], Audience.MANAGERS: ["manager"]},
        "收到投诉：学员对退费进度不满",
        "明远实验学校 周强 投诉退费处理进度，请组长跟进。",
        "/tickets/",
    ),
    (
        "demo:occurrence-overdue:1",
        Event.OCCURRENCE_OVERDUE,
        10,
        {Audience.OWNERS: ["alice"], Audience.TEAM_LEAD: ["alice"]},
        "例行工作逾期：每周学员学习情况跟踪",
        "本周的学员学习情况跟踪尚未完成。",
        "/catalog/",
    ),
]


def _demo_channel() -> tuple[Channel, bool]:
    channel, created = Channel.objects.get_or_create(
        name=CHANNEL_NAME,
        defaults={"kind": ChannelKind.WECOM, "url": CHANNEL_URL, "is_active": True},
    )
    if not Rule.objects.filter(channel=channel).exists():
        Rule.objects.create(
            event=Event.SLA_BREACH,
            audience=Audience.CHAT_GROUP,
            channel=channel,
            in_app=False,
            email=False,
        )
    return channel, created


def _message(title: str, body: str) -> Message:
    return lambda: (title, body)


@transaction.atomic
def load(now: datetime) -> int:
    """Create whatever of the demo's notifications is missing; returns the inbox entries made."""
    _demo_channel()
    wanted = {
        name for *_, names, _t, _b, _l in NOTICES for group in names.values() for name in group
    }
    people = {u.username: u for u in User.objects.filter(is_active=True, username__in=wanted)}
    created = 0
    for key, event, minutes, names, title, body, link in NOTICES:
        audiences: dict[Audience | str, list[User]] = {
            audience: [people[name] for name in usernames if name in people]
            for audience, usernames in names.items()
        }
        created += len(
            do_notify(
                event,
                key=key,
                message=_message(title, body),
                link=link,
                audiences=audiences,
                now=now - timedelta(minutes=minutes),
            )
        )
    return created
