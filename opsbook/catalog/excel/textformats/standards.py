"""Service standards: first of all the team's own sentence, kept as written (``text``); and
what can be read from it: per channel (and priority) response and resolution targets, the time
basis, the calendar, a follow-up deadline, a submission deadline and a minimum staffing level.

Two ways of writing are read. The strict grammar (also what Opsbook writes for a standard that
has no sentence of its own):

    电话：响应≤5分钟，解决≤4小时（工作时间）；在线客服/紧急：响应≤1分钟（日历时间）
    邮件：响应≤24小时（工作时间）（日历：上海客服日历）（节假日顺延）

and sentences as teams write them, read by ``sentences``: 接到报修后2小时内到场,
工作日2小时内响应，24小时内解决, 3个工作日内回访, 节假日值班不少于2人, 材料提前3天发布,
每月5日前提交月报. A sentence nothing can be read from (服务态度良好) is a text-only standard.
Only what is really wrong is an error: an impossible date (每月32日前).
"""

import re
from typing import NamedTuple

from django.utils.translation import gettext as _

from ... import standard_rules
from ...choices import Channel, Priority, TimeBasis
from ..columns import normalize
from . import sentences
from .common import (
    COLON,
    TextFormatError,
    alternation,
    join_entries,
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
    followup_minutes: int | None = None
    lead_days: int | None = None
    due_day: int | None = None
    min_staff: int | None = None
    text: str = ""  # the standard as written

    @property
    def has_structure(self) -> bool:
        return standard_rules.has_structure(self)

    @property
    def sets_sla(self) -> bool:
        """Only a standard with a channel and a target measures tickets."""
        return standard_rules.sets_sla(self)


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


def parse_strict(entry: str) -> StandardSpec:
    """One entry in the strict grammar (TextFormatError if it is not), ``text`` left empty."""
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


# In a sentence, only words that cannot mean anything else name a channel or a priority.
_SENTENCE_CHANNELS: dict[str, tuple[str, ...]] = {
    Channel.PHONE: ("热线电话", "电话热线", "服务热线", "热线", "电话", "来电", "hotline", "phone"),
    Channel.EMAIL: ("电子邮件", "邮件", "邮箱", "e-mail", "email"),
    Channel.CHAT: ("在线客服", "在线咨询", "live chat", "online chat"),
    Channel.PORTAL: ("服务门户", "门户", "网站", "portal"),
    Channel.WECOM: ("企业微信", "wecom"),
    Channel.API: ("API", "接口"),
    Channel.ONSITE: ("到现场", "现场", "上门", "到场", "驻场", "on-site", "onsite"),
}
_SENTENCE_CHANNEL = re.compile(
    alternation(w for ws in _SENTENCE_CHANNELS.values() for w in ws), re.IGNORECASE
)
_SENTENCE_CHANNEL_OF = {w.casefold(): value for value, ws in _SENTENCE_CHANNELS.items() for w in ws}
_SENTENCE_PRIORITIES: dict[str, tuple[str, ...]] = {
    Priority.URGENT: ("紧急", "特急", "重大故障", "重大问题", "严重故障", "一级故障", "P1"),
    Priority.HIGH: ("高优先级", "重要故障", "二级故障", "P2"),
    Priority.NORMAL: ("一般故障", "一般问题", "普通故障", "普通问题", "三级故障", "P3"),
    Priority.LOW: ("低优先级", "轻微故障", "四级故障", "P4"),
}
_SENTENCE_PRIORITY = re.compile(
    alternation(w for ws in _SENTENCE_PRIORITIES.values() for w in ws), re.IGNORECASE
)
_SENTENCE_PRIORITY_OF = {
    w.casefold(): value for value, ws in _SENTENCE_PRIORITIES.items() for w in ws
}


def read_sentence(entry: str) -> StandardSpec:
    """A standard written as a sentence: what can be measured in it, else text only."""
    found = sentences.read(entry)
    measured = {k: v for k, v in found.items() if k not in ("time_basis", "arrival")}
    if not measured:
        return StandardSpec(channel="")
    targets = "response_minutes" in found or "resolution_minutes" in found
    channel = priority = ""
    if targets:
        channels = {
            _SENTENCE_CHANNEL_OF[m[0].casefold()] for m in _SENTENCE_CHANNEL.finditer(entry)
        }
        if found.get("arrival"):
            channels = {Channel.ONSITE}
        if len(channels) == 1:
            channel = channels.pop()
        priorities = {
            _SENTENCE_PRIORITY_OF[m[0].casefold()] for m in _SENTENCE_PRIORITY.finditer(entry)
        }
        if len(priorities) > 1:
            # 一般故障4小时内解决，重大故障1小时内响应: two standards in one sentence; reading
            # it as one would mix their targets.
            return StandardSpec(channel="")
        priority = priorities.pop() if priorities else ""
    return StandardSpec(
        channel=channel,
        priority=priority,
        response_minutes=found.get("response_minutes"),
        resolution_minutes=found.get("resolution_minutes"),
        time_basis=found.get("time_basis", TimeBasis.BUSINESS),
        followup_minutes=found.get("followup_minutes"),
        lead_days=found.get("lead_days"),
        due_day=found.get("due_day"),
        min_staff=found.get("min_staff"),
    )


def parse_standard(entry: str) -> StandardSpec:
    """One standard as written: the strict grammar, else a sentence, else text only. Raises
    TextFormatError only for what is really wrong (an impossible date)."""
    entry = entry.strip()
    try:
        spec = parse_strict(entry)
    except TextFormatError:
        spec = read_sentence(entry)
    return spec._replace(text=entry)


def parse_standards(text: str) -> tuple[StandardSpec, ...]:
    return tuple(parse_standard(entry) for entry in split_outside_brackets(text))


def format_standard(spec: StandardSpec) -> str:
    """The canonical (strict-grammar) text of a standard's channel targets; other structure
    (follow-up, deadlines, staffing) is written as a sentence."""
    if not spec.channel or (spec.response_minutes is None and spec.resolution_minutes is None):
        return _describe_other(spec)
    return _format_strict(spec) + (("，" + _describe_other(spec)) if _other(spec) else "")


def _other(spec: StandardSpec) -> bool:
    return any(
        v is not None for v in (spec.followup_minutes, spec.lead_days, spec.due_day, spec.min_staff)
    )


def _describe_other(spec: StandardSpec) -> str:
    bits = []
    basis = spec.time_basis
    if not spec.channel:
        if spec.response_minutes is not None:
            bits.append(f"{format_minutes(spec.response_minutes, basis)}内响应")
        if spec.resolution_minutes is not None:
            bits.append(f"{format_minutes(spec.resolution_minutes, basis)}内解决")
    if spec.followup_minutes is not None:
        bits.append(f"{format_minutes(spec.followup_minutes, basis)}内回访")
    if spec.lead_days is not None:
        bits.append(f"提前{spec.lead_days}天提交")
    if spec.due_day is not None:
        bits.append(f"每月{spec.due_day}日前提交")
    if spec.min_staff is not None:
        bits.append(f"值班不少于{spec.min_staff}人")
    if not bits:
        return spec.description
    text = "，".join(bits)
    if (
        spec.response_minutes is not None
        or spec.resolution_minutes is not None
        or (spec.followup_minutes is not None)
    ):
        text += f"（{BASIS_LABELS[basis]}）"
    return text


def canonical_text(spec: StandardSpec) -> str:
    """The text Opsbook writes for a standard that has no sentence of its own."""
    return format_standard(spec)


def _format_strict(spec: StandardSpec) -> str:
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
    """The cell: each standard's own text (quoted if it holds a separator), else its canonical
    text."""
    return join_entries(_text_of(s) for s in specs)


def _text_of(spec) -> str:
    spec = StandardSpec(*spec) if not isinstance(spec, StandardSpec) else spec
    return spec.text or format_standard(spec)
