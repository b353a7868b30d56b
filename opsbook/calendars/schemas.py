"""Shapes of the calendars API. Input schemas (``…In``, ``…Put``, ``…Patch``) are separate
from output schemas (``…Out``).

Times of day are strings ``HH:MM``; ``24:00`` as an end means midnight at the end of the day.
Output schemas read model instances prepared by ``calendars/api.py`` (windows, years and the
chosen exceptions prefetched; health computed once per request).
"""

import datetime as dt
import re
from typing import Annotated

from ninja import Field, Schema
from pydantic import field_validator

from opsbook.core.text import MultiLine, SingleLine

from .businesstime import MIDNIGHT, Window
from .choices import DataSource, ExceptionKind
from .health import health_for_request
from .models import FIRST_YEAR, LAST_YEAR

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday: 1 Monday … 7 Sunday.")]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
# Control characters (CR/LF included: names go into file names and iCalendar lines) are refused
# here with the field named (422), as the forms and the models refuse them (core/text.py).
Name = Annotated[SingleLine, Field(min_length=1, max_length=100)]
ExceptionName = Annotated[SingleLine, Field(max_length=100)]
Description = MultiLine
Clock = Annotated[str, Field(description="HH:MM, 24-hour.", examples=["09:00"])]
EndClock = Annotated[
    str, Field(description="HH:MM, 24-hour; 24:00 is midnight at the end of the day.")
]
Version = Annotated[
    int | None, Field(description="The version you read; a 409 answers if someone saved since.")
]


def clock_text(value: dt.time, *, end: bool = False) -> str:
    return "24:00" if end and value == MIDNIGHT else f"{value:%H:%M}"


def parse_clock(text: str, *, end: bool = False) -> dt.time:
    if end and text == "24:00":
        return MIDNIGHT
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time of day HH:MM" + (" (or 24:00)" if end else ""))
    return dt.time(int(match.group(1)), int(match.group(2)))


# --- Output -----------------------------------------------------------------------------------


class WindowOut(Schema):
    start: str
    end: str

    @staticmethod
    def resolve_start(obj) -> str:
        return clock_text(obj.start)

    @staticmethod
    def resolve_end(obj) -> str:
        return clock_text(obj.end, end=True)


class WeeklyWindowOut(WindowOut):
    weekday: int


class YearOut(Schema):
    year: int
    complete: bool = Field(description="All holidays and make-up workdays of the year are in.")
    source: DataSource
    note: str
    updated_at: dt.datetime


class ExceptionOut(Schema):
    id: int
    date: dt.date
    kind: ExceptionKind
    name: str
    hours_as_on: int | None = Field(
        description="Make-up workdays: the weekday whose windows apply (1 Monday … 7 Sunday)."
    )
    windows: list[WindowOut] = Field(description="Special hours: the day's own windows.")
    source: DataSource
    updated_at: dt.datetime

    @staticmethod
    def resolve_hours_as_on(obj) -> int | None:
        return obj.pattern_weekday

    @staticmethod
    def resolve_windows(obj) -> list:
        return list(obj.windows.all())


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    description: str
    is_default: bool
    version: int = Field(description="Send it back in a PUT or PATCH to detect concurrent edits.")
    updated_at: dt.datetime
    windows: list[WeeklyWindowOut] = Field(description="Working windows by weekday.")
    years_covered: list[int]
    years: list[YearOut]
    warnings: list[str] = Field(description="Health warnings: missing or incomplete years.")

    @staticmethod
    def resolve_windows(obj) -> list:
        return list(obj.windows.all())

    @staticmethod
    def resolve_years(obj) -> list:
        return list(obj.years.all())

    @staticmethod
    def resolve_years_covered(obj) -> list[int]:
        return [row.year for row in obj.years.all() if row.complete]

    @staticmethod
    def resolve_warnings(obj, context) -> list[str]:
        return health_for_request(context["request"]).by_calendar.get(obj.pk, [])


class CalendarDetailOut(CalendarOut):
    exceptions: list[ExceptionOut] = Field(
        description="Dated exceptions, of the years asked for (all when none)."
    )

    @staticmethod
    def resolve_exceptions(obj) -> list:
        return obj.exception_list


class HealthOut(Schema):
    ok: bool
    warnings: list[str]


# --- Input ------------------------------------------------------------------------------------


class WindowIn(Schema):
    start: Clock
    end: EndClock

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        parse_clock(value, end=True)
        return value

    def window(self) -> Window:
        return parse_clock(self.start), parse_clock(self.end, end=True)


class WeeklyWindowIn(WindowIn):
    weekday: Weekday


class CalendarIn(Schema):
    name: Name
    time_zone: Annotated[str, Field(min_length=1, max_length=64, examples=["Asia/Shanghai"])]
    description: Description = ""
    is_default: bool = False
    windows: list[WeeklyWindowIn] = Field(
        default_factory=list, description="Working windows; several a day make breaks."
    )


class CalendarPut(CalendarIn):
    version: int = Field(description="The version you read; a 409 answers if someone saved since.")


class CalendarPatch(Schema):
    version: Version = None
    name: Name | None = None
    time_zone: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    description: Description | None = None
    is_default: bool | None = None
    windows: list[WeeklyWindowIn] | None = Field(
        None, description="Given: replaces every weekly window."
    )


class ExceptionIn(Schema):
    date: dt.date
    kind: ExceptionKind
    name: ExceptionName = ""
    hours_as_on: Weekday | None = Field(
        None, description="Make-up workdays only; Monday when left out."
    )
    windows: list[WindowIn] = Field(default_factory=list, description="Special hours only.")
    version: Version = None


class ExceptionPut(Schema):
    date: dt.date | None = Field(None, description="Given and different: moves the exception.")
    kind: ExceptionKind
    name: ExceptionName = ""
    hours_as_on: Weekday | None = None
    windows: list[WindowIn] = Field(default_factory=list)
    version: Version = None


class ExceptionPatch(Schema):
    date: dt.date | None = Field(None, description="Moves the exception to another date.")
    kind: ExceptionKind | None = None
    name: ExceptionName | None = None
    hours_as_on: Weekday | None = None
    windows: list[WindowIn] | None = None
    version: Version = None


class YearIn(Schema):
    complete: bool = True
    note: Annotated[SingleLine, Field(max_length=200)] = ""
    version: Version = None
