"""Business-time arithmetic on a compiled calendar. Pure functions: no database, no clock.

A ``CompiledCalendar`` is built once from a calendar's rows (``Calendar.compile()``) or from
plain data (tests, the benchmark): a time zone, the weekly working windows, the dated
exceptions, and the years whose official data is known. Every question is then answered from
a precomputed timeline without touching the database.

How time is counted:

* Instants are aware datetimes. Each is counted to the whole second (fractions are dropped),
  which keeps ``business_seconds`` exactly additive: ``bs(a, c) == bs(a, b) + bs(b, c)``.
* Windows are wall-clock times in the calendar's time zone, half-open ``[start, end)``. An end
  of ``00:00`` means midnight at the end of that day (24:00). On a day when the clocks change,
  a window counts the real seconds between its start and end instants: 09:00–18:00 is still
  9 hours, but 01:00–04:00 is 2 hours on the day Berlin springs forward and 4 on the day it
  falls back. A wall time that is skipped (02:30 when clocks jump from 02:00 to 03:00) is the
  moment of the jump; a repeated one is its first occurrence. No second is counted twice.
* The timeline is built per local year, on demand, as sorted window instants with prefix sums
  (business seconds elapsed before each window), so ``business_seconds`` is two binary
  searches and ``add_business_seconds`` one.
* Years without official data still follow the weekly windows, but nothing is guessed about
  their holidays: ``touches_uncovered(start, end)`` tells callers to flag the result.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from math import ceil, floor
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Window = tuple[time, time]
MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)


class CalendarDataError(ValueError):
    """Windows that cannot be used: end before start, overlapping, or with a time zone."""


class NeverOpenError(ValueError):
    """The calendar has no working time after the given instant, so no due time exists."""


def seconds_of_day(t: time, *, end: bool = False) -> int:
    """Seconds since midnight; an ``end`` of 00:00 is 86,400 (midnight at the end of the day)."""
    value = t.hour * 3600 + t.minute * 60 + t.second
    return 86400 if end and value == 0 else value


def format_window(start: time, end: time) -> str:
    return f"{start:%H:%M}–{'24:00' if end == MIDNIGHT else f'{end:%H:%M}'}"


def normalise_windows(windows: Iterable[Window]) -> tuple[Window, ...]:
    """Check one day's windows and return them sorted (seconds dropped below one second).

    Raises CalendarDataError when a window ends before it starts or two windows overlap;
    windows that merely touch (12:00–13:00 and 13:00–18:00) are fine.
    """
    result = []
    for start, end in windows:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise CalendarDataError("Window times are wall-clock times without a time zone.")
        start, end = start.replace(microsecond=0), end.replace(microsecond=0)
        if seconds_of_day(end, end=True) <= seconds_of_day(start, end=False):
            raise CalendarDataError(f"Window {start:%H:%M}–{end:%H:%M} ends before it starts.")
        result.append((start, end))
    result.sort(key=lambda w: seconds_of_day(w[0], end=False))
    for (_s1, e1), (s2, _e2) in pairwise(result):
        if seconds_of_day(e1, end=True) > seconds_of_day(s2, end=False):
            raise CalendarDataError(
                f"Windows overlap: one ends at {e1:%H:%M}, the next starts at {s2:%H:%M}."
            )
    return tuple(result)


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Working windows as POSIX seconds over whole local years ``first..last``."""

    first: int
    last: int
    lo: int  # first-01-01 00:00 local
    hi: int  # (last + 1)-01-01 00:00 local
    starts: list[int]
    ends: list[int]
    before: list[int]  # business seconds from lo to starts[i]
    through: list[int]  # business seconds from lo to ends[i]


class CompiledCalendar:
    """A calendar ready for arithmetic.

    ``weekly_windows`` maps ISO weekdays (1 = Monday … 7 = Sunday) to that day's windows; a
    missing weekday is closed. ``exceptions`` maps a date to the windows that replace the
    weekly ones on that date: empty for a holiday, the pattern weekday's windows for a
    make-up workday, the special windows for special hours. ``covered_years`` are the years
    whose official data (holidays, make-up days) is known.

    The timeline behind the arithmetic is built lazily for the years asked about and replaced
    as a whole when it grows, so one compiled calendar may be shared between threads.
    """

    __slots__ = ("_last_open_year", "_timeline", "covered_years", "exceptions", "tz", "weekly")

    def __init__(
        self,
        tz: str | tzinfo,
        weekly_windows: Mapping[int, Sequence[Window]],
        exceptions: Mapping[date, Sequence[Window]] | None = None,
        covered_years: Iterable[int] = (),
    ):
        if isinstance(tz, str):
            try:
                tz = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise CalendarDataError(f"{tz!r} is not a known time zone.") from None
        self.tz = tz
        unknown = set(weekly_windows) - set(range(1, 8))
        if unknown:
            raise CalendarDataError(f"Weekdays are 1 (Monday) to 7 (Sunday), not {unknown}.")
        self.weekly = {wd: normalise_windows(weekly_windows.get(wd, ())) for wd in range(1, 8)}
        self.exceptions = {d: normalise_windows(w) for d, w in (exceptions or {}).items()}
        self.covered_years = frozenset(covered_years)
        self._last_open_year: int | None
        if any(self.weekly.values()):
            self._last_open_year = MAXYEAR - 1
        else:
            open_days = [d.year for d, w in self.exceptions.items() if w]
            self._last_open_year = max(open_days) if open_days else None
        self._timeline: _Timeline | None = None

    def __repr__(self) -> str:
        years = sorted(self.covered_years)
        span = f"{years[0]}–{years[-1]}" if years else "none"
        return f"<CompiledCalendar {self.tz} covered={span} exceptions={len(self.exceptions)}>"

    # --- questions about days and years -----------------------------------------------------

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The working windows of one local date (empty when closed)."""
        found = self.exceptions.get(day)
        return found if found is not None else self.weekly[day.isoweekday()]

    def uncovered_years(self, start: datetime, end: datetime) -> list[int]:
        """Local years from ``start`` to ``end`` (inclusive) without official data."""
        first = _aware(start).astimezone(self.tz).year
        last = _aware(end).astimezone(self.tz).year
        if last < first:
            first, last = last, first
        return [y for y in range(first, last + 1) if y not in self.covered_years]

    def touches_uncovered(self, start: datetime, end: datetime) -> bool:
        """Whether a span reaches into a year whose holidays are not known (flag the result)."""
        return bool(self.uncovered_years(start, end))

    # --- the timeline -----------------------------------------------------------------------

    def _local_year(self, second: int) -> int:
        return datetime.fromtimestamp(second, self.tz).year

    def _year_start(self, year: int) -> int:
        return self._instant(date(year, 1, 1), MIDNIGHT)

    def _covering(self, a: int, b: int) -> _Timeline:
        """A timeline whose range contains the seconds ``a`` and ``b`` (``a <= b``)."""
        tl = self._timeline
        if tl is not None and tl.lo <= a and b <= tl.hi:
            return tl
        first, last = self._local_year(a), self._local_year(b)
        if tl is not None and first - tl.last <= 2 and tl.first - last <= 2:
            # Near the current range: widen it, at least doubling it on the side that grows so
            # a walk through the years rebuilds it only a few times. A far-away question gets
            # a timeline of its own instead of one spanning every year in between.
            size = tl.last - tl.first + 1
            if first < tl.first:
                first = min(first, tl.first - size)
            if last > tl.last:
                last = max(last, tl.last + size)
            first, last = min(first, tl.first), max(last, tl.last)
        return self._build(first, last)

    def _grow(self, tl: _Timeline, seconds_short: int) -> _Timeline:
        """Extend ``tl`` forward by enough years to hold ``seconds_short`` more business time."""
        if self._last_open_year is None or tl.last >= self._last_open_year:
            raise NeverOpenError("The calendar has no working time after this instant.")
        years = tl.last - tl.first + 1
        per_year = tl.through[-1] / years if tl.through and tl.through[-1] else 0
        extra = ceil(seconds_short / per_year) + 1 if per_year else 1
        return self._build(tl.first, min(tl.last + extra, self._last_open_year))

    def _instant(self, day: date, wall: time) -> int:
        """The first second at which the clock on ``day`` reads ``wall`` or later.

        That is the wall time's first occurrence when the clocks fall back, and the moment of
        the jump when ``wall`` is skipped (02:30 while clocks go from 02:00 to 03:00).
        """
        local = datetime.combine(day, wall, self.tz)
        second = int(local.timestamp())
        naive = local.replace(tzinfo=None)
        if datetime.fromtimestamp(second, self.tz).replace(tzinfo=None) == naive:
            return second
        lo, hi = int(local.replace(fold=1).timestamp()), second
        while lo < hi:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, self.tz).replace(tzinfo=None) >= naive:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _build(self, first: int, last: int) -> _Timeline:
        if first <= MINYEAR or last >= MAXYEAR:
            raise ValueError(f"Years {first}–{last} are out of range.")
        lo, hi = self._year_start(first), self._year_start(last + 1)
        starts: list[int] = []
        ends: list[int] = []
        before: list[int] = []
        through: list[int] = []
        total, previous_end = 0, lo
        day, stop = date(first, 1, 1), date(last + 1, 1, 1)
        exceptions, weekly = self.exceptions, self.weekly
        while day < stop:
            windows = exceptions.get(day)
            if windows is None:
                windows = weekly[day.isoweekday()]
            for start, end in windows:
                s = self._instant(day, start)
                e = self._instant(day + _ONE_DAY if end == MIDNIGHT else day, end)
                s = max(s, previous_end)  # never count a second twice, whatever the zone data
                if e <= s:
                    continue
                starts.append(s)
                ends.append(e)
                before.append(total)
                total += e - s
                through.append(total)
                previous_end = e
            day += _ONE_DAY
        tl = _Timeline(first, last, lo, hi, starts, ends, before, through)
        self._timeline = tl
        return tl


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant!r} is naive: business time needs aware datetimes.")
    return instant


def _second(instant: datetime) -> int:
    if instant.tzinfo is None:
        _aware(instant)
    return floor(instant.timestamp())


def _elapsed(tl: _Timeline, t: int) -> int:
    """Business seconds from ``tl.lo`` to ``t``."""
    i = bisect_right(tl.starts, t) - 1
    if i < 0:
        return 0
    if t >= tl.ends[i]:
        return tl.through[i]
    return tl.before[i] + t - tl.starts[i]


def business_seconds(cal: CompiledCalendar, start: datetime, end: datetime) -> int:
    """Working seconds between two instants; 0 when ``end <= start``."""
    if start.tzinfo is None or end.tzinfo is None:
        _aware(start)
        _aware(end)
    a = floor(start.timestamp())
    b = floor(end.timestamp())
    if b <= a:
        return 0
    tl = cal._timeline
    if tl is None or a < tl.lo or b > tl.hi:
        tl = cal._covering(a, b)
    starts = tl.starts
    # Inlined _elapsed(tl, b) - _elapsed(tl, a): this is the hot path of every SLA report.
    i = bisect_right(starts, b) - 1
    if i < 0:
        return 0
    eb = tl.through[i] if b >= tl.ends[i] else tl.before[i] + b - starts[i]
    j = bisect_right(starts, a, 0, i + 1) - 1
    if j < 0:
        return eb
    ea = tl.through[j] if a >= tl.ends[j] else tl.before[j] + a - starts[j]
    return eb - ea


def add_business_seconds(cal: CompiledCalendar, start: datetime, seconds: int) -> datetime:
    """The instant at which ``seconds`` of working time have elapsed after ``start``.

    Outside working time, counting begins at the next window. The result is the earliest such
    instant (a target reached exactly at 12:00 is 12:00, not 13:30), in ``start``'s time zone.
    Raises NeverOpenError when the calendar has no more working time.
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    if seconds == 0:
        return next_business_start(cal, start)
    a = _second(start)
    tl = cal._covering(a, a)
    target = _elapsed(tl, a) + seconds
    while not tl.through or target > tl.through[-1]:
        tl = cal._grow(tl, target - (tl.through[-1] if tl.through else 0))
    i = bisect_left(tl.through, target)
    return datetime.fromtimestamp(tl.ends[i] - (tl.through[i] - target), start.tzinfo)


def is_business_time(cal: CompiledCalendar, instant: datetime) -> bool:
    t = _second(instant)
    tl = cal._covering(t, t)
    i = bisect_right(tl.starts, t) - 1
    return i >= 0 and t < tl.ends[i]


def next_business_start(cal: CompiledCalendar, instant: datetime) -> datetime:
    """``instant`` itself during working time, else the start of the next window."""
    t = _second(instant)
    tl = cal._covering(t, t)
    i = bisect_right(tl.starts, t) - 1
    if i >= 0 and t < tl.ends[i]:
        return instant
    while i + 1 >= len(tl.starts):
        tl = cal._grow(tl, 1)
    return datetime.fromtimestamp(tl.starts[i + 1], instant.tzinfo)


def format_years(years: Iterable[int]) -> str:
    """Years as compact ranges: ``2004–2026``, ``2019, 2021–2022``; empty when none."""
    ordered = sorted(set(years))
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
