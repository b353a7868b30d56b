"""Rules every write of hours and exceptions obeys, shared by the services, the notice import
and the forms: windows in order and apart, an exception's kind and hours consistent."""

from collections.abc import Iterable, Sequence
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .businesstime import Window, format_window, seconds_of_day
from .choices import ExceptionKind, Weekday
from .models import CalendarException


def check_windows(windows: Sequence[Window], field_name: str = "windows") -> list[Window]:
    """One day's windows, sorted; ValidationError if one ends before it starts or two overlap."""
    for start, end in windows:
        if seconds_of_day(end, end=True) <= seconds_of_day(start, end=False):
            raise ValidationError(
                {
                    field_name: _("%(window)s ends before it starts.")
                    % {"window": format_window(start, end)}
                }
            )
    ordered = sorted(windows, key=lambda w: seconds_of_day(w[0], end=False))
    for first, second in pairwise(ordered):
        if seconds_of_day(first[1], end=True) > seconds_of_day(second[0], end=False):
            raise ValidationError(
                {
                    field_name: _("%(first)s overlaps %(second)s.")
                    % {"first": format_window(*first), "second": format_window(*second)}
                }
            )
    return ordered


def check_exception(
    kind: str,
    pattern_weekday: int | None,
    windows: Sequence[Window],
    open_days: Iterable[int],
) -> tuple[int | None, list[Window]]:
    """An exception's pattern weekday and windows, checked against its kind and the weekdays
    that have working hours (``open_days``); ValidationError naming the field otherwise."""
    if kind not in ExceptionKind.values:
        raise ValidationError({"kind": _("Unknown kind of exception: %(kind)s.") % {"kind": kind}})
    if kind == ExceptionKind.WORKDAY:
        pattern_weekday = pattern_weekday or Weekday.MONDAY
        if pattern_weekday not in Weekday.values:
            raise ValidationError(
                {
                    "pattern_weekday": _("Weekdays are 1 (Monday) to 7 (Sunday), not %(day)s.")
                    % {"day": pattern_weekday}
                }
            )
        if pattern_weekday not in set(open_days):
            raise ValidationError(
                {
                    "pattern_weekday": _(
                        "%(day)s has no working hours to copy to the make-up workday."
                    )
                    % {"day": Weekday(pattern_weekday).label}
                }
            )
    elif pattern_weekday is not None:
        raise ValidationError(
            {"pattern_weekday": _("Only make-up workdays take the hours of another weekday.")}
        )
    if kind == ExceptionKind.SPECIAL_HOURS:
        if not windows:
            raise ValidationError(
                {"windows": _("Special hours need at least one window; use a holiday to close.")}
            )
        return pattern_weekday, check_windows(windows)
    if windows:
        raise ValidationError({"windows": _("Only special hours have their own windows.")})
    return pattern_weekday, []


def exception_label(exc: CalendarException, windows: Sequence[Window] = ()) -> str:
    bits = [exc.date.isoformat(), exc.kind]
    if exc.pattern_weekday:
        bits.append(f"as weekday {exc.pattern_weekday}")
    bits += [format_window(s, e) for s, e in windows]
    if exc.name:
        bits.append(exc.name)
    return " ".join(bits)
