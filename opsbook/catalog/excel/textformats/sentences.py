"""What a service standard written as a sentence states that can be measured.

    接到报修后2小时内到场           → response 2 h (an arrival), business time
    工作日2小时内响应，24小时内解决  → response 2 h, resolution 24 h, business time
    7×24小时响应                    → calendar time, no target (7×24 is the coverage)
    投诉1个工作日内回复              → response 8 business hours
    3个工作日内回访                 → follow-up 24 business hours
    3天内解决                       → resolution 3 days, calendar time
    节假日值班不少于2人              → at least 2 staff
    材料提前3天发布                 → 3 days ahead (合同到期前30天提醒: 30 days ahead)
    1个工作日内开通                 → resolution (completion) 8 business hours
    每月5日前提交月报                → by the 5th of each month (每月底前: by day 31, the last)

``read`` returns the fields it found (a dict, possibly empty); the caller decides the channel
and priority. It raises TextFormatError only for what is really wrong: an impossible date.
"""

import re
from datetime import date

from django.utils.translation import gettext as _

from ...choices import TimeBasis
from .common import TextFormatError
from .dates import DATE, make_date
from .numbers import arabic_before_units

_ROUND_THE_CLOCK = re.compile(
    r"7\s*[×xX*＊✕]\s*24\s*(?:小时|h|H)?|全天候|全年无休|24\s*小时\s*(?:值守|在线|服务|不间断)"
    r"|日历时间|自然时间|自然日|日历日"
)
_BUSINESS = re.compile(r"工作日|工作时间|工作时段|上班时间|营业时间|办公时间")
_COVERAGE = re.compile(r"7\s*[×xX*＊✕]\s*24\s*(?:小时|h|H)?")

_UNIT_MINUTES: dict[str, int | str | None] = {
    "秒": None,
    "秒钟": None,
    "分钟": 1,
    "分": 1,
    "min": 1,
    "小时": 60,
    "个小时": 60,
    "钟头": 60,
    "个钟头": 60,
    "h": 60,
    "天": "day",
    "日": "day",
    "个工作日": "workday",
    "工作日": "workday",
    "周": "week",
    "个星期": "week",
    "星期": "week",
}
_DURATION = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>个工作日|工作日|个小时|小时|个钟头|钟头|分钟|秒钟|秒|min|h|"
    r"天|日(?!\s*(?:前|之前|以前|报|起))|个星期|星期|周)(?![a-zA-Z])\s*(?:以内|之内|内)?"
)
_VERBS = {
    "response": r"响应|回复|答复|应答|受理|接听|接通|回应|反馈|response|respond|reply",
    "arrival": r"到场|到达现场|到现场|赶到|抵达|上门",
    "resolution": (
        r"解决|处理完毕|处理完成|处理|修复|排除|恢复|办结|完成|办理|开通|录入|发出|发送|出具|"
        r"给出|提供|resolve|fix"
    ),
    "followup": r"回访|跟进|follow[- ]?up",
}
_VERB = re.compile("|".join(f"(?P<{name}>{words})" for name, words in _VERBS.items()), re.I)
_CLAUSES = re.compile(r"[，,、。；;]|并且|并|且|同时")
_MIN_STAFF = re.compile(
    r"(?:不少于|不低于|不得少于|至少|最少|≥|>=|＞=)\s*(?P<n>\d+)\s*(?:个)?(?:人|名)"
    r"|(?P<m>\d+)\s*(?:个)?(?:人|名)\s*(?:以上|及以上)"
    r"|(?:值班|在岗|驻场|配备|安排)[^，,。；]*?(?P<k>\d+)\s*(?:个)?(?:人|名)"
)
_LEAD = re.compile(r"前\s*(?P<n>\d+)\s*(?P<unit>个工作日|工作日|天|日|个星期|星期|周)")
# 课前30分钟完成检查: a time before an event is a lead time, not a target to respond within.
_BEFORE = re.compile(r"前\s*\d+(?:\.\d+)?\s*个?(?:小时|钟头|分钟|天|日|工作日|星期|周)")
_DUE_DAY = re.compile(r"每月\s*(?P<n>\d+)\s*(?:日|号)")
_MONTH_END = re.compile(r"每月\s*(?:底|末|最后一天|最后一个工作日)\s*(?:前|之前|以前)?")
_YEAR_DAY = re.compile(r"每年\s*(?P<m>\d+)\s*月\s*(?P<d>\d+)\s*(?:日|号)")
_FULL_DATE = re.compile(DATE)


def _check_dates(entry: str, text: str) -> None:
    """An impossible date anywhere in the sentence is an error; nothing else is."""
    for match in _FULL_DATE.finditer(text):
        make_date(match[1], match[2], match[3], entry)
    for match in _YEAR_DAY.finditer(text):
        try:
            date(2024, int(match["m"]), int(match["d"]))  # a leap year: 2月29日 is possible
        except ValueError:
            raise TextFormatError(
                _("%(text)s: %(date)s is not a real date.") % {"text": entry, "date": match[0]}
            ) from None


def _minutes(number: str, unit: str, basis: str) -> int | None:
    per = _UNIT_MINUTES[unit]
    amount = float(number)
    if per is None:
        minutes = amount / 60
    elif per == "day":
        minutes = amount * (480 if basis == TimeBasis.BUSINESS else 1440)
    elif per == "workday":
        minutes = amount * 480
    elif per == "week":
        minutes = amount * (2400 if basis == TimeBasis.BUSINESS else 10080)
    else:
        minutes = amount * int(per)
    if minutes <= 0 or minutes != int(minutes):
        return None  # 10秒内接听: not whole minutes, kept as text
    return int(minutes)


def _basis(text: str) -> tuple[str, bool]:
    """The time basis the sentence names (or implies), and whether it was named."""
    if _ROUND_THE_CLOCK.search(text):
        return TimeBasis.CALENDAR, True
    if _BUSINESS.search(text):
        return TimeBasis.BUSINESS, True
    return TimeBasis.BUSINESS, False


def _pair(clause: str) -> list[tuple[str, str, str]]:
    """(what, number, unit) for each duration in ``clause`` with the verb it goes with: the
    verb right after it (2小时内响应) or else the one before it (响应时间不超过30分钟)."""
    tokens: list[tuple[int, str, object]] = []
    for match in _DURATION.finditer(clause):
        tokens.append((match.start(), "duration", match))
    for match in _VERB.finditer(clause):
        tokens.append((match.start(), "verb", match.lastgroup))
    tokens.sort(key=lambda t: t[0])
    pairs = []
    for index, (_start, kind, value) in enumerate(tokens):
        if kind != "duration":
            continue
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        before = tokens[index - 1] if index > 0 else None
        verb = None
        if after is not None and after[1] == "verb":
            verb = after[2]
        elif before is not None and before[1] == "verb":
            verb = before[2]
        if verb is not None:
            assert isinstance(value, re.Match)
            pairs.append((str(verb), value["n"], value["unit"]))
    return pairs


def read(entry: str) -> dict:
    """The measurable fields of one sentence (see the module's docstring)."""
    text = arabic_before_units(entry)
    _check_dates(entry, text)
    found: dict = {}
    basis, named = _basis(text)
    for_durations = text
    for pattern in (_COVERAGE, _DUE_DAY, _YEAR_DAY, _FULL_DATE, _LEAD, _BEFORE):
        for_durations = pattern.sub(" ", for_durations)
    if not named and _DURATION.search(for_durations):
        units = [m["unit"] for m in _DURATION.finditer(for_durations)]
        if any(_UNIT_MINUTES[u] in ("day", "week") for u in units) and not any(
            _UNIT_MINUTES[u] == "workday" for u in units
        ):
            basis = TimeBasis.CALENDAR  # 3天内解决: days, as the calendar counts them
    for clause in _CLAUSES.split(for_durations):
        for what, number, unit in _pair(clause):
            minutes = _minutes(number, unit, basis)
            if minutes is None:
                continue
            if what == "arrival":
                found.setdefault("arrival", True)
                what = "response"
            found.setdefault(f"{what}_minutes", minutes)
    lead = _LEAD.search(text)
    if lead:
        days = int(lead["n"])
        if lead["unit"] in ("周", "星期", "个星期"):
            days *= 7
        if days > 0:
            found["lead_days"] = days
    due = _DUE_DAY.search(text)
    if due:
        day = int(due["n"])
        if not 1 <= day <= 31:
            raise TextFormatError(
                _("%(text)s: 每月%(day)s日 is not a day of the month.")
                % {"text": entry, "day": due["n"]}
            )
        found["due_day"] = day
    elif _MONTH_END.search(text):
        found["due_day"] = 31  # by the end of each month: day 31, or the month's last day
    staff = _MIN_STAFF.search(text)
    if staff:
        count = int(staff["n"] or staff["m"] or staff["k"])
        if count > 0:
            found["min_staff"] = count
    if any(k.endswith("_minutes") for k in found) or named:
        found["time_basis"] = basis
    return found
