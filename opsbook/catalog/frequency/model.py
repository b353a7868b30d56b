"""What a frequency is: the ``Frequency`` value, its vocabulary (periods, limits), the error
raised for a phrase that cannot be used, and the parts shared by the parsers and the writers."""

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from ..choices import FrequencyKind, FrequencyPeriod

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


@dataclass(frozen=True)
class Spec:
    period: str
    interval: int
    times: int | None
    weekdays: tuple[int, ...]
    month_days: tuple[int, ...]
    business_days_only: bool
    due: int | None
    month_of_period: int | None


class NotUnderstood(Exception):
    pass


def with_examples(message: str) -> str:
    examples = _("Write it like one of these: %(zh)s; or in English: %(en)s.") % {
        "zh": " / ".join(EXAMPLES_ZH),
        "en": " / ".join(EXAMPLES_EN),
    }
    return f"{message} {examples}"
