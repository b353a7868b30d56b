"""Every frequency phrase from the issue, grouped by the one structure they all mean
(declarative data for test_frequency.py)."""

from opsbook.catalog.frequency import LAST

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
