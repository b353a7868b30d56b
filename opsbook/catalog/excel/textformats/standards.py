"""Service standards: per channel (and priority), response and resolution targets, the time
basis, the calendar and a remark.

    电话：响应≤5分钟，解决≤4小时（工作时间）；在线客服/紧急：响应≤1分钟（日历时间）
    邮件：响应≤24小时（工作时间）（日历：上海客服日历）（节假日顺延）
"""

import re
from typing import NamedTuple

from django.utils.translation import gettext as _

from ...choices import Channel, Priority, TimeBasis
from ..columns import normalize
from .common import (
    COLON,
    TextFormatError,
    alternation,
    lookup,
    peel_parentheses,
    split_outside_brackets,
)
from .durations import DURATION, format_minutes, to_minutes

CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    Channel.PHONE: ("电话", "热线", "热线电话", "电话热线", "phone", "telephone", "tel", "hotline"),
    Channel.EMAIL: ("邮件", "邮箱", "电子邮件", "e-mail", "email", "mail"),
    Channel.CHAT: ("在线客服", "在线", "在线咨询", "chat", "live chat", "online chat"),
    Channel.PORTAL: ("门户", "网页", "网站", "portal", "web", "web portal"),
    Channel.WECOM: ("企业微信", "wecom", "wechat work"),
    Channel.API: ("API", "接口"),
    Channel.ONSITE: ("现场", "上门", "on-site", "onsite"),
    Channel.OTHER: ("其他", "其它", "other"),
}
PRIORITY_WORDS: dict[str, tuple[str, ...]] = {
    Priority.URGENT: ("紧急", "特急", "urgent", "critical", "P1"),
    Priority.HIGH: ("高", "重要", "high", "P2"),
    Priority.NORMAL: ("普通", "一般", "中", "normal", "medium", "P3"),
    Priority.LOW: ("低", "low", "P4"),
}
BASIS_WORDS: dict[str, tuple[str, ...]] = {
    TimeBasis.BUSINESS: (
        "工作时间",
        "工作时段",
        "营业时间",
        "business",
        "business time",
        "business hours",
    ),
    TimeBasis.CALENDAR: (
        "日历时间",
        "自然时间",
        "全天候",
        "7x24",
        "7×24",
        "calendar",
        "calendar time",
    ),
}
CHANNEL_LABELS: dict[str, str] = {value: ws[0] for value, ws in CHANNEL_WORDS.items()}
PRIORITY_LABELS: dict[str, str] = {value: ws[0] for value, ws in PRIORITY_WORDS.items()}
BASIS_LABELS: dict[str, str] = {value: ws[0] for value, ws in BASIS_WORDS.items()}
_BASIS_OF = lookup(BASIS_WORDS)
_PRIORITY_OF = lookup(PRIORITY_WORDS)
_CHANNEL_OF = {w.casefold(): value for value, ws in CHANNEL_WORDS.items() for w in ws}

_RESPONSE = "响应|回复|应答|受理|response|respond|reply"
_RESOLUTION = "解决|处理|修复|办结|resolution|resolve|fix"
_AT_MOST = "≤|<=|＜=|<＝|＜＝|<|＜|不超过|不大于|不多于|within"
_STANDARD_HEAD = re.compile(
    rf"^(?P<channel>{alternation(_CHANNEL_OF)})\s*"
    rf"(?:[/／]\s*(?P<priority>{alternation(w for ws in PRIORITY_WORDS.values() for w in ws)}))?"
    rf"\s*{COLON}?\s*",
    re.IGNORECASE,
)
_TARGET_FIRST = re.compile(
    rf"^(?P<what>{_RESPONSE}|{_RESOLUTION})\s*(?:时间|时限|时长|time)?\s*(?:{_AT_MOST})?\s*"
    rf"{COLON}?\s*{DURATION}\s*(?:内|以内|之内)?$",
    re.IGNORECASE,
)
_DURATION_FIRST = re.compile(
    rf"^(?:{_AT_MOST})?\s*{DURATION}\s*(?:内|以内|之内)?\s*(?P<what>{_RESPONSE}|{_RESOLUTION})$",
    re.IGNORECASE,
)
_CLAUSE_SEPARATOR = re.compile(r"[,，、]")


CALENDAR_WORDS = ("日历", "工作日历", "服务日历", "营业日历", "calendar", "business calendar")
CALENDAR_LABEL = CALENDAR_WORDS[0]
_CALENDAR_REMARK = re.compile(
    rf"^(?:{alternation(CALENDAR_WORDS)})\s*{COLON}\s*(?P<name>.*)$", re.IGNORECASE | re.DOTALL
)


class StandardSpec(NamedTuple):
    channel: str
    priority: str = ""
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    time_basis: str = TimeBasis.BUSINESS
    description: str = ""
    calendar: str | None = None  # the calendar's name; None: the default calendar


def _read_remarks(entry: str, groups: list[str]) -> tuple[str | None, str | None, str | None]:
    """The basis, the remark and the calendar's name written in brackets after ``entry``."""
    basis, description = None, None
    calendar, calendar_given = None, False
    # Left to right, as written: the first basis word is the basis and the first "日历：…" the
    # calendar, so a remark that happens to read like either still comes back as the remark.
    for group in reversed(groups):
        remark = _CALENDAR_REMARK.match(group)
        if normalize(group) in _BASIS_OF and basis is None:
            basis = _BASIS_OF[normalize(group)]
        elif remark and not calendar_given:
            calendar, calendar_given = remark["name"].strip() or None, True
        elif description is None:
            description = group
        else:
            raise TextFormatError(
                _("%(text)s: only one remark in brackets is allowed.") % {"text": entry}
            )
    return basis, description, calendar


def _read_head(entry: str, body: str) -> tuple[str, str, str]:
    """The channel and priority that start ``body``, and the rest of it."""
    head = _STANDARD_HEAD.match(body)
    if not head:
        raise TextFormatError(
            _(
                "%(text)s: start with a channel (电话, 邮件, 在线客服, 门户, 企业微信, API, 现场, "
                "其他), e.g. 电话：响应≤5分钟，解决≤4小时."
            )
            % {"text": entry}
        )
    channel = _CHANNEL_OF[head["channel"].casefold()]
    priority = _PRIORITY_OF[normalize(head["priority"])] if head["priority"] else ""
    return channel, priority, body[head.end() :]


def _read_targets(
    entry: str, clauses: str, basis: str | None
) -> tuple[int | None, int | None, str | None]:
    """The response and resolution targets in minutes, and the basis if a clause names it and
    no bracket did."""
    response = resolution = None
    for clause in _CLAUSE_SEPARATOR.split(clauses):
        clause = clause.strip()
        if not clause:
            continue
        if normalize(clause) in _BASIS_OF and basis is None:
            basis = _BASIS_OF[normalize(clause)]
            continue
        match = _TARGET_FIRST.match(clause) or _DURATION_FIRST.match(clause)
        if not match:
            raise TextFormatError(
                _("%(text)s: cannot read %(clause)s; write 响应≤5分钟 or 4小时内解决.")
                % {"text": entry, "clause": clause}
            )
        minutes = to_minutes(
            match.group(2 if match.re is _TARGET_FIRST else 1),
            match.group(3 if match.re is _TARGET_FIRST else 2),
            entry,
        )
        if re.fullmatch(_RESPONSE, match["what"], re.IGNORECASE):
            response = minutes
        else:
            resolution = minutes
    return response, resolution, basis


def _parse_standard(entry: str) -> StandardSpec:
    body, groups = peel_parentheses(entry, nested=True)
    basis, description, calendar = _read_remarks(entry, groups)
    channel, priority, clauses = _read_head(entry, body)
    response, resolution, basis = _read_targets(entry, clauses, basis)
    if response is None and resolution is None:
        raise TextFormatError(
            _("%(text)s: give a response or resolution target, e.g. 响应≤5分钟.") % {"text": entry}
        )
    return StandardSpec(
        channel=channel,
        priority=priority,
        response_minutes=response,
        resolution_minutes=resolution,
        time_basis=basis or TimeBasis.BUSINESS,
        description=description or "",
        calendar=calendar,
    )


def parse_standards(text: str) -> tuple[StandardSpec, ...]:
    return tuple(_parse_standard(entry) for entry in split_outside_brackets(text))


def format_standard(spec: StandardSpec) -> str:
    head = CHANNEL_LABELS[spec.channel]
    if spec.priority:
        head += "/" + PRIORITY_LABELS[spec.priority]
    clauses = []
    if spec.response_minutes is not None:
        clauses.append("响应≤" + format_minutes(spec.response_minutes, spec.time_basis))
    if spec.resolution_minutes is not None:
        clauses.append("解决≤" + format_minutes(spec.resolution_minutes, spec.time_basis))
    text = f"{head}：{'，'.join(clauses)}（{BASIS_LABELS[spec.time_basis]}）"
    if spec.calendar is not None:
        text += f"（{CALENDAR_LABEL}：{spec.calendar}）"
    elif _CALENDAR_REMARK.match(spec.description):
        # A remark that reads like a calendar follows an explicit "default calendar".
        text += f"（{CALENDAR_LABEL}：）"
    return text + (f"（{spec.description}）" if spec.description else "")


def format_standards(specs) -> str:
    return "；".join(format_standard(s) for s in specs)
