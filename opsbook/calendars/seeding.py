"""Official working-day data for mainland China, read from the ``chinesecalendar`` library.

Pure: no database. ``sync.do_sync_china_calendar`` writes this into a calendar; the
benchmark and tests compile it directly. Only days that differ from the weekly pattern become
exceptions: holidays that fall on a weekday, and make-up workdays (调休) that fall on a weekend.
Weekend holidays change nothing, so they are left out.
"""

from dataclasses import dataclass, field
from datetime import date, time

import chinese_calendar

from .businesstime import CompiledCalendar, Window

CHINA_CALENDAR_NAME = "中国大陆工作日"
CHINA_TIME_ZONE = "Asia/Shanghai"
# Monday to Friday, 09:00–12:00 and 13:30–18:00: the usual office day with a lunch break.
CHINA_DEFAULT_WINDOWS: tuple[Window, ...] = ((time(9), time(12)), (time(13, 30), time(18)))
CHINA_WORKWEEK = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class OfficialYears:
    """What the library knows: its years, and the days that break the Monday–Friday pattern."""

    library_version: str
    years: tuple[int, ...]
    holidays: dict[date, str] = field(default_factory=dict)  # weekday → closed, with its name
    workdays: dict[date, str] = field(default_factory=dict)  # weekend → make-up workday


def _chinese_name(english: str | None) -> str:
    if not english:
        return ""
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def china_official_years() -> OfficialYears:
    holidays, workdays = chinese_calendar.holidays, chinese_calendar.workdays
    first = min(d.year for d in holidays)
    last = max(d.year for d in holidays)
    return OfficialYears(
        library_version=chinese_calendar.__version__,
        years=tuple(range(first, last + 1)),
        holidays={
            d: _chinese_name(name) for d, name in sorted(holidays.items()) if d.isoweekday() <= 5
        },
        workdays={
            d: _chinese_name(name) for d, name in sorted(workdays.items()) if d.isoweekday() >= 6
        },
    )


def china_compiled_calendar(
    windows: tuple[Window, ...] = CHINA_DEFAULT_WINDOWS, data: OfficialYears | None = None
) -> CompiledCalendar:
    """The default China calendar compiled straight from the library (no database)."""
    data = data or china_official_years()
    exceptions: dict[date, tuple[Window, ...]] = dict.fromkeys(data.holidays, ())
    exceptions.update(dict.fromkeys(data.workdays, windows))
    return CompiledCalendar(
        CHINA_TIME_ZONE, dict.fromkeys(CHINA_WORKWEEK, windows), exceptions, data.years
    )
