"""The Chinese and English labels of a frequency; each parses back to the same frequency."""

from .model import DAY, HALF_YEAR, LAST, MONTH, MONTHS_IN, QUARTER, WEEK, YEAR, Spec

ZH_DIGITS = "零一二三四五六七八九十"
ZH_WEEKDAYS = "一二三四五六日"
_ZH_EVERY_ONE = {
    DAY: "每日",
    WEEK: "每周",
    MONTH: "每月",
    QUARTER: "每季度",
    HALF_YEAR: "每半年",
    YEAR: "每年",
}
_ZH_UNIT = {DAY: "天", WEEK: "周", MONTH: "个月", YEAR: "年"}
_EN_PERIOD_ADVERB = {
    DAY: "Daily",
    WEEK: "Weekly",
    MONTH: "Monthly",
    QUARTER: "Quarterly",
    HALF_YEAR: "Semi-annually",
    YEAR: "Annually",
}
_EN_NOUN = {
    DAY: "day",
    WEEK: "week",
    MONTH: "month",
    QUARTER: "quarter",
    HALF_YEAR: "half year",
    YEAR: "year",
}
_EN_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_POSITION = ("first", "second", "third", "fourth", "fifth", "sixth")


def _zh_quantity(n: int) -> str:
    if n == 2:
        return "两"
    return ZH_DIGITS[n] if n <= 10 else str(n)


def _zh_ordinal(n: int) -> str:
    return ZH_DIGITS[n] if n <= 10 else str(n)


def _zh_every(period: str, interval: int) -> str:
    if interval == 1:
        return _ZH_EVERY_ONE[period]
    return f"每{_zh_quantity(interval)}{_ZH_UNIT[period]}"


def _runs(days: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive days as (first, last); runs of two stay two single days."""
    runs: list[tuple[int, int]] = []
    for d in days:
        if runs and runs[-1][1] == d - 1:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    out = []
    for first, last in runs:
        if last - first == 1:
            out += [(first, first), (last, last)]
        else:
            out.append((first, last))
    return out


def label_zh(s: Spec) -> str:
    every = _zh_every(s.period, s.interval)
    if s.period == DAY and s.business_days_only:
        every = "每个工作日"
    if s.times is not None:
        return f"{every}{_zh_quantity(s.times)}次"
    if s.weekdays:
        parts = []
        for i, (a, b) in enumerate(_runs(s.weekdays)):
            if a == b:
                parts.append(ZH_WEEKDAYS[a - 1])
            else:
                head = ZH_WEEKDAYS[a - 1] if i == 0 else f"周{ZH_WEEKDAYS[a - 1]}"
                parts.append(f"{head}至周{ZH_WEEKDAYS[b - 1]}")
        joined = "、".join(parts)
        return f"{every}{joined}" if s.interval == 1 else f"{every}的周{joined}"
    if s.period == MONTH and s.business_days_only:
        if s.due is not None:
            return f"每月前{s.due}个工作日"
        day = s.month_days[0]
        return "每月最后一个工作日" if day == LAST else f"每月第{_zh_ordinal(day)}个工作日"
    if s.month_days:
        days = "、".join("最后一天" if d == LAST else f"{d}日" for d in s.month_days)
        return f"{every}{days}" if s.interval == 1 else f"{every}的{days}"
    if s.due is not None:
        if s.period == WEEK:
            return f"每周{ZH_WEEKDAYS[s.due - 1]}前"
        if s.period == MONTH:
            return f"每月{s.due}日前"
        return f"{every}前{s.due}天"
    if s.month_of_period is not None:
        if s.period == YEAR:
            return f"每年{s.month_of_period}月"
        if s.month_of_period == MONTHS_IN[s.period]:
            return f"{every}最后一个月"
        return f"{every}第{_zh_ordinal(s.month_of_period)}个月"
    return every


def _en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _en_count(n: int) -> str:
    return "Twice" if n == 2 else f"{n} times"


def _en_series(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def label_en(s: Spec) -> str:
    noun = _EN_NOUN[s.period]
    every = f"Every {s.interval} {noun}s" if s.interval > 1 else _EN_PERIOD_ADVERB[s.period]
    if s.period == DAY and s.business_days_only:
        return f"{_en_count(s.times)} every working day" if s.times else "Every working day"
    if s.times is not None:
        if s.interval > 1:
            return f"{_en_count(s.times)} every {s.interval} {noun}s"
        per = "every half year" if s.period == HALF_YEAR else f"a {noun}"
        return f"{_en_count(s.times)} {per}"
    if s.weekdays:
        days = ", ".join(
            _EN_SHORT_DAYS[a - 1] if a == b else f"{_EN_SHORT_DAYS[a - 1]}–{_EN_SHORT_DAYS[b - 1]}"
            for a, b in _runs(s.weekdays)
        )
        return f"Every {days}" if s.interval == 1 else f"{every} on {days}"
    if s.period == MONTH and s.business_days_only:
        if s.due is not None:
            return f"Within the first {s.due} working days of each month"
        day = s.month_days[0]
        which = "last" if day == LAST else _en_ordinal(day)
        return f"On the {which} working day of each month"
    if s.month_days:
        days = _en_series(["last day" if d == LAST else _en_ordinal(d) for d in s.month_days])
        return f"On the {days} of each month" if s.interval == 1 else f"{every} on the {days}"
    if s.due is not None:
        if s.period == WEEK:
            return f"By {_EN_SHORT_DAYS[s.due - 1]} each week"
        if s.period == MONTH:
            return f"By the {_en_ordinal(s.due)} of each month"
        return f"Within the first {s.due} days of each {noun}"
    if s.month_of_period is not None:
        if s.period == YEAR:
            return f"Every year in {EN_MONTHS[s.month_of_period - 1]}"
        last = s.month_of_period == MONTHS_IN[s.period]
        which = "last" if last else _EN_POSITION[s.month_of_period - 1]
        return f"In the {which} month of each {noun}"
    return every
