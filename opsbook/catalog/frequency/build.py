"""``make_frequency``: validate the parts of a frequency and return its one normalised form,
with its RRULE and its Chinese and English labels."""

from django.utils.translation import gettext as _

from .labels import label_en, label_zh
from .model import (
    DAY,
    FIRST_MONTHS,
    HALF_YEAR,
    LAST,
    MAX_INTERVAL,
    MAX_PER_DAY,
    MAX_WORKING_DAY,
    MONTH,
    MONTHS_IN,
    ON_DEMAND,
    PERIOD_DAYS,
    QUARTER,
    RECURRING,
    WEEK,
    YEAR,
    Frequency,
    FrequencyError,
    Spec,
)
from .rrule import rrule_of


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
    spec = _spec(
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
        period=spec.period,
        interval=spec.interval,
        times_per_period=spec.times or len(spec.weekdays) or len(spec.month_days) or None,
        weekdays=spec.weekdays,
        month_days=spec.month_days,
        business_days_only=spec.business_days_only,
        due_within_days=spec.due,
        rrule=rrule_of(spec),
        label_zh=label_zh(spec),
        label_en=label_en(spec),
    )


def _spec(
    period: str,
    interval: int,
    times: int | None,
    weekdays: tuple[int, ...],
    month_days: tuple[int, ...],
    business_days_only: bool,
    due_within_days: int | None,
    month_of_period: int | None,
) -> Spec:
    """The parts of a recurring frequency, checked and in their normalised form."""
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
    return Spec(
        period,
        interval,
        times,
        weekdays,
        month_days,
        business_days_only,
        due_within_days,
        month_of_period,
    )


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
