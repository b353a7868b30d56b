"""A frequency as an RFC 5545 recurrence rule (RRULE)."""

from .model import (
    DAY,
    FIRST_MONTHS,
    ICAL_DAYS,
    LAST,
    MONTH,
    MONTHS_IN,
    WEEK,
    WORKING_WEEK,
    YEAR,
    Spec,
)


def rrule_of(s: Spec) -> str | None:
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
            by_month_day = ",".join(str(d) for d in s.month_days)
            return f"FREQ=MONTHLY;INTERVAL={s.interval};BYMONTHDAY={by_month_day}"
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
