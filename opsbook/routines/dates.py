"""When recurring work is due: the date rules of routines, as pure functions over working days.

``working_days(calendar, start, end)`` reads a business calendar once and answers "is this a
working day?" from a sorted array of day ordinals; ``due_dates(freq, days, start, end)`` turns a
parsed ``Frequency`` into the occurrences due between two dates. No database and no clock in
``due_dates``: the generator, ``opsbook schedule`` and the benchmark call the same code. The
rules, with worked examples around National Day, are in docs/users/scheduling.md; in short:

* Periods are ISO weeks (Monday first), calendar months, quarters (January, April, July,
  October), half years (January, July) and years. ``interval`` N groups N of them, counted
  from ``anchor`` (the content's start date) or, without one, from ``EPOCH``; the same dates
  come out whatever window is asked for.
* A period's occurrences are *planned* from the frequency (a weekday, a day of the month, a
  deadline day, or N runs of the period's working days), then a planned day that is not a
  working day is *shifted* (previous, next or keep) to a working day **within its period**.
  A period with no working day at all has no occurrence, unless the shift is ``keep``.
* Day frequencies that are not limited to working days (每日, 每日两次, 每三天) count calendar
  days and are never shifted; 工作日每天 is due on each working day only.
* An occurrence is returned when its due date lies in ``[start, end]``.
"""

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.models import Calendar
from opsbook.catalog.frequency import (
    DAY,
    FIRST_MONTHS,
    LAST,
    MONTH,
    MONTHS_IN,
    RECURRING,
    WEEK,
    Frequency,
)

# A Monday and a 1 January: intervals (每两周, 每3个月, 每两年) count from here when the content
# has no start date, so weeks and months line up with the calendar's.
EPOCH = date(2001, 1, 1)
_EPOCH_ORD = EPOCH.toordinal()


class Shift(StrEnum):
    """What to do with a planned day that is not a working day."""

    PREVIOUS = "previous"  # the last working day before it in its period (the default)
    NEXT = "next"  # the first working day after it in its period
    KEEP = "keep"  # keep it: the content runs on any day


class NotSchedulable(ValueError):
    """The frequency has no calendar to follow (on demand, event-driven, no period); the
    message says why and what to do instead."""


class NoCalendar(NotSchedulable):
    """No calendar was named and there is no default calendar to fall back on."""


@dataclass(frozen=True, slots=True)
class Due:
    due: date  # the day the work is due (after the shift)
    period_start: date  # first day of the period this occurrence belongs to
    period_end: date  # last day of that period: "missed" when it ends undone
    index: int  # 1-based slot within the period (每周两次 → 1, 2); stable across runs
    planned: date  # the day before shifting (for display and explanation)

    @property
    def shifted(self) -> bool:
        return self.due != self.planned


class WorkingDays:
    """Which days are working days on one calendar, ready for many questions.

    Days from 1 January of the year before ``start`` to 31 December of the year after ``end``
    are precomputed as a sorted array of ordinals (bisect answers "working days between a and
    b" in O(log n)) and a flag per day (``is_working`` in O(1)); days outside that range are
    answered from the calendar's rules, more slowly but the same. ``names`` maps dates to the
    calendar's name for them (国庆节).
    """

    __slots__ = (
        "_exceptions",
        "_flags",
        "_hi",
        "_lo",
        "_open_weekdays",
        "_ords",
        "covered_years",
        "label",
        "version",
    )

    def __init__(
        self,
        compiled: CompiledCalendar,
        start: date,
        end: date,
        *,
        names: Mapping[date, str] | None = None,
        label: str = "",
        version: int | None = None,
    ):
        self._open_weekdays = frozenset(wd for wd, windows in compiled.weekly.items() if windows)
        self._exceptions: dict[date, tuple[bool, str]] = {
            day: (bool(windows), (names or {}).get(day, ""))
            for day, windows in compiled.exceptions.items()
        }
        self.covered_years = compiled.covered_years
        self.label = label
        self.version = version  # the calendar's version when read: compare to reuse it
        self._lo = date(max(start.year - 1, 1), 1, 1).toordinal()
        self._hi = date(min(end.year + 1, 9998), 12, 31).toordinal()
        is_open = self._is_working_ordinal
        self._ords = [o for o in range(self._lo, self._hi + 1) if is_open(o)]
        self._flags = bytearray(self._hi - self._lo + 1)
        for o in self._ords:
            self._flags[o - self._lo] = 1

    def __repr__(self) -> str:
        first, last = date.fromordinal(self._lo), date.fromordinal(self._hi)
        return f"<WorkingDays {self.label or '?'} {first}–{last}: {len(self._ords)} working>"

    def _is_working_ordinal(self, ordinal: int) -> bool:
        day = date.fromordinal(ordinal)
        found = self._exceptions.get(day)
        if found is not None:
            return found[0]
        return day.isoweekday() in self._open_weekdays

    def is_working(self, day: date) -> bool:
        o = day.toordinal()
        if self._lo <= o <= self._hi:
            return bool(self._flags[o - self._lo])
        return self._is_working_ordinal(o)

    def between(self, first: date, last: date) -> list[date]:
        """The working days from ``first`` to ``last``, both included."""
        seq, i, j = self._span(first.toordinal(), last.toordinal())
        return [date.fromordinal(o) for o in seq[i:j]]

    def name_of(self, day: date) -> str:
        """The calendar's name for a dated exception (国庆节), else ""."""
        found = self._exceptions.get(day)
        return found[1] if found else ""

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """Years from ``first`` to ``last`` whose holidays the calendar does not know: dates in
        them follow the weekly pattern only, and callers should say so."""
        return [y for y in range(first.year, last.year + 1) if y not in self.covered_years]

    def _span(self, a: int, b: int) -> tuple[Sequence[int], int, int]:
        """Working ordinals from ``a`` to ``b`` as ``seq[i:j]`` (no copy inside the range)."""
        if self._lo <= a and b <= self._hi:
            ords = self._ords
            return ords, bisect_left(ords, a), bisect_right(ords, b)
        found = [o for o in range(a, b + 1) if self._is_working_ordinal(o)]
        return found, 0, len(found)


def working_days(calendar: Calendar | None, start: date, end: date) -> WorkingDays:
    """Read ``calendar`` (``None``: the default calendar) once and precompute its working days
    around ``[start, end]``. Raises NoCalendar when there is no default calendar."""
    if calendar is None:
        calendar = Calendar.objects.default()
        if calendar is None:
            raise NoCalendar(
                _(
                    "There is no default business calendar: run “opsbook calendar sync-cn” "
                    "or make a calendar the default."
                )
            )
    compiled = calendar.compile()
    names = dict(calendar.exceptions.exclude(name="").values_list("date", "name"))
    return WorkingDays(
        compiled, start, end, names=names, label=calendar.name, version=calendar.version
    )


def frequency_from_dict(data: Mapping[str, Any] | None) -> Frequency:
    """A ``Frequency`` from its stored JSON (``ChecklistEntry.frequency``, ``as_dict()``).

    Raises NotSchedulable when there is none (content whose frequency was left empty)."""
    if not data:
        raise NotSchedulable(_("The content has no frequency to schedule by."))
    return Frequency(
        kind=data["kind"],
        period=data.get("period"),
        interval=data.get("interval") or 1,
        times_per_period=data.get("times_per_period"),
        weekdays=tuple(data.get("weekdays") or ()),
        month_days=tuple(data.get("month_days") or ()),
        business_days_only=bool(data.get("business_days_only")),
        due_within_days=data.get("due_within_days"),
        rrule=data.get("rrule"),
        label_zh=data.get("label_zh") or "",
        label_en=data.get("label_en") or "",
    )


# --- the plan of one frequency ----------------------------------------------------------------

_SPREAD = "spread"  # N runs of the period's working days (nothing fixed, or a bare count)
_WEEKDAYS = "weekdays"  # days of the first week of the period, shifted
_MONTH_DAYS = "month_days"  # days of the first month of the period, shifted
_DEADLINE = "deadline"  # day n of the period, shifted
_NTH_WORKING = "nth_working"  # the n-th (or last) working day of the period
_IN_MONTH = "in_month"  # once in the m-th month of the period (每季度第一个月, 每年3月)
_EVERY_WORKING_DAY = "every_working_day"  # 工作日每天: N on each working day
_CALENDAR_DAYS = "calendar_days"  # 每日, 每三天: calendar days, never shifted


@dataclass(frozen=True, slots=True)
class _Plan:
    period: str
    interval: int
    shape: str
    times: int  # occurrences per period for _SPREAD and the day shapes
    days: tuple[int, ...] = ()  # weekdays, month days, the deadline day or the month


def _month_of_period(freq: Frequency) -> int | None:
    """每季度第二个月 and 每年3月 keep their month only in the RRULE's BYMONTH."""
    rule = freq.rrule or ""
    if freq.period not in FIRST_MONTHS or "BYMONTH=" not in rule or "BYMONTHDAY" in rule:
        return None
    months = rule.split("BYMONTH=", 1)[1].split(";", 1)[0].split(",")
    try:
        first = int(months[0])
    except ValueError:
        return None
    return first - FIRST_MONTHS[freq.period][0] + 1


def _plan(freq: Frequency) -> _Plan:
    label = freq.label_zh or freq.label_en
    if freq.kind != RECURRING or freq.period is None:
        raise NotSchedulable(
            _(
                "“%(label)s” is on demand or event-driven: it follows no calendar. Create its "
                "occurrences by hand or from a ticket."
            )
            % {"label": label}
        )
    period, interval = freq.period, max(freq.interval, 1)
    if period not in (DAY, WEEK, *MONTHS_IN):
        raise NotSchedulable(_("“%(label)s” has no period to schedule by.") % {"label": label})
    count = freq.times_per_period or 1
    if period == DAY:
        shape = _EVERY_WORKING_DAY if freq.business_days_only else _CALENDAR_DAYS
        return _Plan(period, 1 if freq.business_days_only else interval, shape, count)
    if freq.weekdays and period == WEEK:
        return _Plan(period, interval, _WEEKDAYS, count, freq.weekdays)
    if freq.business_days_only and (freq.month_days or freq.due_within_days):
        nth = freq.month_days[0] if freq.month_days else freq.due_within_days
        return _Plan(period, 1, _NTH_WORKING, 1, (nth or 1,))
    if freq.month_days and period == MONTH:
        return _Plan(period, interval, _MONTH_DAYS, count, freq.month_days)
    if freq.due_within_days:
        return _Plan(period, 1, _DEADLINE, 1, (freq.due_within_days,))
    month = _month_of_period(freq)
    if month is not None and freq.times_per_period is None:
        return _Plan(period, 1, _IN_MONTH, 1, (month,))
    if freq.weekdays or freq.month_days or freq.business_days_only:
        raise NotSchedulable(
            _("Opsbook cannot schedule “%(label)s”: its days do not fit its period.")
            % {"label": label}
        )
    return _Plan(period, interval, _SPREAD, count)


# --- periods ----------------------------------------------------------------------------------


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(index: int) -> int:
    return date(index // 12, index % 12 + 1, 1).toordinal()


def _unit_of(period: str, d: date) -> int:
    if period == DAY:
        return d.toordinal()
    if period == WEEK:
        return (d.toordinal() - _EPOCH_ORD) // 7
    return _month_index(d) // MONTHS_IN[period]


def _unit_start(period: str, unit: int) -> int:
    if period == DAY:
        return unit
    if period == WEEK:
        return _EPOCH_ORD + 7 * unit
    return _month_start(unit * MONTHS_IN[period])


def _periods(plan: _Plan, anchor: date, start: date, end: date) -> Iterator[tuple[int, int]]:
    """(first ordinal, last ordinal) of each period that overlaps ``[start, end]``."""
    period, n = plan.period, plan.interval
    origin = _unit_of(period, anchor)
    first = (_unit_of(period, start) - origin) // n
    last = (_unit_of(period, end) - origin) // n
    for p in range(first, last + 1):
        unit = origin + p * n
        yield _unit_start(period, unit), _unit_start(period, unit + n) - 1


# --- due dates --------------------------------------------------------------------------------


def due_dates(
    freq: Frequency,
    days: WorkingDays,
    start: date,
    end: date,
    *,
    shift: Shift = Shift.PREVIOUS,
    anchor: date | None = None,
) -> list[Due]:
    """The occurrences of ``freq`` due from ``start`` to ``end`` (both included), in order.

    ``anchor`` (the content's start date) fixes where intervals count from; it does not cut
    anything off: pass ``start`` no earlier than the content's start to leave out the dates
    before it. Raises NotSchedulable for on-demand and event-driven frequencies.
    """
    if end < start:
        raise ValueError("end is before start")
    if start.year < 2 or end.year > 9997:
        raise ValueError("dates must lie between the years 2 and 9997")
    plan = _plan(freq)
    shift = Shift(shift)
    lo, hi = start.toordinal(), end.toordinal()
    out: list[Due] = []
    if plan.shape == _EVERY_WORKING_DAY:
        seq, i, j = days._span(lo, hi)
        for o in seq[i:j]:
            d = date.fromordinal(o)
            out.extend(Due(d, d, d, k, d) for k in range(1, plan.times + 1))
        return out
    if plan.shape == _CALENDAR_DAYS and plan.interval == 1:  # 每日: the hot path
        for o in range(lo, hi + 1):
            d = date.fromordinal(o)
            out.extend(Due(d, d, d, k, d) for k in range(1, plan.times + 1))
        return out
    for ps, pe in _periods(plan, anchor or EPOCH, start, end):
        slots = _slots(plan, days, ps, pe, shift)
        if not slots:
            continue
        first, last = date.fromordinal(ps), date.fromordinal(pe)
        for index, planned, due in slots:
            if lo <= due <= hi:
                d = date.fromordinal(due)
                out.append(
                    Due(d, first, last, index, d if planned == due else date.fromordinal(planned))
                )
    # No sort needed: periods come in order, and within one the shift is monotonic (a later
    # planned day never gets an earlier due date), so slot order is due-date order.
    return out


_Slot = tuple[int, int, int]  # index, planned ordinal, due ordinal


def _slots(plan: _Plan, days: WorkingDays, ps: int, pe: int, shift: Shift) -> list[_Slot]:
    """(index, planned ordinal, due ordinal) of one period's occurrences."""
    shape = plan.shape
    if shape == _CALENDAR_DAYS:
        return _calendar_spread(ps, pe, plan.times)
    seq, i, j = days._span(ps, pe)
    if shape == _SPREAD:
        return _spread(seq, i, j, ps, pe, plan.times, shift)
    if shape == _NTH_WORKING:
        if j == i:
            return []
        nth = plan.days[0]
        o = seq[j - 1] if nth == LAST or nth > j - i else seq[i + nth - 1]
        return [(1, o, o)]
    if shape == _IN_MONTH:
        month = _month_index(date.fromordinal(ps)) + plan.days[0] - 1
        ms, me = _month_start(month), _month_start(month + 1) - 1
        mseq, mi, mj = days._span(ms, me)
        return _spread(mseq, mi, mj, ms, me, 1, shift)
    planned = _planned(plan, ps, pe)
    slots: list[_Slot] = []
    for index, o in enumerate(planned, 1):
        due = _shifted(seq, i, j, o, shift)
        if due is not None:
            slots.append((index, o, due))
    return slots


def _nth(k: int, length: int, times: int) -> int:
    """Offset from the period's start of occurrence ``k`` of ``times`` spread over ``length``
    days: the last day of the k-th of ``times`` runs, never before the first day."""
    return max(1, k * length // times) - 1


def _spread(
    seq: Sequence[int], i: int, j: int, ps: int, pe: int, times: int, shift: Shift
) -> list[_Slot]:
    """N occurrences on the last days of N runs of the period's working days."""
    working = j - i
    if working:
        picked = (seq[i + _nth(k, working, times)] for k in range(1, times + 1))
        return [(k, o, o) for k, o in enumerate(picked, 1)]
    if shift == Shift.KEEP:  # no working day: keep means the content runs on any day
        return _calendar_spread(ps, pe, times)
    return []


def _calendar_spread(ps: int, pe: int, times: int) -> list[_Slot]:
    length = pe - ps + 1
    picked = (ps + _nth(k, length, times) for k in range(1, times + 1))
    return [(k, o, o) for k, o in enumerate(picked, 1)]


def _planned(plan: _Plan, ps: int, pe: int) -> list[int]:
    """The planned days of a weekday, month-day or deadline plan (distinct, in order)."""
    if plan.shape == _WEEKDAYS:
        return [ps + wd - 1 for wd in plan.days]
    if plan.shape == _DEADLINE:
        return [min(ps + plan.days[0] - 1, pe)]
    first = date.fromordinal(ps)
    length = monthrange(first.year, first.month)[1]
    found: list[int] = []
    for day in plan.days:
        o = ps + (length if day == LAST else min(day, length)) - 1
        if o not in found:
            found.append(o)
    return found


def _shifted(seq: Sequence[int], i: int, j: int, o: int, shift: Shift) -> int | None:
    """``o`` moved to a working day of its period (``seq[i:j]``), or None when there is none."""
    k = bisect_left(seq, o, i, j)
    if k < j and seq[k] == o:
        return o
    if shift == Shift.KEEP:
        return o
    before = seq[k - 1] if k > i else None
    after = seq[k] if k < j else None
    if shift == Shift.PREVIOUS:
        return before if before is not None else after
    return after if after is not None else before


def describe_shift(occurrence: Due, days: WorkingDays) -> str:
    """Why an occurrence moved, for people: "国庆节" or "Saturday"; "" when it did not."""
    if not occurrence.shifted:
        return ""
    planned = occurrence.planned
    name = days.name_of(planned)
    if name:
        return name
    if planned.isoweekday() >= 6:
        return _("weekend")
    return _("not a working day")
