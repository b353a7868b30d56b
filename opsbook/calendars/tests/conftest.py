from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.seeding import china_compiled_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
LUNCH_BREAK_DAY = ((time(9), time(12)), (time(13, 30), time(18)))


def sh(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    """An instant on the wall clock in Shanghai: ``sh(2026, 10, 9, 17)``."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=SHANGHAI)


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def hours(n: float) -> int:
    return int(n * 3600)


@pytest.fixture(scope="session")
def china() -> CompiledCalendar:
    """The default 中国大陆工作日 calendar, compiled straight from chinesecalendar's data."""
    return china_compiled_calendar()


@pytest.fixture
def in_2026(time_machine):
    """Every clock stands still on Friday 9 October 2026, 10:00 in Shanghai: pages that open
    on "this year" show the 2026 data the tests enter, whatever the date the suite runs on."""
    time_machine.move_to(sh(2026, 10, 9, 10), tick=False)
    return time_machine
