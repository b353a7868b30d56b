import json
from datetime import datetime
from itertools import islice

import pytest
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from opsbook.catalog.frequency import (
    DAY,
    HALF_YEAR,
    LAST,
    MONTH,
    MONTHS_IN,
    QUARTER,
    WEEK,
    YEAR,
    FrequencyError,
    make_frequency,
    parse_frequency,
)
from opsbook.catalog.models import ServiceItem
from opsbook.catalog.services import apply_frequency
from opsbook.catalog.testing import make_item

WORKING_WEEK = "BYDAY=MO,TU,WE,TH,FR"


def expected(period, rrule, zh, en, **fields):
    base = {
        "kind": "recurring",
        "period": period,
        "interval": 1,
        "times_per_period": None,
        "weekdays": [],
        "month_days": [],
        "business_days_only": False,
        "due_within_days": None,
        "rrule": rrule,
        "label_zh": zh,
        "label_en": en,
    }
    return base | fields


ON_DEMAND = expected(None, None, "按需", "On demand", kind="on_demand")

# Every phrase from the issue, grouped by the one structure they all mean.
TABLE = [
    (
        ["每日", "每天", "日常", "daily", "every day", "Every Day", "  daily  "],
        expected("day", "FREQ=DAILY;INTERVAL=1", "每日", "Daily"),
    ),
    (
        ["工作日每天", "每个工作日", "工作日", "weekdays", "every weekday", "on weekdays"],
        expected(
            "day",
            f"FREQ=DAILY;INTERVAL=1;{WORKING_WEEK}",
            "每个工作日",
            "Every working day",
            business_days_only=True,
        ),
    ),
    (
        ["每周", "每周一次", "一周一次", "weekly", "every week", "once a week"],
        expected("week", "FREQ=WEEKLY;INTERVAL=1", "每周", "Weekly"),
    ),
    (
        [
            "每周两次",
            "每周2次",
            "每周２次",
            "每周二次",
            "一周两次",
            "twice a week",
            "2x per week",
            "2 times a week",
            "twice weekly",
            "Twice-weekly",
            "2x/week",
        ],
        expected("week", None, "每周两次", "Twice a week", times_per_period=2),
    ),
    (
        [
            "每周一、三、五",
            "每周一三五",
            "每周一，三，五",
            "每周一、周三和周五",
            "星期一、三、五",
            "Mon/Wed/Fri",
            "every Mon, Wed, Fri",
            "Monday, Wednesday and Friday",
            "mon wed fri",
        ],
        expected(
            "week",
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE,FR",
            "每周一、三、五",
            "Every Mon, Wed, Fri",
            times_per_period=3,
            weekdays=[1, 3, 5],
        ),
    ),
    (
        [
            "周一至周五",
            "每周一至周五",
            "周一到周五",
            "星期一至星期五",
            "Mon-Fri",
            "Mon–Fri",
            "monday to friday",
            "Monday through Friday",
        ],
        expected(
            "week",
            f"FREQ=WEEKLY;INTERVAL=1;{WORKING_WEEK}",
            "每周一至周五",
            "Every Mon–Fri",
            times_per_period=5,
            weekdays=[1, 2, 3, 4, 5],
        ),
    ),
    (
        ["every Monday and Thursday", "Mondays and Thursdays", "每周一、四"],
        expected(
            "week",
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH",
            "每周一、四",
            "Every Mon, Thu",
            times_per_period=2,
            weekdays=[1, 4],
        ),
    ),
    (
        [
            "每两周",
            "双周",
            "隔周",
            "两周一次",
            "每2周",
            "every 2 weeks",
            "every two weeks",
            "every other week",
            "biweekly",
            "bi-weekly",
            "fortnightly",
            "once a fortnight",
        ],
        expected("week", "FREQ=WEEKLY;INTERVAL=2", "每两周", "Every 2 weeks", interval=2),
    ),
    (
        ["每月", "每个月", "每月一次", "月度", "monthly", "every month", "once a month"],
        expected("month", "FREQ=MONTHLY;INTERVAL=1", "每月", "Monthly"),
    ),
    (
        [
            "每月两次",
            "每月2次",
            "一个月两次",
            "每半月",
            "twice a month",
            "2x per month",
            "semi-monthly",
        ],
        expected("month", None, "每月两次", "Twice a month", times_per_period=2),
    ),
    (
        [
            "每月5日前",
            "每月5号之前",
            "每月5号前完成",
            "每月前5天",
            "by the 5th of each month",
            "before the 5th of every month",
            "within the first 5 days of each month",
        ],
        expected(
            "month",
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=5",
            "每月5日前",
            "By the 5th of each month",
            due_within_days=5,
        ),
    ),
    (
        # The first week of a month is read as its first seven days.
        ["每月第一周", "first week of each month", "in the first week of the month"],
        expected(
            "month",
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=7",
            "每月7日前",
            "By the 7th of each month",
            due_within_days=7,
        ),
    ),
    (
        [
            "每月1日和15日",
            "每月1号、15号",
            "每月1日15日",
            "每月1、15日",
            "on the 1st and 15th of each month",
            "1st and 15th of every month",
        ],
        expected(
            "month",
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=1,15",
            "每月1日、15日",
            "On the 1st and 15th of each month",
            times_per_period=2,
            month_days=[1, 15],
        ),
    ),
    (
        ["每月最后一天", "每月月底", "月末", "last day of each month", "month end"],
        expected(
            "month",
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1",
            "每月最后一天",
            "On the last day of each month",
            times_per_period=1,
            month_days=[LAST],
        ),
    ),
    (
        [
            "每月最后一个工作日",
            "每月最后工作日",
            "last working day of each month",
            "last business day of the month",
        ],
        expected(
            "month",
            f"FREQ=MONTHLY;INTERVAL=1;{WORKING_WEEK};BYSETPOS=-1",
            "每月最后一个工作日",
            "On the last working day of each month",
            times_per_period=1,
            month_days=[LAST],
            business_days_only=True,
        ),
    ),
    (
        [
            "每月第一个工作日",
            "每月第1个工作日",
            "first working day of each month",
            "1st business day of every month",
        ],
        expected(
            "month",
            f"FREQ=MONTHLY;INTERVAL=1;{WORKING_WEEK};BYSETPOS=1",
            "每月第一个工作日",
            "On the 1st working day of each month",
            times_per_period=1,
            month_days=[1],
            business_days_only=True,
        ),
    ),
    (
        ["每月前3个工作日内", "每月前三个工作日", "within the first 3 working days of each month"],
        expected(
            "month",
            f"FREQ=MONTHLY;INTERVAL=1;{WORKING_WEEK};BYSETPOS=3",
            "每月前3个工作日",
            "Within the first 3 working days of each month",
            due_within_days=3,
            business_days_only=True,
        ),
    ),
    (
        [
            "每季度",
            "每季",
            "季度",
            "每三个月",
            "每3个月",
            "quarterly",
            "every quarter",
            "every 3 months",
            "once a quarter",
        ],
        expected("quarter", "FREQ=MONTHLY;INTERVAL=3", "每季度", "Quarterly"),
    ),
    (
        [
            "每季度第一个月",
            "每季首月",
            "in the first month of each quarter",
            "first month of every quarter",
        ],
        expected(
            "quarter",
            "FREQ=YEARLY;INTERVAL=1;BYMONTH=1,4,7,10",
            "每季度第一个月",
            "In the first month of each quarter",
        ),
    ),
    (
        [
            "每半年",
            "半年一次",
            "每6个月",
            "每两个季度",
            "every 6 months",
            "every six months",
            "semi-annually",
            "semiannually",
            "half-yearly",
            "every half year",
        ],
        expected("half_year", "FREQ=MONTHLY;INTERVAL=6", "每半年", "Semi-annually"),
    ),
    (
        [
            "每年",
            "每年一次",
            "一年一次",
            "年度",
            "每12个月",
            "annually",
            "yearly",
            "every year",
            "once a year",
            "every 12 months",
            "per annum",
        ],
        expected("year", "FREQ=YEARLY;INTERVAL=1", "每年", "Annually"),
    ),
    (
        ["每年两次", "一年两次", "twice a year"],
        expected("year", None, "每年两次", "Twice a year", times_per_period=2),
    ),
    (
        ["每年3月", "每年三月份", "every year in March", "annually in mar"],
        expected("year", "FREQ=YEARLY;INTERVAL=1;BYMONTH=3", "每年3月", "Every year in March"),
    ),
    (
        [
            "按需",
            "不定期",
            "随时",
            "实时",
            "必要时",
            "on demand",
            "On-demand",
            "as needed",
            "ad hoc",
            "ad-hoc",
            "as required",
        ],
        ON_DEMAND,
    ),
    (
        ["每3天", "每三天", "every 3 days", "every three days"],
        expected("day", "FREQ=DAILY;INTERVAL=3", "每三天", "Every 3 days", interval=3),
    ),
    (
        ["隔天", "每隔一天", "every other day"],
        expected("day", "FREQ=DAILY;INTERVAL=2", "每两天", "Every 2 days", interval=2),
    ),
    (
        ["每2个月", "每两个月", "隔月", "every 2 months", "every other month", "bimonthly"],
        expected("month", "FREQ=MONTHLY;INTERVAL=2", "每两个月", "Every 2 months", interval=2),
    ),
    (
        ["每天两次", "每日2次", "twice a day", "twice daily", "2x per day"],
        expected("day", None, "每日两次", "Twice a day", times_per_period=2),
    ),
    (
        ["每周三前", "每星期三之前", "by Wednesday each week", "before wed every week"],
        expected(
            "week",
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=WE",
            "每周三前",
            "By Wed each week",
            due_within_days=3,
        ),
    ),
    (
        ["每两周的周一", "每两周一", "every other Monday", "every 2 weeks on Monday"],
        expected(
            "week",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "每两周的周一",
            "Every 2 weeks on Mon",
            interval=2,
            times_per_period=1,
            weekdays=[1],
        ),
    ),
]
PHRASES = [(phrase, want) for phrases, want in TABLE for phrase in phrases]
LABELS = [want[key] for _phrases, want in TABLE for key in ("label_zh", "label_en")]


def rrule_is_valid(rule: str) -> bool:
    start = datetime(2025, 1, 1)  # noqa: DTZ001 - RRULE arithmetic is on floating local times
    dates = list(islice(rrulestr(rule, dtstart=start), 3))
    return len(dates) == 3


@pytest.mark.parametrize(("phrase", "want"), PHRASES, ids=[p for p, _w in PHRASES])
def test_it_reads_each_phrase_people_write(phrase, want):
    assert parse_frequency(phrase).as_dict() == want


@pytest.mark.parametrize("label", LABELS)
def test_each_label_reads_back_as_the_same_frequency(label):
    frequency = parse_frequency(label)
    assert parse_frequency(frequency.label_zh) == frequency
    assert parse_frequency(frequency.label_en) == frequency


@pytest.mark.parametrize("rule", sorted({w["rrule"] for _p, w in TABLE if w["rrule"]}))
def test_every_rrule_in_the_table_is_valid_rfc5545(rule):
    assert rrule_is_valid(rule)


def test_the_parsed_value_is_plain_json():
    data = parse_frequency("每周一、三、五").as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_a_working_day_rrule_means_the_fifth_working_day_of_a_month():
    rule = parse_frequency("每月第5个工作日").rrule
    first = next(iter(rrulestr(rule, dtstart=datetime(2025, 3, 1))))  # noqa: DTZ001
    assert first.date().isoformat() == "2025-03-07"  # Mon 3 … Fri 7 (the calendar may move it)


def test_a_deadline_past_the_28th_has_no_rrule_because_months_differ():
    frequency = parse_frequency("每月30日前")
    assert frequency.due_within_days == 30
    assert frequency.rrule is None


def test_longer_runs_of_months_are_named_by_the_bigger_period():
    assert parse_frequency("every 24 months").as_dict() | {"rrule": None} == expected(
        "year", None, "每两年", "Every 2 years", interval=2
    )
    assert parse_frequency("每9个月").label_zh == "每九个月"
    assert parse_frequency("每三个月两次").as_dict() == expected(
        "quarter", None, "每季度两次", "Twice a quarter", times_per_period=2
    )


def test_a_date_in_a_longer_schedule_keeps_its_months():
    frequency = parse_frequency("每三个月的15日")
    assert (frequency.period, frequency.interval, frequency.month_days) == ("month", 3, (15,))
    assert frequency.label_en == "Every 3 months on the 15th"


NONSENSE = [
    "",
    "   ",
    "哈哈",
    "每周八",
    "每周八次",
    "8 times a week",
    "每天25次",
    "每0天",
    "每周0次",
    "每月32日",
    "每月第30个工作日",
    "每月第二周",
    "每月15",
    "两周",
    "每周五至周一",
    "每隔两天",
    "hourly",
    "weekly monthly",
    "every 2 weeks daily",
    "twice",
    "lol",
    "mon to",
    "by the 40th of each month",
    "工作日每两天",
    "every year in smarch",
    "每" * 101,
]


@pytest.mark.parametrize("phrase", NONSENSE)
def test_it_rejects_what_is_not_a_frequency_and_shows_examples(phrase):
    with pytest.raises(FrequencyError) as caught:
        parse_frequency(phrase)
    message = str(caught.value)
    assert "每周两次" in message
    assert "twice a week" in message
    if phrase.strip() and len(phrase) <= 100:
        assert f"“{phrase.strip()}”" in message
        assert caught.value.phrase == phrase.strip()


def test_more_times_than_days_says_why():
    with pytest.raises(FrequencyError, match="more than the 7 days"):
        parse_frequency("每周八次")
    with pytest.raises(FrequencyError, match="more than the 14 days"):
        parse_frequency("每两周15次")
    assert parse_frequency("每两周14次").times_per_period == 14


def test_it_refuses_parts_that_do_not_go_together():
    with pytest.raises(FrequencyError):
        make_frequency(WEEK, weekdays=(1,), times=3)
    with pytest.raises(FrequencyError):
        make_frequency(MONTH, weekdays=(1,))
    with pytest.raises(FrequencyError):
        make_frequency(WEEK, business_days_only=True)
    with pytest.raises(FrequencyError):
        make_frequency(MONTH, business_days_only=True)
    with pytest.raises(FrequencyError):
        make_frequency(MONTH, interval=2, due_within_days=5)
    with pytest.raises(FrequencyError):
        make_frequency(QUARTER, month_of_period=4)
    with pytest.raises(FrequencyError):
        make_frequency(None, interval=2)
    with pytest.raises(FrequencyError):
        make_frequency("fortnight")


# --- properties --------------------------------------------------------------------------

PER_PERIOD = {DAY: 24, WEEK: 7, MONTH: 28, QUARTER: 90, HALF_YEAR: 180, YEAR: 365}
DUE_MAX = {WEEK: 7, MONTH: 31, QUARTER: 92, HALF_YEAR: 184, YEAR: 366}


@st.composite
def frequency_parts(draw):
    period = draw(st.sampled_from([None, DAY, WEEK, MONTH, QUARTER, HALF_YEAR, YEAR]))
    if period is None:
        return {"period": None}
    interval = draw(st.integers(1, 24))
    shapes = ["plain", "times"]
    shapes += {
        DAY: ["working_days"],
        WEEK: ["weekdays", "due"],
        MONTH: ["month_days", "due", "working_day", "working_due"],
    }.get(period, ["due", "month"])
    shape = draw(st.sampled_from(shapes))
    parts = {"period": period, "interval": interval}
    if shape == "times":
        parts["times"] = draw(st.integers(1, PER_PERIOD[period] * interval))
    elif shape == "weekdays":
        parts["weekdays"] = tuple(draw(st.sets(st.integers(1, 7), min_size=1)))
    elif shape == "month_days":
        days = st.sampled_from([*range(1, 32), LAST])
        parts["month_days"] = tuple(draw(st.sets(days, min_size=1, max_size=6)))
    elif shape == "due":
        parts |= {"interval": 1, "due_within_days": draw(st.integers(1, DUE_MAX[period]))}
    elif shape == "month":
        parts |= {"interval": 1, "month_of_period": draw(st.integers(1, MONTHS_IN[period]))}
    elif shape == "working_days":
        times = draw(st.none() | st.integers(2, 24))
        parts |= {"interval": 1, "business_days_only": True, "times": times}
    elif shape == "working_day":
        day = draw(st.integers(1, 23) | st.just(LAST))
        parts |= {"interval": 1, "business_days_only": True, "month_days": (day,)}
    elif shape == "working_due":
        due = draw(st.integers(1, 23))
        parts |= {"interval": 1, "business_days_only": True, "due_within_days": due}
    return parts


@given(frequency_parts())
def test_any_frequency_reads_back_from_both_its_labels(parts):
    frequency = make_frequency(**parts)
    assert parse_frequency(frequency.label_zh) == frequency
    assert parse_frequency(frequency.label_en) == frequency
    if frequency.rrule:
        assert rrule_is_valid(frequency.rrule)


ZH_ALPHABET = "每周月日天年季度半一二两三四五六七八九十次前至、和个第最后工作日号0123456789 "


@given(st.text(alphabet=ZH_ALPHABET, max_size=12) | st.text(max_size=30))
def test_any_text_either_parses_or_raises_a_frequency_error(text):
    try:
        frequency = parse_frequency(text)
    except FrequencyError:
        return
    assert parse_frequency(frequency.label_zh) == frequency


# --- the catalog uses it -----------------------------------------------------------------


def test_apply_frequency_stores_the_parsed_structure_on_an_entry():
    item = ServiceItem(frequency_text="  每周一、三、五 ")
    apply_frequency(item)
    assert item.frequency_text == "每周一、三、五"
    assert item.frequency["weekdays"] == [1, 3, 5]
    assert (item.frequency_kind, item.frequency_period) == ("recurring", "week")


def test_apply_frequency_turns_an_unreadable_phrase_into_a_field_error():
    item = ServiceItem(frequency_text="哈哈")
    with pytest.raises(ValidationError) as caught:
        apply_frequency(item)
    assert "哈哈" in caught.value.message_dict["frequency_text"][0]


@pytest.mark.django_db
def test_a_saved_item_keeps_its_parsed_frequency():
    item = make_item(frequency_text="按需")
    item.refresh_from_db()
    assert item.frequency == ON_DEMAND
    assert item.frequency_kind == "on_demand"
    assert item.frequency_period == ""
