"""The display strings of a report's figures, by unit and language (``zh-hans``, the default,
or ``en``). Formatted once, when the document is built, so every renderer prints the same
text; pure functions over numbers (no database, no active translation: the language is an
argument, so a Chinese report built from an English shell reads the same).

    count     1,234           change +134          change_pct +12.2%
    ratio     95.2%           change -0.9 个百分点 / -0.9 pp
    seconds   2小时15分 / 2 h 15 min               change +15分 / +15 min
    score     4.62            change +0.07
    nps       +35             change +5
    missing   —
"""

from __future__ import annotations

from opsbook.metrics.registry import Unit

DASH = "—"
LANGUAGES = ("zh-hans", "en")


def _lang(language: str) -> str:
    return "en" if language.lower().startswith("en") else "zh-hans"


def _grouped(number: float, places: int) -> str:
    return f"{round(number, places):,.{places}f}"


def duration(seconds: float, language: str = "zh-hans") -> str:
    """Seconds as a duration: 45秒 / 45 s, 12分 / 12 min, 2小时15分 / 2 h 15 min."""
    en = _lang(language) == "en"
    seconds = round(abs(seconds))
    if seconds < 60:
        return f"{seconds} s" if en else f"{seconds}秒"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min" if en else f"{minutes}分"
    hours, rest = divmod(minutes, 60)
    if en:
        return f"{hours:,} h {rest} min" if rest else f"{hours:,} h"
    return f"{hours:,}小时{rest}分" if rest else f"{hours:,}小时"


def value(number: float | None, unit: str, language: str = "zh-hans") -> str:
    """A value in its unit's display form; a dash when there is none."""
    if number is None:
        return DASH
    if unit == Unit.RATIO:
        return f"{_grouped(number * 100, 1)}%"
    if unit == Unit.SECONDS:
        return duration(number, language)
    if unit == Unit.COUNT:
        return _grouped(number, 0)
    if unit == Unit.SCORE:
        return _grouped(number, 2)
    if unit == Unit.NPS:
        return f"{number:+.0f}" if round(number) else "0"
    return _grouped(number, 2 if number % 1 else 0)


def _sign(delta: float, places: int) -> str:
    if round(delta, places) > 0:
        return "+"
    if round(delta, places) < 0:
        return "-"
    return ""


def change(delta: float | None, unit: str, language: str = "zh-hans") -> str:
    """A signed change between two values: ratios in percentage points ("-0.9 个百分点",
    "-0.9 pp"), durations as durations ("+15分"), other units in their own form ("+134")."""
    if delta is None:
        return DASH
    if unit == Unit.RATIO:
        points = delta * 100
        suffix = " pp" if _lang(language) == "en" else " 个百分点"
        return f"{_sign(points, 1)}{_grouped(abs(points), 1)}{suffix}"
    if unit == Unit.SECONDS:
        return f"{_sign(delta, 0)}{duration(abs(delta), language)}"
    if unit == Unit.COUNT:
        return f"{_sign(delta, 0)}{_grouped(abs(delta), 0)}"
    if unit == Unit.SCORE:
        return f"{_sign(delta, 2)}{_grouped(abs(delta), 2)}"
    if unit == Unit.NPS:
        return f"{_sign(delta, 0)}{abs(delta):.0f}"
    places = 2 if delta % 1 else 0
    return f"{_sign(delta, places)}{_grouped(abs(delta), places)}"


def change_pct(pct: float | None) -> str:
    """A relative change of the earlier value: "+12.2%", "-0.9%", "0.0%"."""
    if pct is None:
        return DASH
    return f"{_sign(pct * 100, 1)}{_grouped(abs(pct) * 100, 1)}%"


def display(
    *,
    unit: str,
    value_: float | None,
    previous: float | None,
    change_: float | None,
    change_pct_: float | None,
    last_year: float | None,
    target: float | None,
    language: str = "zh-hans",
) -> dict[str, str]:
    """Every part of a figure as printed (the document's ``figure["display"]``)."""
    return {
        "value": value(value_, unit, language),
        "previous": value(previous, unit, language),
        "change": change(change_, unit, language),
        "change_pct": change_pct(change_pct_),
        "last_year": value(last_year, unit, language),
        "target": value(target, unit, language),
    }


def status(status_: str | None, language: str = "zh-hans") -> str:
    """A target's status as a table prints it."""
    en = _lang(language) == "en"
    if status_ == "met":
        return "Met" if en else "达标"
    if status_ == "missed":
        return "Missed" if en else "未达标"
    return DASH


def month_label(year: int, month: int, language: str = "zh-hans") -> str:
    """2026年11月 / November 2026."""
    if _lang(language) == "en":
        import calendar

        return f"{calendar.month_name[month]} {year}"
    return f"{year}年{month}月"


def short_month(year: int, month: int, language: str = "zh-hans") -> str:
    """A chart's category: 11月 (12-month trends stay within two years; January says its
    year: 2026年1月) / Nov 2026."""
    if _lang(language) == "en":
        import calendar

        return f"{calendar.month_abbr[month]} {year}"
    return f"{year}年{month}月" if month == 1 else f"{month}月"


def day_label(d, language: str = "zh-hans") -> str:
    """2026年12月15日 / 15 Dec 2026; a dash for none."""
    if d is None:
        return DASH
    if _lang(language) == "en":
        return f"{d.day} {d:%b} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"
