"""The entries a notice file holds, where each came from, and the small grammars of its
cells: kinds (假日 / 调休 / 特殊), weekdays (周五, 星期五, Friday, 5) and windows
(09:00-12:00,13:30-18:00).
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from opsbook.core.text import has_control_characters

from ..businesstime import Window
from ..choices import ExceptionKind, Weekday

NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class Location:
    """Where in the file: a sheet's row and column, or an iCalendar event's line and UID."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""  # "B (类型)"
    line: int | None = None
    uid: str = ""

    def __str__(self) -> str:
        if self.line is not None:
            if self.uid:
                return _("VEVENT at line %(line)s (UID %(uid)s)") % {
                    "line": self.line,
                    "uid": self.uid,
                }
            return _("VEVENT at line %(line)s") % {"line": self.line}
        if self.row is not None:
            if self.column:
                return _("sheet %(sheet)s, row %(row)s, column %(column)s") % {
                    "sheet": self.sheet,
                    "row": self.row,
                    "column": self.column,
                }
            return _("sheet %(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        return self.sheet or self.file


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    field: str = ""  # date, kind, name, pattern_weekday, windows, when one field is at fault

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def as_dict(self) -> dict:
        where = self.location
        return {
            "where": str(where),
            "sheet": where.sheet or None,
            "row": where.row,
            "column": where.column or None,
            "line": where.line,
            "uid": where.uid or None,
            "field": self.field or None,
            "message": self.message,
        }


@dataclass(frozen=True)
class NoticeEntry:
    date: date
    kind: str
    name: str = ""
    pattern_weekday: int | None = None
    windows: tuple[Window, ...] = ()
    location: Location = field(default_factory=Location)
    columns: Mapping[str, str] = field(default_factory=dict)  # field → "B (类型)" in a sheet

    def at(self, field_name: str) -> Location:
        """Where the value of one field came from (its cell, in a sheet)."""
        column = self.columns.get(field_name)
        return replace(self.location, column=column) if column else self.location


@dataclass
class Notice:
    filename: str
    entries: list[NoticeEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def origin(self) -> Location:
        return Location(file=self.filename)


class CellError(ValueError):
    """One cell's value cannot be read; the message says what was expected."""


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), no white space, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


# --- Kinds ------------------------------------------------------------------------------------

KIND_WORDS = {
    ExceptionKind.HOLIDAY: (
        "holiday", "closed", "假日", "节假日", "法定节假日", "假期", "放假", "休", "休息", "休息日",
        "休假", "补休",
    ),
    ExceptionKind.WORKDAY: (
        "workday", "workingday", "make-up", "makeup", "make-upworkday", "makeupworkday",
        "调休", "调休上班", "上班", "班", "补班", "工作日",
    ),
    ExceptionKind.SPECIAL_HOURS: (
        "special", "special_hours", "specialhours", "special-hours", "特殊", "特殊时段",
        "特殊时间", "特殊工作时间", "特殊营业时间",
    ),
}  # fmt: skip
_KINDS = {normalize(word): kind for kind, words in KIND_WORDS.items() for word in words}


def parse_kind(value) -> str:
    text = text_of(value)
    kind = _KINDS.get(normalize(text))
    if kind is None:
        raise CellError(
            _("%(value)s is not a kind; write holiday (假日), workday (调休) or special (特殊).")
            % {"value": text or '""'}
        )
    return kind


# --- Weekdays ---------------------------------------------------------------------------------

_WEEKDAY_WORDS = {
    Weekday.MONDAY: ("1", "一", "monday", "mon"),
    Weekday.TUESDAY: ("2", "二", "tuesday", "tue", "tues"),
    Weekday.WEDNESDAY: ("3", "三", "wednesday", "wed"),
    Weekday.THURSDAY: ("4", "四", "thursday", "thu", "thur", "thurs"),
    Weekday.FRIDAY: ("5", "五", "friday", "fri"),
    Weekday.SATURDAY: ("6", "六", "saturday", "sat"),
    Weekday.SUNDAY: ("7", "日", "天", "sunday", "sun"),
}
_WEEKDAYS = {word: day for day, words in _WEEKDAY_WORDS.items() for word in words}
_WEEKDAY_WRAPPING = re.compile(
    r"^(?:按|照|参照|同|ason|as)?(?:周|星期|礼拜)?(.+?)(?:上班|工作|的时间|时间)?$"
)
# "按周五上班" inside a longer text such as an iCalendar summary.
WEEKDAY_IN_TEXT = re.compile(r"按\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])\s*(?:上班|工作)?")


def parse_weekday(value) -> int | None:
    """周五, 星期五, 按周五上班, Friday, Fri or 5 → 5; empty → None."""
    text = normalize(text_of(value))
    if not text:
        return None
    day = _WEEKDAYS.get(text)
    if day is None:
        match = _WEEKDAY_WRAPPING.match(text)
        day = _WEEKDAYS.get(match.group(1)) if match else None
    if day is None:
        raise CellError(
            _("%(value)s is not a weekday; write 周一 … 周日, Monday … Sunday or 1 … 7.")
            % {"value": text_of(value)}
        )
    return int(day)


# --- Windows ----------------------------------------------------------------------------------

_WINDOW_SEPARATORS = re.compile(r"[,，;；、\n]+")
_WINDOW = re.compile(r"^(\d{1,2})[:：.](\d{2})\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2})[:：.](\d{2})$")


def _clock(hour: str, minute: str, *, end: bool) -> time:
    h, m = int(hour), int(minute)
    if end and (h, m) == (24, 0):
        return time(0)
    if h > 23 or m > 59:
        raise CellError(
            _("%(hour)s:%(minute)s is not a time of day.") % {"hour": hour, "minute": minute}
        )
    return time(h, m)


def parse_windows(value) -> tuple[Window, ...]:
    """ "09:00-12:00,13:30-18:00" → ((09:00, 12:00), (13:30, 18:00)); 24:00 ends at midnight."""
    text = unicodedata.normalize("NFKC", text_of(value)).strip()
    windows = []
    for part in _WINDOW_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        match = _WINDOW.match(part)
        if match is None:
            raise CellError(
                _("%(value)s is not a time window; write 09:00-12:00, several separated by commas.")
                % {"value": part}
            )
        windows.append(
            (_clock(*match.group(1, 2), end=False), _clock(*match.group(3, 4), end=True))
        )
    return tuple(windows)


# --- Dates ------------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value) -> date:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(
                _("%(value)s has a time of day; write the date only.") % {"value": value}
            )
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", text_of(value)).strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise CellError(
            _("%(value)s is not a date; write it as 2026-10-01.") % {"value": text or '""'}
        )
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise CellError(_("%(value)s is not a date in the calendar.") % {"value": text}) from None


def check_name(value) -> str:
    # A line break inside a cell is layout: the name is one line.
    name = " ".join(text_of(value).split())
    if has_control_characters(name):
        raise CellError(_("Line breaks, tabs and other control characters are not allowed."))
    if len(name) > NAME_MAX_LENGTH:
        raise CellError(_("The name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH})
    return name
