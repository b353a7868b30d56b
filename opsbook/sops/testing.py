"""Small factories for SOP tests (this app's and those above it: tickets, routines)."""

from datetime import date, time
from typing import Any

from opsbook.calendars import services as calendars
from opsbook.calendars.choices import DataSource, ExceptionKind
from opsbook.calendars.models import Calendar

from . import services
from .choices import Evidence
from .models import Procedure
from .services import StepSpec

LUNCH_BREAK = [(time(9), time(12)), (time(13, 30), time(18))]
# 国庆 2026: 1–7 October off (3 and 4 are a weekend), Saturday 10 October a make-up workday.
NATIONAL_DAY_2026 = [date(2026, 10, d) for d in (1, 2, 5, 6, 7)]


def make_office_calendar(name: str = "上海办公室", *, default: bool = True) -> Calendar:
    """Mon–Fri 09:00–12:00 and 13:30–18:00 in Shanghai, National Day 2026 off, 2026 covered."""
    windows = [(day, s, e) for day in range(1, 6) for s, e in LUNCH_BREAK]
    calendar = calendars.do_create_calendar(
        None,
        name=name,
        time_zone="Asia/Shanghai",
        is_default=default,
        windows=windows,
        source="test",
    )
    for day in NATIONAL_DAY_2026:
        calendars.do_set_exception(
            None, calendar, date=day, kind=ExceptionKind.HOLIDAY, name="国庆节"
        )
    calendars.do_set_exception(
        None,
        calendar,
        date=date(2026, 10, 10),
        kind=ExceptionKind.WORKDAY,
        name="国庆节调休",
        pattern_weekday=1,
    )
    calendars.do_set_year(None, calendar, 2026, data_source=DataSource.MANUAL, complete=True)
    calendar.refresh_from_db()
    return calendar


def step(name: str, **values: Any) -> StepSpec:
    return StepSpec(name=name, **values)


DEFAULT_STEPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("受理登记", {"time_limit_minutes": 30}),
    ("现场处理", {"time_limit_minutes": 240, "evidence": Evidence.NOTE}),
    ("回访确认", {"checklist": ["电话回访", "记录满意度"]}),
)


def make_procedure(
    name: str = "投诉处理流程", steps: list[StepSpec] | None = None, **values: Any
) -> Procedure:
    if steps is None:
        steps = [step(n, **v) for n, v in DEFAULT_STEPS]
    return services.do_create_procedure(None, name=name, steps=steps, **values)
