"""Numbers as teams write them: 2, 2.5, 两, 十五, 九成, 千分之一, 百分之九十五.

Chinese numerals are read by cn2an; this module only finds them in a sentence and turns the
ratio words into percentages (九成 = 90 %, 千分之一 = 0.1 %, 万分之五 = 0.05 %).
"""

import re
from decimal import Decimal, InvalidOperation

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九十百千万"
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)"
_CN_NUMBER = re.compile(rf"[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?")
# A Chinese numeral counts only before a unit: 一次解决率 keeps its 一.
_CN_BEFORE_UNIT = re.compile(
    rf"(?P<n>[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)(?=\s*个?\s*(?:半)?\s*"
    r"(?:小时|钟头|分钟|秒|天|日|号|工作日|周|星期|人|名|个月|月))"
)
_HALF = (
    (re.compile(r"(\d+)\s*个?半\s*(?:小时|钟头)"), None),
    (re.compile(r"半\s*个?\s*(?:小时|钟头)"), "30分钟"),
    (re.compile(r"半\s*个?\s*工作日"), "4小时"),
)
_RATIO_DENOMINATORS = {"百": Decimal(1), "千": Decimal("0.1"), "万": Decimal("0.01")}


def to_decimal(text: str) -> Decimal | None:
    """``text`` (Arabic or Chinese numerals) as a Decimal, None if it is not a number."""
    text = text.strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if not _CN_NUMBER.fullmatch(text):
        return None
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):
        return None
    return Decimal(str(value))


def percent_of_ratio(denominator: str, numerator: str) -> Decimal | None:
    """千分之一 → 0.1 (per cent); None if the numerator is not a number."""
    value = to_decimal(numerator)
    if value is None:
        return None
    return value * _RATIO_DENOMINATORS[denominator]


def arabic_before_units(text: str) -> str:
    """``text`` with the Chinese numerals that count something written in Arabic digits, and
    half hours in minutes: 两小时内 → 2小时内, 三个工作日 → 3个工作日, 半小时 → 30分钟."""

    def arabic(match: re.Match) -> str:
        value = to_decimal(match["n"])
        return match["n"] if value is None else format(value.normalize(), "f")

    text = _CN_BEFORE_UNIT.sub(arabic, text)
    for pattern, replacement in _HALF:
        if replacement is None:
            text = pattern.sub(lambda m: f"{int(m[1]) * 60 + 30}分钟", text)
        else:
            text = pattern.sub(replacement, text)
    return text
