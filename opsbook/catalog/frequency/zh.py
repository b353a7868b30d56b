"""Reading Chinese phrases (每周两次, 每月5日前, 每季度第一个月 …) into ``make_frequency``
arguments; anything else raises ``NotUnderstood``."""

import re

from .labels import ZH_DIGITS, ZH_WEEKDAYS
from .model import (
    DAY,
    FIRST_MONTHS,
    HALF_YEAR,
    LAST,
    MONTH,
    MONTHS_IN,
    QUARTER,
    WEEK,
    YEAR,
    NotUnderstood,
)

CJK = re.compile(r"[\u3400-\u9fff]")
_ZH_NUM = r"(?:[0-9]+|[〇零一二两三四五六七八九十]+)"
_ZH_DIGIT_VALUES = {"〇": 0, "零": 0, "两": 2, **{c: i for i, c in enumerate(ZH_DIGITS[:10])}}
_ZH_WEEKDAY_VALUES = {c: i + 1 for i, c in enumerate(ZH_WEEKDAYS)} | {"天": 7}
_ZH_ON_DEMAND = {
    "按需",
    "按需求",
    "按需要",
    "根据需要",
    "视需要",
    "视情况",
    "需要时",
    "必要时",
    "不定期",
    "随时",
    "实时",
    "临时",
    "按需提供",
}
_ZH_ALIASES = {
    "日常": "每日",
    "天天": "每日",
    "周度": "每周",
    "月度": "每月",
    "季": "每季",
    "年度": "每年",
    "月底": "每月最后一天",
    "月末": "每月最后一天",
    "半月": "每半月",
    # A school's term: twice a year, as 每半年 (issue 8: checklists of education services).
    "每学期": "每半年",
    "学期": "每半年",
    "每个学期": "每半年",
}
# 每次课前, 每次会议后, 每批次: done each time something happens, i.e. on demand.
_ZH_EACH_EVENT = re.compile(r"每(?:次|场|批次?|轮)[\u3400-\u9fff]{1,8}")
_ZH_LAST_DAY = {"最后一天", "最后一日", "最后1天", "末", "底", "月末", "月底", "末日"}
_ZH_PERIODS = {
    "天": DAY,
    "日": DAY,
    "周": WEEK,
    "月": MONTH,
    "季": QUARTER,
    "半年": HALF_YEAR,
    "年": YEAR,
}
_ZH_MAIN = re.compile(rf"(每)?({_ZH_NUM})?(半年|半月|天|日|周|月|季|年)(.*)")


def _zh_int(token: str) -> int:
    if token.isascii() and token.isdigit():
        return int(token)
    head, ten, tail = token.partition("十")
    if not ten:
        if len(token) != 1:
            raise NotUnderstood
        return _ZH_DIGIT_VALUES[token]
    if len(head) > 1 or len(tail) > 1:
        raise NotUnderstood
    tens = _ZH_DIGIT_VALUES[head] if head else 1
    return tens * 10 + (_ZH_DIGIT_VALUES[tail] if tail else 0)


def _normalise_zh(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    for old, new in (
        ("星期", "周"),
        ("礼拜", "周"),
        ("禮拜", "周"),
        ("週", "周"),
        ("號", "日"),
        ("号", "日"),
        ("個", ""),
        ("个", ""),
        ("季度", "季"),
        ("月份", "月"),
        ("之前", "前"),
        ("以前", "前"),
        ("之内", "内"),
        ("以内", "内"),
        ("每隔一", "每两"),
        ("周天", "周日"),
    ):
        s = s.replace(old, new)
    s = re.sub(r"每?[双隔]周", "每两周", s)
    s = re.sub(r"每?隔[天日]", "每两天", s)
    s = re.sub(r"每?[双隔]月", "每两月", s)
    s = re.sub(r"每?隔年", "每两年", s)
    s = re.sub(r"每一(?=[天日周月季半年])", "每", s)
    s = re.sub(r"[,;/、和及与]+", "、", s)
    s = re.sub(r"[到~\-—–]", "至", s)
    s = re.sub(r"(完成|执行|进行|一次性)$", "", s)
    s = re.sub(r"内$", "", s)
    return _ZH_ALIASES.get(s, s)


def parse_zh(text: str) -> dict:
    s = _normalise_zh(text)
    if s in _ZH_ON_DEMAND or _ZH_EACH_EVENT.fullmatch(s):
        return {"period": None}
    business_days_only = False
    for prefix in ("每工作日", "工作日"):
        if s.startswith(prefix):
            rest = s.removeprefix(prefix)
            s = rest if rest.startswith(("每天", "每日")) else f"每日{rest}"
            business_days_only = True
            break
    match = _ZH_MAIN.fullmatch(s)
    if not match:
        raise NotUnderstood
    every, number, word, rest = match.groups()
    rest = rest.removeprefix("的")
    count = _zh_count(rest)
    if not every and count is None and not (word == "周" and number is None and rest):
        raise NotUnderstood  # 两周, 月: a duration, not a frequency
    if word == "半月":
        if number or (count or 1) != 1:
            raise NotUnderstood
        return {"period": MONTH, "times": 2}
    period = _ZH_PERIODS[word]
    parts: dict = {
        "period": period,
        "interval": _zh_int(number) if number else 1,
        "business_days_only": business_days_only,
    }
    if count is not None:
        return parts | {"times": count}
    if not rest:
        return parts
    if business_days_only:
        raise NotUnderstood
    if period == WEEK:
        return parts | _zh_week_anchor(rest)
    if period == MONTH:
        return parts | _zh_month_anchor(rest)
    if period in FIRST_MONTHS:
        return parts | _zh_long_anchor(period, rest)
    raise NotUnderstood


def _zh_count(rest: str) -> int | None:
    match = re.fullmatch(rf"({_ZH_NUM})次", rest)
    return _zh_int(match.group(1)) if match else None


def _zh_weekday(char: str) -> int:
    if char not in _ZH_WEEKDAY_VALUES:
        raise NotUnderstood
    return _ZH_WEEKDAY_VALUES[char]


def _zh_week_anchor(rest: str) -> dict:
    rest = rest.replace("周", "")
    if rest.endswith("前"):
        day = rest.removesuffix("前")
        if len(day) != 1:
            raise NotUnderstood
        return {"due_within_days": _zh_weekday(day)}
    days: set[int] = set()
    for segment in rest.split("、"):
        if not segment:
            raise NotUnderstood
        if "至" in segment:
            first, _sep, last = segment.partition("至")
            if len(first) != 1 or len(last) != 1:
                raise NotUnderstood
            a, b = _zh_weekday(first), _zh_weekday(last)
            if a >= b:
                raise NotUnderstood
            days.update(range(a, b + 1))
        else:
            days.update(_zh_weekday(char) for char in segment)
    return {"weekdays": tuple(days)}


def _zh_month_anchor(rest: str) -> dict:
    if rest in ("第一周", "第1周", "首周", "头一周"):
        return {"due_within_days": 7}
    if match := re.fullmatch(rf"({_ZH_NUM})日前", rest) or re.fullmatch(
        rf"前({_ZH_NUM})[天日]", rest
    ):
        return {"due_within_days": _zh_int(match.group(1))}
    if match := re.fullmatch(rf"前({_ZH_NUM})工作日", rest):
        return {"due_within_days": _zh_int(match.group(1)), "business_days_only": True}
    if match := re.fullmatch(rf"第({_ZH_NUM})工作日", rest):
        return {"month_days": (_zh_int(match.group(1)),), "business_days_only": True}
    if rest in ("首工作日", "第一工作日"):
        return {"month_days": (1,), "business_days_only": True}
    if rest in ("最后一工作日", "最后工作日", "末工作日"):
        return {"month_days": (LAST,), "business_days_only": True}
    if "日" not in rest and rest not in _ZH_LAST_DAY:
        raise NotUnderstood  # 每月15 could be 15 days or 15 times; ask for 15日
    rest = re.sub(r"日(?=[0-9〇零一二两三四五六七八九十])", "日、", rest)
    days = []
    for segment in rest.split("、"):
        if segment in _ZH_LAST_DAY:
            days.append(LAST)
        elif match := re.fullmatch(rf"({_ZH_NUM})日?", segment):
            days.append(_zh_int(match.group(1)))
        else:
            raise NotUnderstood
    return {"month_days": tuple(days)}


def _zh_long_anchor(period: str, rest: str) -> dict:
    if match := re.fullmatch(rf"前({_ZH_NUM})[天日]", rest):
        return {"due_within_days": _zh_int(match.group(1))}
    if period == YEAR:
        if match := re.fullmatch(rf"({_ZH_NUM})月", rest):
            return {"month_of_period": _zh_int(match.group(1))}
        raise NotUnderstood
    if rest in ("首月", "第一月"):
        return {"month_of_period": 1}
    if rest in ("最后一月", "最后月", "末月"):
        return {"month_of_period": MONTHS_IN[period]}
    if match := re.fullmatch(rf"第({_ZH_NUM})月", rest):
        return {"month_of_period": _zh_int(match.group(1))}
    raise NotUnderstood
