"""iCalendar (.ics): reading holidays and make-up workdays from all-day events, and writing a
calendar's exceptions so that other calendar programs (and Opsbook again) can read them.

Reading, for each VEVENT (docs/users/calendars.md):

* only all-day events count (``DTSTART;VALUE=DATE``); an event over several days (``DTEND``,
  exclusive, or ``DURATION``) gives one entry per day; cancelled events are skipped;
* the kind comes from ``X-OPSBOOK-KIND`` (what Opsbook writes), else from ``CATEGORIES``
  (HOLIDAY, WORKDAY, SPECIAL-HOURS, or 假日, 调休, 特殊 …), else from the summary: one that
  contains 班, 调休, workday or make-up is a make-up workday; any other is a holiday;
* a make-up workday follows ``X-OPSBOOK-HOURS-AS-ON`` (1–7 or 周五) or a "按周五上班" in the
  summary or description; special hours take ``X-OPSBOOK-WINDOWS`` ("09:00-12:00,13:30-18:00");
* the name is ``X-OPSBOOK-NAME``, else the summary without its 休/班 marker.
"""

import re
from datetime import date, datetime, timedelta

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from opsbook.core import clock
from opsbook.core.text import clean_single_line

from ..businesstime import format_window
from ..choices import ExceptionKind, Weekday
from ..models import Calendar
from .entries import (
    WEEKDAY_IN_TEXT,
    CellError,
    Location,
    Notice,
    NoticeEntry,
    Problem,
    check_name,
    normalize,
    parse_kind,
    parse_weekday,
    parse_windows,
    text_of,
)

PRODID = "-//Opsbook//Business calendar//EN"
MAX_EVENTS = 10_000
MAX_DAYS_PER_EVENT = 366
MAX_DATES = 50_000  # as many as a sheet may have rows
CATEGORY: dict[str, str] = {
    ExceptionKind.HOLIDAY: "HOLIDAY",
    ExceptionKind.WORKDAY: "WORKDAY",
    ExceptionKind.SPECIAL_HOURS: "SPECIAL-HOURS",
}
# The marker a summary carries in Chinese holiday calendars: 休 for a day off, 班 for a
# make-up workday.
SUMMARY_MARK: dict[str, str] = {
    ExceptionKind.HOLIDAY: "休",
    ExceptionKind.WORKDAY: "班",
    ExceptionKind.SPECIAL_HOURS: "特殊时段",
}
_WORKDAY_HINTS = ("班", "调休", "workday", "working day", "make-up", "makeup")
_SPECIAL_HINTS = ("特殊时段", "special hours")
_MARK_AT_END = re.compile(
    r"[\s·:：\-–—]*[(（\[【]?\s*(?:休|班|补班|上班|调休|调休上班|放假|休息|补休|特殊时段[^)）\]】]*)"
    r"\s*[)）\]】]?\s*$"
)


def looks_like_ics(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


def _event_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each BEGIN:VEVENT, in the order the events appear."""
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]


def read_ics(data: bytes, filename: str) -> Notice:
    notice = Notice(filename)
    text, problem = _decoded(data)
    events: list = []
    lines: list[int] = []
    if problem is None:
        events, lines, problem = _parsed(text)
    if problem is not None:
        notice.problems.append(Problem(notice.origin, problem))
        return notice
    _read_events(notice, events, lines)
    return notice


def _decoded(data: bytes) -> tuple[str, str | None]:
    """The file's text, or why it cannot be read as an iCalendar file."""
    if not data:
        return "", _("The file is empty.")
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        return "", _("The file is %(size).1f MB; the limit is %(limit)d MB.") % {
            "size": len(data) / 1048576,
            "limit": limit // 1048576,
        }
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", _("The iCalendar file is not UTF-8; save it as UTF-8.")
    if not looks_like_ics(data):
        return "", _("This is not an iCalendar file: it does not start with BEGIN:VCALENDAR.")
    return text, None


def _parsed(text: str) -> tuple[list, list[int], str | None]:
    """The events and the line each starts on, or why the file cannot be parsed."""
    lines = _event_lines(text)
    if len(lines) > MAX_EVENTS:
        return [], [], _("The file has more than %(max)d events; split it.") % {"max": MAX_EVENTS}
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        return [], [], _("The iCalendar file is malformed: %(reason)s") % {"reason": exc}
    events = [event for cal in calendars for event in cal.walk("VEVENT")]
    if not calendars or len(events) != len(lines):
        return (
            [],
            [],
            _("The iCalendar file is malformed: %(reason)s")
            % {"reason": _("a BEGIN has no matching END, or the file is cut short.")},
        )
    return events, lines, None


def _read_events(notice: Notice, events: list, lines: list[int]) -> None:
    for event, line in zip(events, lines, strict=True):
        where = Location(file=notice.filename, line=line, uid=str(event.get("UID", "")))
        if event.errors:
            name, reason = event.errors[0]
            notice.problems.append(
                Problem(
                    where,
                    _("The property %(name)s cannot be read: %(reason)s")
                    % {"name": name, "reason": reason},
                )
            )
            continue
        _read_event(notice, event, where)
        if len(notice.entries) > MAX_DATES:
            notice.problems.append(
                Problem(
                    where,
                    _("The file gives more than %(max)d dates; split it.") % {"max": MAX_DATES},
                )
            )
            break


def _prop_text(event, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return text_of(value)


def _categories(event) -> list[str]:
    values = event.get("CATEGORIES")
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    words = []
    for value in values:
        cats = getattr(value, "cats", None)
        words += [str(c) for c in cats] if cats is not None else str(value).split(",")
    return [w.strip() for w in words if w.strip()]


def _kind(event, summary: str) -> str:
    explicit = _prop_text(event, "X-OPSBOOK-KIND")
    if explicit:
        return parse_kind(explicit)
    for category in _categories(event):
        try:
            return parse_kind(category)
        except CellError:
            continue
    folded = normalize(summary)
    if any(normalize(hint) in folded for hint in _SPECIAL_HINTS):
        return ExceptionKind.SPECIAL_HOURS
    if any(normalize(hint) in folded for hint in _WORKDAY_HINTS):
        return ExceptionKind.WORKDAY
    return ExceptionKind.HOLIDAY


_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")


def _unescaped(match: re.Match[str]) -> str:
    return "\n" if match.group(1) in "nN" else match.group(1)


def _name(event, summary: str) -> str:
    explicit = event.get("X-OPSBOOK-NAME")
    if explicit is not None:
        # Unknown properties are read as written: undo the TEXT escaping (\\, \; \, \n).
        return check_name(_TEXT_ESCAPE.sub(_unescaped, str(explicit)))
    name = WEEKDAY_IN_TEXT.sub("", summary).strip()
    name = _MARK_AT_END.sub("", name).strip()
    return check_name(name)


def _pattern(event, summary: str) -> int | None:
    explicit = _prop_text(event, "X-OPSBOOK-HOURS-AS-ON")
    if explicit:
        return parse_weekday(explicit)
    for text in (summary, _prop_text(event, "DESCRIPTION")):
        match = WEEKDAY_IN_TEXT.search(text)
        if match:
            return parse_weekday(match.group(1))
    return None


def _days(event, where: Location) -> list[date]:
    start = event.decoded("DTSTART", None)
    if start is None:
        raise CellError(_("The event has no DTSTART."))
    if isinstance(start, datetime) or not isinstance(start, date):
        raise CellError(
            _(
                "The event has a time of day; only all-day events are read as holidays or "
                "make-up workdays."
            )
        )
    if event.get("RRULE") is not None:
        raise CellError(_("Repeating events (RRULE) are not read; list each date."))
    end = event.decoded("DTEND", None)
    if end is None and event.get("DURATION") is not None:
        end = start + event.decoded("DURATION")
    if isinstance(end, datetime):
        end = end.date()
    if end is None or end <= start:
        end = start + timedelta(days=1)
    count = (end - start).days
    if count > MAX_DAYS_PER_EVENT:
        raise CellError(
            _("The event lasts %(days)d days; at most %(max)d are read.")
            % {"days": count, "max": MAX_DAYS_PER_EVENT}
        )
    return [start + timedelta(days=n) for n in range(count)]


def _read_event(notice: Notice, event, where: Location) -> None:
    if _prop_text(event, "STATUS").upper() == "CANCELLED":
        notice.warnings.append(_("%(where)s: a cancelled event was skipped.") % {"where": where})
        return
    summary = _prop_text(event, "SUMMARY")
    try:
        days = _days(event, where)
        kind = _kind(event, summary)
        name = _name(event, summary)
        pattern = _pattern(event, summary) if kind == ExceptionKind.WORKDAY else None
        windows = (
            parse_windows(_prop_text(event, "X-OPSBOOK-WINDOWS"))
            if kind == ExceptionKind.SPECIAL_HOURS
            else ()
        )
    except CellError as exc:
        notice.problems.append(Problem(where, str(exc)))
        return
    except (ValueError, TypeError) as exc:
        notice.problems.append(
            Problem(where, _("The event cannot be read: %(reason)s") % {"reason": exc})
        )
        return
    notice.entries.extend(
        NoticeEntry(
            date=day, kind=kind, name=name, pattern_weekday=pattern, windows=windows, location=where
        )
        for day in days
    )


# --- Writing ----------------------------------------------------------------------------------


def _summary(kind: str, name: str, windows) -> str:
    mark = SUMMARY_MARK[kind]
    if kind == ExceptionKind.SPECIAL_HOURS:
        mark = f"{mark} {', '.join(format_window(s, e) for s, e in windows)}"
    return f"{name}（{mark}）" if name else mark


def _text(value: str) -> icalendar.vText:
    """A name as an iCalendar TEXT value: one line, no control characters (RFC 5545 allows
    none but tab), escaped by icalendar. Names are refused with line breaks since they went
    into files; a row stored before that is exported with spaces instead."""
    return icalendar.vText(clean_single_line(value))


def export_ics(calendar: Calendar, first_year: int, last_year: int) -> bytes:
    """The calendar's exceptions dated ``first_year`` to ``last_year`` as an iCalendar file:
    one all-day event per date, readable by ``read_ics`` without loss."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(calendar.name))
    cal.add("x-wr-timezone", calendar.time_zone)
    exceptions = calendar.exceptions.filter(
        date__gte=date(first_year, 1, 1), date__lte=date(last_year, 12, 31)
    ).prefetch_related("windows")
    stamp = clock.now()
    for exc in exceptions:
        windows = [(w.start, w.end) for w in exc.windows.all()]
        event = icalendar.Event()
        event.add("uid", f"opsbook-calendar-{calendar.pk}-{exc.date:%Y%m%d}")
        event.add("dtstamp", stamp)
        event.add("last-modified", exc.updated_at)
        event.add("dtstart", exc.date)
        event.add("dtend", exc.date + timedelta(days=1))
        event.add("summary", _text(_summary(exc.kind, exc.name, windows)))
        event.add("categories", [CATEGORY[exc.kind]])
        event.add("transp", "TRANSPARENT")
        event.add("x-opsbook-kind", exc.kind)
        event.add("x-opsbook-name", _text(exc.name))
        if exc.kind == ExceptionKind.WORKDAY:
            pattern = exc.pattern_weekday or Weekday.MONDAY
            event.add("x-opsbook-hours-as-on", str(pattern))
        if windows:
            event.add(
                "x-opsbook-windows",
                ",".join(format_window(s, e).replace("–", "-") for s, e in windows),
            )
        cal.add_component(event)
    return cal.to_ical()
