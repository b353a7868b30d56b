"""How often a service runs, parsed from what people write (每周两次, 每月5日前, twice a week …).

``parse_frequency(text)`` reads a Chinese or English phrase and returns one ``Frequency``.
``make_frequency(...)`` builds and validates a ``Frequency`` from its parts; the parser ends in
it, so every value has the same normalised form, and its ``label_zh`` and ``label_en`` parse back
to the same value. The accepted phrases and the meaning of each field are in
docs/users/frequency.md. This module only reads phrases: which dates are working days is the
business calendar's job (``opsbook.calendars``), not this one's.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from .choices import FrequencyKind, FrequencyPeriod

RECURRING = FrequencyKind.RECURRING.value
ON_DEMAND = FrequencyKind.ON_DEMAND.value
DAY = FrequencyPeriod.DAY.value
WEEK = FrequencyPeriod.WEEK.value
MONTH = FrequencyPeriod.MONTH.value
QUARTER = FrequencyPeriod.QUARTER.value
HALF_YEAR = FrequencyPeriod.HALF_YEAR.value
YEAR = FrequencyPeriod.YEAR.value

LAST = -1  # in month_days: the last day (or, with business_days_only, the last working day)
PERIOD_DAYS = {DAY: 1, WEEK: 7, MONTH: 31, QUARTER: 92, HALF_YEAR: 184, YEAR: 366}
MONTHS_IN = {MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12}
FIRST_MONTHS = {QUARTER: (1, 4, 7, 10), HALF_YEAR: (1, 7), YEAR: (1,)}
MAX_PER_DAY = 24
MAX_INTERVAL = 366
MAX_WORKING_DAY = 23  # no month has more working days than this
MAX_PHRASE = 100  # the length of ChecklistEntry.frequency_text
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKING_WEEK = "MO,TU,WE,TH,FR"

EXAMPLES_ZH = (
    "每日",
    "工作日每天",
    "每周两次",
    "每周一、三、五",
    "每两周",
    "每月5日前",
    "每月1日和15日",
    "每月最后一个工作日",
    "每季度",
    "每半年",
    "每年",
    "按需",
)
EXAMPLES_EN = (
    "daily",
    "weekdays",
    "twice a week",
    "every Mon, Wed, Fri",
    "every 2 weeks",
    "by the 5th of each month",
    "quarterly",
    "every 6 months",
    "annually",
    "on demand",
)


class FrequencyError(ValueError):
    """The phrase could not be understood; the message lists accepted examples."""

    def __init__(self, message: str, phrase: str = ""):
        super().__init__(message)
        self.phrase = phrase


@dataclass(frozen=True)
class Frequency:
    kind: str
    period: str | None
    interval: int
    times_per_period: int | None
    weekdays: tuple[int, ...]
    month_days: tuple[int, ...]
    business_days_only: bool
    due_within_days: int | None
    rrule: str | None
    label_zh: str
    label_en: str

    def as_dict(self) -> dict:
        data = asdict(self)
        data["weekdays"] = list(self.weekdays)
        data["month_days"] = list(self.month_days)
        return data


def parse_frequency(text: str) -> Frequency:
    """Read a phrase such as 每周两次 or "by the 5th of each month".

    Raises FrequencyError, naming the phrase and listing accepted examples, if it cannot.
    """
    phrase = (text or "").strip()
    if not phrase:
        raise FrequencyError(_with_examples(_("The frequency is empty.")), phrase)
    if len(phrase) > MAX_PHRASE:
        message = _("A frequency is at most %(max)d characters long.") % {"max": MAX_PHRASE}
        raise FrequencyError(_with_examples(message), phrase)
    cleaned = unicodedata.normalize("NFKC", phrase).lower().strip()
    try:
        parts = _parse_zh(cleaned) if _CJK.search(cleaned) else _parse_en(cleaned)
        return make_frequency(**parts)
    except _NotUnderstood:
        message = _("Opsbook cannot read “%(phrase)s” as a frequency.") % {"phrase": phrase}
        raise FrequencyError(_with_examples(message), phrase) from None
    except FrequencyError as exc:
        message = _("“%(phrase)s” is not a usable frequency: %(reason)s") % {
            "phrase": phrase,
            "reason": str(exc),
        }
        raise FrequencyError(_with_examples(message), phrase) from None


def _with_examples(message: str) -> str:
    examples = _("Write it like one of these: %(zh)s; or in English: %(en)s.") % {
        "zh": " / ".join(EXAMPLES_ZH),
        "en": " / ".join(EXAMPLES_EN),
    }
    return f"{message} {examples}"


# --- building and validating -----------------------------------------------------------------


def make_frequency(
    period: str | None,
    *,
    interval: int = 1,
    times: int | None = None,
    weekdays: tuple[int, ...] = (),
    month_days: tuple[int, ...] = (),
    business_days_only: bool = False,
    due_within_days: int | None = None,
    month_of_period: int | None = None,
) -> Frequency:
    """Validate the parts of a frequency and return its normalised form.

    ``period=None`` is on demand. ``times`` is a bare count per period (1 means once, stored as
    None). ``month_of_period`` places the work in the n-th month of a quarter, half year or year
    (每季度第一个月, every year in March); it has no field of its own and lives in ``rrule`` and
    the labels. Raises FrequencyError (without the phrase) for combinations that make no sense.
    """
    if period is None:
        extras = (times, weekdays, month_days, business_days_only, due_within_days, month_of_period)
        if interval != 1 or any(extras):
            raise FrequencyError(_("on demand cannot be combined with a schedule."))
        return Frequency(ON_DEMAND, None, 1, None, (), (), False, None, None, "按需", "On demand")
    if period not in PERIOD_DAYS:
        raise FrequencyError(_("“%(period)s” is not a period.") % {"period": period})
    if not 1 <= interval <= MAX_INTERVAL:
        raise FrequencyError(
            _("the interval must be between 1 and %(max)d.") % {"max": MAX_INTERVAL}
        )
    weekdays = tuple(sorted(set(weekdays)))
    month_days = tuple(sorted(set(month_days), key=lambda d: (d == LAST, d)))
    if times is not None and times < 1:
        raise FrequencyError(_("the count must be at least 1."))
    if times == 1:
        times = None
    anchors = [
        x
        for x in (times, weekdays, month_days, due_within_days, month_of_period)
        if x not in (None, ())
    ]
    if len(anchors) > 1:
        raise FrequencyError(
            _("give one of a count, days of the week, days of the month, a deadline or a month.")
        )
    if not anchors or times is not None:
        period, interval = _canonical_period(period, interval)
    fixed = due_within_days is not None or month_of_period is not None or business_days_only
    if fixed and interval != 1:
        raise FrequencyError(
            _("a deadline, a month or working days only go with “every” one period.")
        )
    _check_parts(period, interval, times, weekdays, month_days)
    _check_working_days(period, times, month_days, due_within_days, business_days_only)
    _check_deadline(period, due_within_days, business_days_only)
    if month_of_period is not None and not (
        period in FIRST_MONTHS and 1 <= month_of_period <= MONTHS_IN[period]
    ):
        raise FrequencyError(_("the period has no such month."))
    spec = _Spec(
        period,
        interval,
        times,
        weekdays,
        month_days,
        business_days_only,
        due_within_days,
        month_of_period,
    )
    return Frequency(
        kind=RECURRING,
        period=period,
        interval=interval,
        times_per_period=times or len(weekdays) or len(month_days) or None,
        weekdays=weekdays,
        month_days=month_days,
        business_days_only=business_days_only,
        due_within_days=due_within_days,
        rrule=_rrule(spec),
        label_zh=_label_zh(spec),
        label_en=_label_en(spec),
    )


@dataclass(frozen=True)
class _Spec:
    period: str
    interval: int
    times: int | None
    weekdays: tuple[int, ...]
    month_days: tuple[int, ...]
    business_days_only: bool
    due: int | None
    month_of_period: int | None


def _canonical_period(period: str, interval: int) -> tuple[str, int]:
    """Every 3 months is quarterly, every 6 half-yearly, every 12k months every k years."""
    if period not in MONTHS_IN:
        return period, interval
    months = interval * MONTHS_IN[period]
    if months % 12 == 0:
        return YEAR, months // 12
    if months == 6:
        return HALF_YEAR, 1
    if months == 3:
        return QUARTER, 1
    return MONTH, months


def _check_parts(period, interval, times, weekdays, month_days) -> None:
    if times is not None:
        per_period = MAX_PER_DAY if period == DAY else PERIOD_DAYS[period]
        if times > per_period * interval:
            if period == DAY:
                raise FrequencyError(
                    _("%(times)d times is more than %(max)d a day.")
                    % {"times": times, "max": MAX_PER_DAY}
                )
            raise FrequencyError(
                _("%(times)d times is more than the %(days)d days in the period.")
                % {"times": times, "days": PERIOD_DAYS[period] * interval}
            )
    if weekdays and (period != WEEK or not all(1 <= d <= 7 for d in weekdays)):
        raise FrequencyError(_("days of the week need a weekly schedule."))
    if month_days and (period != MONTH or not all(1 <= d <= 31 or d == LAST for d in month_days)):
        raise FrequencyError(_("days of the month need a monthly schedule and a day from 1 to 31."))


def _check_working_days(period, times, month_days, due, business_days_only) -> None:
    """Working days: every working day (times allowed), or the n-th / first n of a month."""
    if not business_days_only:
        return
    if period == DAY:
        return
    if period == MONTH and times is None and (len(month_days) == 1 or due is not None):
        if month_days and not (1 <= month_days[0] <= MAX_WORKING_DAY or month_days[0] == LAST):
            raise FrequencyError(
                _("a month has at most %(max)d working days.") % {"max": MAX_WORKING_DAY}
            )
        return
    raise FrequencyError(
        _("“working days only” goes with every working day, or one working day of the month.")
    )


def _check_deadline(period: str, due: int | None, business_days_only: bool) -> None:
    if due is None:
        return
    if period == DAY:
        raise FrequencyError(_("a daily schedule has no deadline within the day."))
    top = MAX_WORKING_DAY if business_days_only else PERIOD_DAYS[period]
    if not 1 <= due <= top:
        raise FrequencyError(
            _("the deadline must fall within the first %(days)d days of the period.")
            % {"days": top}
        )


# --- RFC 5545 ------------------------------------------------------------------------------


def _rrule(s: _Spec) -> str | None:
    """The RRULE, or None when one cannot say it (a bare count, some deadlines, on demand).

    For deadlines the rule marks the deadline day; for working days it approximates with
    Monday–Friday, and the business calendar has the last word.
    """
    if s.times is not None:
        return None
    if s.period == DAY:
        if s.business_days_only:
            return f"FREQ=DAILY;INTERVAL=1;BYDAY={WORKING_WEEK}"
        return f"FREQ=DAILY;INTERVAL={s.interval}"
    if s.period == WEEK:
        days = s.weekdays or ((s.due,) if s.due else ())
        by_day = f";BYDAY={','.join(ICAL_DAYS[d - 1] for d in days)}" if days else ""
        return f"FREQ=WEEKLY;INTERVAL={s.interval}{by_day}"
    if s.period == MONTH:
        if s.business_days_only:
            position = s.month_days[0] if s.month_days else s.due
            return f"FREQ=MONTHLY;INTERVAL=1;BYDAY={WORKING_WEEK};BYSETPOS={position}"
        if s.month_days:
            days = ",".join(str(d) for d in s.month_days)
            return f"FREQ=MONTHLY;INTERVAL={s.interval};BYMONTHDAY={days}"
        if s.due is not None:
            if s.due <= 28 or s.due == 31:
                return f"FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY={LAST if s.due == 31 else s.due}"
            return None  # "by the 29th/30th" has no RRULE that is right in every month
        return f"FREQ=MONTHLY;INTERVAL={s.interval}"
    firsts = FIRST_MONTHS[s.period]
    if s.month_of_period is not None:
        months = ",".join(str(m + s.month_of_period - 1) for m in firsts)
        return f"FREQ=YEARLY;INTERVAL=1;BYMONTH={months}"
    if s.due is not None:
        if s.period == YEAR:
            return f"FREQ=YEARLY;INTERVAL=1;BYYEARDAY={LAST if s.due == 366 else s.due}"
        if s.due <= 28:
            months = ",".join(str(m) for m in firsts)
            return f"FREQ=YEARLY;INTERVAL=1;BYMONTH={months};BYMONTHDAY={s.due}"
        return None
    if s.period == YEAR:
        return f"FREQ=YEARLY;INTERVAL={s.interval}"
    return f"FREQ=MONTHLY;INTERVAL={s.interval * MONTHS_IN[s.period]}"


# --- labels ----------------------------------------------------------------------------------

_ZH_DIGITS = "零一二三四五六七八九十"
_ZH_WEEKDAYS = "一二三四五六日"
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
_EN_MONTHS = (
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
    return _ZH_DIGITS[n] if n <= 10 else str(n)


def _zh_ordinal(n: int) -> str:
    return _ZH_DIGITS[n] if n <= 10 else str(n)


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


def _label_zh(s: _Spec) -> str:
    every = _zh_every(s.period, s.interval)
    if s.period == DAY and s.business_days_only:
        every = "每个工作日"
    if s.times is not None:
        return f"{every}{_zh_quantity(s.times)}次"
    if s.weekdays:
        parts = []
        for i, (a, b) in enumerate(_runs(s.weekdays)):
            if a == b:
                parts.append(_ZH_WEEKDAYS[a - 1])
            else:
                head = _ZH_WEEKDAYS[a - 1] if i == 0 else f"周{_ZH_WEEKDAYS[a - 1]}"
                parts.append(f"{head}至周{_ZH_WEEKDAYS[b - 1]}")
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
            return f"每周{_ZH_WEEKDAYS[s.due - 1]}前"
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


def _label_en(s: _Spec) -> str:
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
            return f"Every year in {_EN_MONTHS[s.month_of_period - 1]}"
        last = s.month_of_period == MONTHS_IN[s.period]
        which = "last" if last else _EN_POSITION[s.month_of_period - 1]
        return f"In the {which} month of each {noun}"
    return every


# --- reading Chinese -------------------------------------------------------------------------


class _NotUnderstood(Exception):
    pass


_CJK = re.compile(r"[\u3400-\u9fff]")
_ZH_NUM = r"(?:[0-9]+|[〇零一二两三四五六七八九十]+)"
_ZH_DIGIT_VALUES = {"〇": 0, "零": 0, "两": 2, **{c: i for i, c in enumerate(_ZH_DIGITS[:10])}}
_ZH_WEEKDAY_VALUES = {c: i + 1 for i, c in enumerate(_ZH_WEEKDAYS)} | {"天": 7}
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
}
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
            raise _NotUnderstood
        return _ZH_DIGIT_VALUES[token]
    if len(head) > 1 or len(tail) > 1:
        raise _NotUnderstood
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


def _parse_zh(text: str) -> dict:
    s = _normalise_zh(text)
    if s in _ZH_ON_DEMAND:
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
        raise _NotUnderstood
    every, number, word, rest = match.groups()
    rest = rest.removeprefix("的")
    count = _zh_count(rest)
    if not every and count is None and not (word == "周" and number is None and rest):
        raise _NotUnderstood  # 两周, 月: a duration, not a frequency
    if word == "半月":
        if number or (count or 1) != 1:
            raise _NotUnderstood
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
        raise _NotUnderstood
    if period == WEEK:
        return parts | _zh_week_anchor(rest)
    if period == MONTH:
        return parts | _zh_month_anchor(rest)
    if period in FIRST_MONTHS:
        return parts | _zh_long_anchor(period, rest)
    raise _NotUnderstood


def _zh_count(rest: str) -> int | None:
    match = re.fullmatch(rf"({_ZH_NUM})次", rest)
    return _zh_int(match.group(1)) if match else None


def _zh_weekday(char: str) -> int:
    if char not in _ZH_WEEKDAY_VALUES:
        raise _NotUnderstood
    return _ZH_WEEKDAY_VALUES[char]


def _zh_week_anchor(rest: str) -> dict:
    rest = rest.replace("周", "")
    if rest.endswith("前"):
        day = rest.removesuffix("前")
        if len(day) != 1:
            raise _NotUnderstood
        return {"due_within_days": _zh_weekday(day)}
    days: set[int] = set()
    for segment in rest.split("、"):
        if not segment:
            raise _NotUnderstood
        if "至" in segment:
            first, _sep, last = segment.partition("至")
            if len(first) != 1 or len(last) != 1:
                raise _NotUnderstood
            a, b = _zh_weekday(first), _zh_weekday(last)
            if a >= b:
                raise _NotUnderstood
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
        raise _NotUnderstood  # 每月15 could be 15 days or 15 times; ask for 15日
    rest = re.sub(r"日(?=[0-9〇零一二两三四五六七八九十])", "日、", rest)
    days = []
    for segment in rest.split("、"):
        if segment in _ZH_LAST_DAY:
            days.append(LAST)
        elif match := re.fullmatch(rf"({_ZH_NUM})日?", segment):
            days.append(_zh_int(match.group(1)))
        else:
            raise _NotUnderstood
    return {"month_days": tuple(days)}


def _zh_long_anchor(period: str, rest: str) -> dict:
    if match := re.fullmatch(rf"前({_ZH_NUM})[天日]", rest):
        return {"due_within_days": _zh_int(match.group(1))}
    if period == YEAR:
        if match := re.fullmatch(rf"({_ZH_NUM})月", rest):
            return {"month_of_period": _zh_int(match.group(1))}
        raise _NotUnderstood
    if rest in ("首月", "第一月"):
        return {"month_of_period": 1}
    if rest in ("最后一月", "最后月", "末月"):
        return {"month_of_period": MONTHS_IN[period]}
    if match := re.fullmatch(rf"第({_ZH_NUM})月", rest):
        return {"month_of_period": _zh_int(match.group(1))}
    raise _NotUnderstood


# --- reading English -------------------------------------------------------------------------

_EN_ON_DEMAND = {
    "on demand",
    "as needed",
    "as required",
    "when needed",
    "when required",
    "if needed",
    "ad hoc",
    "on request",
    "upon request",
    "on call",
    "any time",
    "anytime",
    "real time",
    "realtime",
    "irregular",
    "irregularly",
    "unscheduled",
    "as and when needed",
}
_EN_NUMBERS = {
    w: i + 1
    for i, w in enumerate(
        (
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        )
    )
}
_EN_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        (
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        )
    )
}
_EN_INTERVAL_WORDS = {"other": 2, "second": 2, "third": 3, "fourth": 4}
_EN_DAY_NAMES = {
    name: i + 1
    for i, names in enumerate(
        (
            "monday mon mo",
            "tuesday tue tues tu",
            "wednesday wed weds we",
            "thursday thu thur thurs th",
            "friday fri fr",
            "saturday sat sa",
            "sunday sun su",
        )
    )
    for name in names.split()
}
_EN_MONTH_NAMES = {
    name: i + 1
    for i, full in enumerate(_EN_MONTHS)
    for name in {full.lower(), full[:3].lower(), "sept" if i == 8 else full[:3].lower()}
}
_EN_ADVERBS = {
    "daily": (DAY, 1),
    "everyday": (DAY, 1),
    "weekly": (WEEK, 1),
    "monthly": (MONTH, 1),
    "quarterly": (QUARTER, 1),
    "yearly": (YEAR, 1),
    "annually": (YEAR, 1),
    "semiannually": (HALF_YEAR, 1),
    "half yearly": (HALF_YEAR, 1),
    "biweekly": (WEEK, 2),
    "fortnightly": (WEEK, 2),
    "bimonthly": (MONTH, 2),
    "biennially": (YEAR, 2),
}
_EN_NOUNS = {
    "weekday": (DAY, 1, True),
    "workday": (DAY, 1, True),
    "working day": (DAY, 1, True),
    "business day": (DAY, 1, True),
    "day": (DAY, 1, False),
    "week": (WEEK, 1, False),
    "fortnight": (WEEK, 2, False),
    "month": (MONTH, 1, False),
    "quarter": (QUARTER, 1, False),
    "half year": (HALF_YEAR, 1, False),
    "year": (YEAR, 1, False),
    "annum": (YEAR, 1, False),
}
_EN_NUM = rf"(?:[0-9]+|{'|'.join(_EN_NUMBERS)})"
_EN_PERIOD = re.compile(
    r"(?<!\S)(?:of (?:each|every|the|a)|every|each|per|a|an|/) "
    rf"(?:({_EN_NUM}|{'|'.join(_EN_INTERVAL_WORDS)}) )?"
    rf"({'|'.join(sorted(_EN_NOUNS, key=len, reverse=True))})s?(?!\S)"
)
_EN_ADVERB = re.compile(rf"(?<!\S)({'|'.join(_EN_ADVERBS)})(?!\S)")
_EN_BARE_WORKING_DAYS = re.compile(r"(?<!\S)(?:weekdays|workdays|working days|business days)(?!\S)")
_EN_FILLERS = {"on", "the", "in", "at", "of", "every", "each", "during"}
_EN_SEPARATORS = {",", "/", "&", "+", ";", "and"}
_EN_RANGE = {"to", "through", "thru", "till", "until", "-"}
_EN_COUNT = re.compile(rf"(once|twice|thrice)|({_EN_NUM}) (?:times?|x)")
_EN_ORD = r"([0-9]+)(?:st|nd|rd|th)?"


def _en_int(token: str) -> int:
    if token.isascii() and token.isdigit():
        return int(token)
    return _EN_NUMBERS.get(token) or _EN_INTERVAL_WORDS.get(token) or _EN_ORDINALS[token]


def _normalise_en(s: str) -> str:
    s = re.sub(r"[\u2010-\u2015\u2212~]", "-", s)
    s = re.sub(r"\b(semi|bi)[- ](?=[a-z])", r"\1", s)
    s = re.sub(r"\bhalf[- ]?year", "half year", s)
    s = re.sub(r"(?<=[a-z])-(?=[a-z])", " - ", s)
    s = re.sub(r"([0-9])x\b", r"\1 x", s)
    s = re.sub(r"([,/&+;])", r" \1 ", s)
    s = re.sub(r"[.!?'’()]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.replace("semimonthly", "twice a month").replace("semiweekly", "twice a week")
    s = re.sub(
        r"^(?:at )?(?:the )?(?:month end|end of (?:the |each |every )?month)$",
        "last day of each month",
        s,
    )
    return re.sub(
        rf"\bevery (?:other|second) (?=(?:{'|'.join(_EN_DAY_NAMES)})s?\b)", "every 2 weeks on ", s
    )


def _parse_en(text: str) -> dict:
    s = _normalise_en(text)
    if re.sub(r"[\s-]+", " ", s) in _EN_ON_DEMAND:
        return {"period": None}
    found = [*_EN_PERIOD.finditer(s), *_EN_ADVERB.finditer(s)]
    if len(found) > 1:
        raise _NotUnderstood
    parts: dict = {}
    if found:
        match = found[0]
        if match.re is _EN_ADVERB:
            period, interval = _EN_ADVERBS[match.group(1)]
            business_days_only = False
        else:
            period, interval, business_days_only = _EN_NOUNS[match.group(2)]
            if match.group(1):
                interval *= _en_int(match.group(1))
        parts = {"period": period, "interval": interval, "business_days_only": business_days_only}
    elif bare := _EN_BARE_WORKING_DAYS.search(s):
        match = bare
        parts = {"period": DAY, "business_days_only": True}
    else:
        match = None
    if match is not None:
        s = f"{s[: match.start()]} {s[match.end() :]}"
    tokens = [t for t in s.split() if t not in _EN_FILLERS]
    if not parts:
        weekdays = _en_weekdays(tokens)
        if not weekdays:
            raise _NotUnderstood
        return {"period": WEEK, "weekdays": weekdays}
    return parts | _en_anchor(parts["period"], parts["business_days_only"], tokens)


def _en_anchor(period: str, business_days_only: bool, tokens: list[str]) -> dict:
    if period == WEEK and (weekdays := _en_weekdays(tokens)):
        return {"weekdays": weekdays}
    rest = " ".join(t for t in tokens if t != "-")
    if rest == "":
        return {}
    if match := _EN_COUNT.fullmatch(rest):
        word, number = match.groups()
        return {"times": {"once": 1, "twice": 2, "thrice": 3}[word] if word else _en_int(number)}
    if business_days_only:
        raise _NotUnderstood
    if period == WEEK:
        match = re.fullmatch(r"(?:by|before) (\w+)", rest)
        day = _en_day(match.group(1)) if match else None
        if day is None:
            raise _NotUnderstood
        return {"due_within_days": day}
    if period == MONTH:
        return _en_month_anchor(rest)
    if period in FIRST_MONTHS:
        return _en_long_anchor(period, rest)
    raise _NotUnderstood


def _en_day(token: str) -> int | None:
    if token in _EN_DAY_NAMES:
        return _EN_DAY_NAMES[token]
    if token.endswith("s") and token[:-1] in _EN_DAY_NAMES and len(token) > 3:
        return _EN_DAY_NAMES[token[:-1]]
    return None


def _en_weekdays(tokens: list[str]) -> tuple[int, ...]:
    """Mon, Wed and Fri / mondays / mon - fri / monday to friday; () if it is not such a list."""
    days: set[int] = set()
    previous: int | None = None
    in_range = False
    for token in tokens:
        day = _en_day(token)
        if day is not None:
            if in_range:
                if previous is None or day <= previous:
                    return ()
                days.update(range(previous, day + 1))
                in_range = False
            days.add(day)
            previous = day
        elif token in _EN_RANGE and previous is not None and not in_range:
            in_range = True
        elif token in _EN_SEPARATORS and days and not in_range:
            previous = None
        else:
            return ()
    return () if in_range else tuple(days)


def _en_month_anchor(rest: str) -> dict:
    if re.fullmatch(r"(?:first|1st) week", rest):
        return {"due_within_days": 7}
    if match := re.fullmatch(rf"(?:by|before) {_EN_ORD}(?: day)?", rest):
        return {"due_within_days": int(match.group(1))}
    if match := re.fullmatch(rf"(?:within )?first ({_EN_NUM}) days", rest):
        return {"due_within_days": _en_int(match.group(1))}
    working = r"(?:working|business|work) days?|workdays?|weekdays?"
    if match := re.fullmatch(rf"(?:within )?first ({_EN_NUM}) (?:{working})", rest):
        return {"due_within_days": _en_int(match.group(1)), "business_days_only": True}
    if match := re.fullmatch(rf"(?:{_EN_ORD}|(\w+)) (?:{working})", rest):
        number, word = match.groups()
        if number:
            day = int(number)
        elif word == "last":
            day = LAST
        elif word in _EN_ORDINALS:
            day = _EN_ORDINALS[word]
        else:
            raise _NotUnderstood
        return {"month_days": (day,), "business_days_only": True}
    days = []
    for token in rest.replace("last day", "last").split():
        if token in _EN_SEPARATORS:
            continue
        if token in ("last", "end"):
            days.append(LAST)
        elif match := re.fullmatch(_EN_ORD, token):
            days.append(int(match.group(1)))
        else:
            raise _NotUnderstood
    if not days:
        raise _NotUnderstood
    return {"month_days": tuple(days)}


def _en_long_anchor(period: str, rest: str) -> dict:
    if match := re.fullmatch(rf"(?:within )?first ({_EN_NUM}) days", rest):
        return {"due_within_days": _en_int(match.group(1))}
    if period == YEAR:
        if rest in _EN_MONTH_NAMES:
            return {"month_of_period": _EN_MONTH_NAMES[rest]}
        raise _NotUnderstood
    match = re.fullmatch(rf"(?:{_EN_ORD}|(\w+)) month", rest)
    if not match:
        raise _NotUnderstood
    number, word = match.groups()
    if number:
        return {"month_of_period": int(number)}
    if word == "last":
        return {"month_of_period": MONTHS_IN[period]}
    if word in _EN_ORDINALS:
        return {"month_of_period": _EN_ORDINALS[word]}
    raise _NotUnderstood
