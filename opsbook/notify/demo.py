"""Demo notifications: a few inbox entries for the demo's people, and a WeCom chat group
"值班群 (demo)" whose robot URL points at a host that never resolves (``.invalid``, RFC 6761),
with rules sending SLA breaches and overdue routine work to it, so the demo shows failed chat
deliveries honestly once the worker has tried them ("The host name … does not resolve", then
"Gave up after N attempts").

The channel is written like an administrator would: its host put on the webhook allowlist (the
SSRF guard refuses any host that is not a chat vendor's otherwise), then the channel created
through ``do_create_channel``, so its URL is encrypted at rest like every channel's.

``load(now, admin)`` is idempotent: the allowlisted host, the channel and its rules are found by
name and event, and every notification has a fixed key, so a second call creates nothing.
Written through ``do_notify``, like real notifications (inbox entries, e-mails to people with an
address, the chat message).
"""

from datetime import datetime, timedelta

from django.db import transaction

from opsbook.accounts.models import User

from .access_channels import can_manage_allowed_hosts
from .choices import Audience, ChannelKind, Event
from .models import AllowedHost, Channel, Rule
from .services import Message, do_notify, do_save_rule
from .services_delivery import ChannelInput, do_add_allowed_host, do_create_channel

CHANNEL_NAME = "值班群 (demo)"
# A WeCom group-robot URL on a host that cannot exist: every delivery fails, visibly.
CHANNEL_HOST = "qyapi-demo.invalid"
CHANNEL_URL = f"https://{CHANNEL_HOST}/cgi-bin/webhook/send?key=opsbook-demo"
# The events the demo's chat group hears about.
CHANNEL_EVENTS = [Event.SLA_BREACH, Event.OCCURRENCE_OVERDUE]
SOURCE = "demo"

# Routine work notifies for real (the demo loader generates occurrences and runs the reminder
# and escalation jobs); these are the ticket events of the demo tickets' story.
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
]


def demo_channel(admin: User | None, now: datetime) -> Channel | None:
    """The demo's chat group and its rules, written by ``admin`` (None when the demo's "admin"
    exists without that role: the allowlist is an administrator's decision, so no channel)."""
    channel = Channel.objects.filter(name=CHANNEL_NAME).first()
    if channel is None:
        if admin is None or not can_manage_allowed_hosts(admin):
            return None
        if not AllowedHost.objects.filter(host=CHANNEL_HOST).exists():
            do_add_allowed_host(
                admin,
                host=CHANNEL_HOST,
                allow_private=False,
                note="演示：此主机不存在（.invalid），投递必然失败",
                now=now,
                source=SOURCE,
            )
        channel = do_create_channel(
            admin,
            ChannelInput(name=CHANNEL_NAME, kind=ChannelKind.WECOM, url=CHANNEL_URL),
            now=now,
            source=SOURCE,
        )
    for event in CHANNEL_EVENTS:
        if not Rule.objects.filter(channel=channel, event=event).exists():
            do_save_rule(
                admin,
                None,
                event=event,
                audience=Audience.CHAT_GROUP,
                channel=channel,
                source=SOURCE,
            )
    return channel


def _message(title: str, body: str) -> Message:
    return lambda: (title, body)


@transaction.atomic
def load(now: datetime, admin: User | None = None) -> int:
    """Create whatever of the demo's notifications is missing; returns the inbox entries made.
    ``admin`` writes the chat channel (see ``demo_channel``)."""
    demo_channel(admin, now)
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
