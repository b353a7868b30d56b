"""Small grammars for the cells that hold several things: service standards, KPIs, checkpoints,
resources, plus dates and lists of names.

Each grammar has ``parse_*`` (text → tuple of specs, raising ``TextFormatError`` with a message a
user can act on) and ``format_*`` (specs → canonical text). ``format(parse(x))`` is the canonical
form of ``x`` and ``parse(format(specs)) == specs``. Specs are named tuples in the order of the
model's fields, so they compare equal to rows loaded with ``values_list``. Entries are separated
by ；, ; or a new line.

    服务标准  电话：响应≤5分钟，解决≤4小时（工作时间）；在线客服/紧急：响应≤1分钟（日历时间）
              邮件：响应≤24小时（工作时间）（日历：上海客服日历）（节假日顺延）
    考核指标  学员满意度≥95%；平均响应时长≤30秒（每月统计）
    检查点    2026-03-31 完成招生方案；2026-06-30 中期评估✓
    资源      人员：3名客服；预算：5万元/年；工具：工单系统
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from ..choices import Channel, KpiDirection, Priority, ResourceKind, TimeBasis
from .columns import normalize


class TextFormatError(ValueError):
    """A cell could not be read; the message says what was expected."""


ENTRY_SEPARATOR = re.compile(r"[；;\n\r]+")
NAME_SEPARATOR = re.compile(r"[、,，;；/／\n\r]+")
_COLON = "[:：]"
_LP, _RP = "[(（]", "[)）]"


def split_entries(text: str) -> list[str]:
    return [part.strip() for part in ENTRY_SEPARATOR.split(text) if part.strip()]


def split_names(text: str) -> list[str]:
    return [part.strip() for part in NAME_SEPARATOR.split(text) if part.strip()]


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize(w): value for value, ws in table.items() for w in (value, *ws)}


_OPENING, _CLOSING = "(（", ")）"


def _matching_opening(text: str) -> int | None:
    """Where the bracket that the last character of ``text`` closes opens, counting nested
    brackets; None when the brackets are unbalanced."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in _CLOSING:
            depth += 1
        elif char in _OPENING:
            depth -= 1
            if depth == 0:
                return index
    return None


def _peel_parentheses(text: str, *, nested: bool = False) -> tuple[str, list[str]]:
    """Split trailing "（…）" groups off ``text``; returns the rest and the groups, last first.

    With ``nested``, a group may hold brackets of its own (a remark, or a calendar name such as
    "上海（浦东）"); where brackets do not balance, the nearest opening bracket starts the group.
    """
    groups = []
    text = text.strip()
    while text and text[-1] in _CLOSING:
        opening = _matching_opening(text) if nested else None
        if opening is None:
            opening = max(text.rfind("("), text.rfind("（"))
        if opening < 0:
            break
        groups.append(text[opening + 1 : -1].strip())
        text = text[:opening].strip()
    return text, groups


def _split_outside_brackets(text: str) -> list[str]:
    """Like ``split_entries``, but a separator inside brackets does not split (a remark or a
    calendar name may hold ；); with unbalanced brackets, every separator splits."""
    if not any(char in _OPENING for char in text):
        return split_entries(text)
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            if depth < 0:
                return split_entries(text)
        elif depth == 0 and char in "；;\n\r":
            parts.append(text[start:index])
            start = index + 1
    if depth:
        return split_entries(text)
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


# --- Dates ------------------------------------------------------------------------------------

_DATE = r"(\d{4})\s*[-/.年－／．]\s*(\d{1,2})\s*[-/.月－／．]\s*(\d{1,2})\s*日?"
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = (20000, 80000)
_DATE_ONLY = re.compile(rf"^{_DATE}(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?$")


def _make_date(year: str, month: str, day: str, text: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise TextFormatError(_("%(text)s is not a real date.") % {"text": text}) from None


def parse_date(value) -> date | None:
    """A date from an Excel date cell or text: 2026-03-01, 2026/3/1, 2026年3月1日, 2026.3.1."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its date format shows Excel's serial number (days since
        # 1899-12-30); between 1955 and 2119 a number in a date column can mean nothing else.
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1] and float(value).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(value))
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    match = _DATE_ONLY.match(text)
    if not match:
        raise TextFormatError(
            _("%(text)s is not a date; write it as 2026-03-01 or 2026年3月1日.") % {"text": text}
        )
    year, month, day = match.groups()
    return _make_date(year, month, day, text)


# --- Durations --------------------------------------------------------------------------------

_UNITS = {
    "second": ("秒", "秒钟", "s", "sec", "secs", "second", "seconds"),
    "minute": ("分钟", "分", "min", "mins", "minute", "minutes", "m"),
    "hour": ("小时", "个小时", "时", "h", "hr", "hrs", "hour", "hours"),
    "day": ("天", "日", "d", "day", "days"),
    "workday": ("工作日", "个工作日", "business day", "business days", "workday", "workdays"),
}
_UNIT_MINUTES = {"second": None, "minute": 1, "hour": 60, "day": 1440, "workday": 480}
_UNIT_OF = {w.casefold(): unit for unit, ws in _UNITS.items() for w in ws}
_DURATION = rf"(\d+(?:\.\d+)?)\s*({_alternation(w for ws in _UNITS.values() for w in ws)})"


def _minutes(number: str, unit_word: str, text: str) -> int:
    unit = _UNIT_OF[unit_word.casefold()]
    amount = Decimal(number)
    factor = _UNIT_MINUTES[unit]
    minutes = amount / 60 if factor is None else amount * factor
    if minutes <= 0 or minutes != minutes.to_integral_value():
        raise TextFormatError(
            _("%(text)s: targets are kept in whole minutes (for example 1分钟, 90秒 is not).")
            % {"text": text}
        )
    return int(minutes)


def format_minutes(minutes: int, basis: str = TimeBasis.CALENDAR) -> str:
    """Whole days only in calendar time: in business time a "day" is ambiguous, so hours."""
    if basis == TimeBasis.CALENDAR and minutes % 1440 == 0:
        return f"{minutes // 1440}天"
    if minutes % 60 == 0:
        return f"{minutes // 60}小时"
    return f"{minutes}分钟"


# --- Service standards ------------------------------------------------------------------------

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
_BASIS_OF = _lookup(BASIS_WORDS)
_PRIORITY_OF = _lookup(PRIORITY_WORDS)
_CHANNEL_OF = {w.casefold(): value for value, ws in CHANNEL_WORDS.items() for w in ws}

_RESPONSE = "响应|回复|应答|受理|response|respond|reply"
_RESOLUTION = "解决|处理|修复|办结|resolution|resolve|fix"
_AT_MOST = "≤|<=|＜=|<＝|＜＝|<|＜|不超过|不大于|不多于|within"
_STANDARD_HEAD = re.compile(
    rf"^(?P<channel>{_alternation(_CHANNEL_OF)})\s*"
    rf"(?:[/／]\s*(?P<priority>{_alternation(w for ws in PRIORITY_WORDS.values() for w in ws)}))?"
    rf"\s*{_COLON}?\s*",
    re.IGNORECASE,
)
_TARGET_FIRST = re.compile(
    rf"^(?P<what>{_RESPONSE}|{_RESOLUTION})\s*(?:时间|时限|时长|time)?\s*(?:{_AT_MOST})?\s*"
    rf"{_COLON}?\s*{_DURATION}\s*(?:内|以内|之内)?$",
    re.IGNORECASE,
)
_DURATION_FIRST = re.compile(
    rf"^(?:{_AT_MOST})?\s*{_DURATION}\s*(?:内|以内|之内)?\s*(?P<what>{_RESPONSE}|{_RESOLUTION})$",
    re.IGNORECASE,
)
_CLAUSE_SEPARATOR = re.compile(r"[,，、]")


CALENDAR_WORDS = ("日历", "工作日历", "服务日历", "营业日历", "calendar", "business calendar")
CALENDAR_LABEL = CALENDAR_WORDS[0]
_CALENDAR_REMARK = re.compile(
    rf"^(?:{_alternation(CALENDAR_WORDS)})\s*{_COLON}\s*(?P<name>.*)$", re.IGNORECASE | re.DOTALL
)


class StandardSpec(NamedTuple):
    channel: str
    priority: str = ""
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    time_basis: str = TimeBasis.BUSINESS
    description: str = ""
    calendar: str | None = None  # the calendar's name; None: the default calendar


def _parse_standard(entry: str) -> StandardSpec:
    body, groups = _peel_parentheses(entry, nested=True)
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
    response = resolution = None
    for clause in _CLAUSE_SEPARATOR.split(body[head.end() :]):
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
        minutes = _minutes(
            match.group(2 if match.re is _TARGET_FIRST else 1),
            match.group(3 if match.re is _TARGET_FIRST else 2),
            entry,
        )
        if re.fullmatch(_RESPONSE, match["what"], re.IGNORECASE):
            response = minutes
        else:
            resolution = minutes
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
    return tuple(_parse_standard(entry) for entry in _split_outside_brackets(text))


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


# --- KPIs -------------------------------------------------------------------------------------

_AT_LEAST_OPS = (
    "≥",
    ">=",
    "＞＝",
    "＞=",
    ">＝",
    "大于等于",
    "不低于",
    "不少于",
    "不小于",
    "达到",
    "至少",
    ">",
    "＞",
    "高于",
    "大于",
)
_AT_MOST_OPS = (
    "≤",
    "<=",
    "＜＝",
    "＜=",
    "<＝",
    "小于等于",
    "不高于",
    "不超过",
    "不大于",
    "不多于",
    "至多",
    "<",
    "＜",
    "低于",
    "小于",
)
_AT_LEAST_AFTER = ("以上", "及以上")
_AT_MOST_AFTER = ("以内", "以下", "及以下", "之内")
_NUMBER = r"(?P<target>\d+(?:\.\d+)?)"
_UNIT = r"(?P<unit>[^\d≥≤<>＜＞]*?)"
_AFTER = rf"(?P<after>{_alternation(_AT_LEAST_AFTER + _AT_MOST_AFTER)})?"
_KPI_WITH_OPERATOR = re.compile(
    rf"^(?P<name>.+?)\s*(?P<op>{_alternation(_AT_LEAST_OPS + _AT_MOST_OPS)})\s*{_NUMBER}\s*"
    rf"{_UNIT}\s*{_AFTER}$"
)
_KPI_WITH_WORD_AFTER = re.compile(
    rf"^(?P<name>.+?)\s*{_NUMBER}\s*{_UNIT}\s*"
    rf"(?P<after>{_alternation(_AT_LEAST_AFTER + _AT_MOST_AFTER)})$"
)


class KpiSpec(NamedTuple):
    name: str
    target: Decimal
    unit: str = ""
    direction: str = KpiDirection.AT_LEAST
    description: str = ""


def _parse_kpi(entry: str) -> KpiSpec:
    body, groups = _peel_parentheses(entry)
    if len(groups) > 1:
        raise TextFormatError(
            _("%(text)s: only one remark in brackets is allowed.") % {"text": entry}
        )
    match = _KPI_WITH_OPERATOR.match(body) or _KPI_WITH_WORD_AFTER.match(body)
    if not match:
        raise TextFormatError(
            _("%(text)s: write a KPI as name, ≥ or ≤ and a target, e.g. 学员满意度≥95%%.")
            % {"text": entry}
        )
    op = match.groupdict().get("op")
    if op:
        direction = KpiDirection.AT_LEAST if op in _AT_LEAST_OPS else KpiDirection.AT_MOST
    else:
        after = match["after"]
        direction = KpiDirection.AT_LEAST if after in _AT_LEAST_AFTER else KpiDirection.AT_MOST
    try:
        target = Decimal(match["target"])
    except InvalidOperation:
        raise TextFormatError(
            _("%(text)s: the target is not a number.") % {"text": entry}
        ) from None
    exponent = target.normalize().as_tuple().exponent
    if target >= 10**10 or not isinstance(exponent, int) or exponent < -4:
        raise TextFormatError(
            _("%(text)s: a target has at most 10 digits before the point and 4 after.")
            % {"text": entry}
        )
    name, unit = match["name"].strip(), match["unit"].strip()
    if len(name) > 100 or len(unit) > 20:
        raise TextFormatError(
            _("%(text)s: a KPI name is at most 100 characters and a unit at most 20.")
            % {"text": entry}
        )
    return KpiSpec(
        name=name,
        target=target,
        unit=unit,
        direction=direction,
        description=groups[0] if groups else "",
    )


def parse_kpis(text: str) -> tuple[KpiSpec, ...]:
    return tuple(_parse_kpi(entry) for entry in split_entries(text))


def format_kpi(spec: KpiSpec) -> str:
    op = "≥" if spec.direction == KpiDirection.AT_LEAST else "≤"
    text = f"{spec.name}{op}{format(spec.target.normalize(), 'f')}{spec.unit}"
    return text + (f"（{spec.description}）" if spec.description else "")


def format_kpis(specs) -> str:
    return "；".join(format_kpi(s) for s in specs)


# --- Checkpoints ------------------------------------------------------------------------------

_DONE_MARKS = ("✓", "✔", "√", "☑", "[x]", "[X]")
_DONE_WORDS = ("已完成", "完成", "done", "已办结")
_DATE_FIRST = re.compile(rf"^{_DATE}\s*(?P<title>.*)$")
_DATE_LAST = re.compile(rf"^(?P<title>.*?)\s*{_DATE}$")


class CheckpointSpec(NamedTuple):
    due_date: date
    title: str
    done: bool = False


def _parse_checkpoint(entry: str) -> CheckpointSpec:
    text, done = entry.strip(), False
    for mark in _DONE_MARKS:
        if text.endswith(mark):
            text, done = text[: -len(mark)].strip(), True
            break
    else:
        rest, groups = _peel_parentheses(text)
        if groups and normalize(groups[0]) in {normalize(w) for w in _DONE_WORDS}:
            text, done = rest, True
    match = _DATE_FIRST.match(text) or _DATE_LAST.match(text)
    if not match:
        raise TextFormatError(
            _(
                "%(text)s: write a checkpoint as a date and what is due, "
                "e.g. 2026-03-31 完成招生方案."
            )
            % {"text": entry}
        )
    year, month, day = match.group(1, 2, 3) if match.re is _DATE_FIRST else match.group(2, 3, 4)
    title = match["title"].strip()
    if not title:
        raise TextFormatError(_("%(text)s: say what is due on that date.") % {"text": entry})
    if len(title) > 200:
        raise TextFormatError(
            _("%(text)s: a checkpoint is at most 200 characters.") % {"text": entry}
        )
    return CheckpointSpec(due_date=_make_date(year, month, day, entry), title=title, done=done)


def parse_checkpoints(text: str) -> tuple[CheckpointSpec, ...]:
    return tuple(_parse_checkpoint(entry) for entry in split_entries(text))


def format_checkpoint(spec: CheckpointSpec) -> str:
    return f"{spec.due_date.isoformat()} {spec.title}{'✓' if spec.done else ''}"


def format_checkpoints(specs) -> str:
    return "；".join(format_checkpoint(s) for s in specs)


# --- Resources --------------------------------------------------------------------------------

RESOURCE_WORDS: dict[str, tuple[str, ...]] = {
    ResourceKind.PEOPLE: ("人员", "人力", "人手", "people", "staff"),
    ResourceKind.BUDGET: ("预算", "经费", "费用", "budget"),
    ResourceKind.TOOL: ("工具", "系统", "设备", "tool", "tools"),
    ResourceKind.OTHER: ("其他", "其它", "other"),
}
RESOURCE_LABELS: dict[str, str] = {value: ws[0] for value, ws in RESOURCE_WORDS.items()}
_RESOURCE_OF = _lookup(RESOURCE_WORDS)
_RESOURCE = re.compile(rf"^(?P<kind>[^:：]+?)\s*{_COLON}\s*(?P<description>.*)$", re.DOTALL)


class ResourceSpec(NamedTuple):
    kind: str
    description: str


def _parse_resource(entry: str) -> ResourceSpec:
    match = _RESOURCE.match(entry)
    if match and normalize(match["kind"]) in _RESOURCE_OF:
        kind, description = _RESOURCE_OF[normalize(match["kind"])], match["description"].strip()
    else:
        kind, description = ResourceKind.OTHER, entry.strip()
    if not description:
        raise TextFormatError(_("%(text)s: describe the resource.") % {"text": entry})
    if len(description) > 300:
        raise TextFormatError(
            _("%(text)s: a resource is at most 300 characters.") % {"text": entry}
        )
    return ResourceSpec(kind=kind, description=description)


def parse_resources(text: str) -> tuple[ResourceSpec, ...]:
    return tuple(_parse_resource(entry) for entry in split_entries(text))


def format_resource(spec: ResourceSpec) -> str:
    return f"{RESOURCE_LABELS[spec.kind]}：{spec.description}"


def format_resources(specs) -> str:
    return "；".join(format_resource(s) for s in specs)


PARSERS = {
    "standards": parse_standards,
    "kpis": parse_kpis,
    "checkpoints": parse_checkpoints,
    "resources": parse_resources,
}
FORMATTERS = {
    "standards": format_standards,
    "kpis": format_kpis,
    "checkpoints": format_checkpoints,
    "resources": format_resources,
}
