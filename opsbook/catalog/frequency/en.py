"""Reading English phrases (twice a week, by the 5th of each month, every Mon, Wed, Fri …) into
``make_frequency`` arguments; anything else raises ``NotUnderstood``."""

import re

from .labels import EN_MONTHS
from .model import (
    DAY,
    FIRST_MONTHS,
    HALF_YEAR,
    LAST,
    MONTH,
    MONTHS_IN,
    QUARTER,
    WEEK,
    YEAR,
    NotUnderstood,
)

_EN_ON_DEMAND = {
    "on demand",
    "as needed",
    "as required",
    "when needed",
    "when required",
    "if needed",
    "ad hoc",
    "on request",
    "upon request",
    "on call",
    "any time",
    "anytime",
    "real time",
    "realtime",
    "irregular",
    "irregularly",
    "unscheduled",
    "as and when needed",
}
_EN_NUMBERS = {
    w: i + 1
    for i, w in enumerate(
        (
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        )
    )
}
_EN_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        (
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        )
    )
}
_EN_INTERVAL_WORDS = {"other": 2, "second": 2, "third": 3, "fourth": 4}
_EN_DAY_NAMES = {
    name: i + 1
    for i, names in enumerate(
        (
            "monday mon mo",
            "tuesday tue tues tu",
            "wednesday wed weds we",
            "thursday thu thur thurs th",
            "friday fri fr",
            "saturday sat sa",
            "sunday sun su",
        )
    )
    for name in names.split()
}
_EN_MONTH_NAMES = {
    name: i + 1
    for i, full in enumerate(EN_MONTHS)
    for name in {full.lower(), full[:3].lower(), "sept" if i == 8 else full[:3].lower()}
}
_EN_ADVERBS = {
    "daily": (DAY, 1),
    "everyday": (DAY, 1),
    "weekly": (WEEK, 1),
    "monthly": (MONTH, 1),
    "quarterly": (QUARTER, 1),
    "yearly": (YEAR, 1),
    "annually": (YEAR, 1),
    "semiannually": (HALF_YEAR, 1),
    "half yearly": (HALF_YEAR, 1),
    "biweekly": (WEEK, 2),
    "fortnightly": (WEEK, 2),
    "bimonthly": (MONTH, 2),
    "biennially": (YEAR, 2),
}
_EN_NOUNS = {
    "weekday": (DAY, 1, True),
    "workday": (DAY, 1, True),
    "working day": (DAY, 1, True),
    "business day": (DAY, 1, True),
    "day": (DAY, 1, False),
    "week": (WEEK, 1, False),
    "fortnight": (WEEK, 2, False),
    "month": (MONTH, 1, False),
    "quarter": (QUARTER, 1, False),
    "half year": (HALF_YEAR, 1, False),
    "year": (YEAR, 1, False),
    "annum": (YEAR, 1, False),
}
_EN_NUM = rf"(?:[0-9]+|{'|'.join(_EN_NUMBERS)})"
_EN_PERIOD = re.compile(
    r"(?<!\S)(?:of (?:each|every|the|a)|every|each|per|a|an|/) "
    rf"(?:({_EN_NUM}|{'|'.join(_EN_INTERVAL_WORDS)}) )?"
    rf"({'|'.join(sorted(_EN_NOUNS, key=len, reverse=True))})s?(?!\S)"
)
_EN_ADVERB = re.compile(rf"(?<!\S)({'|'.join(_EN_ADVERBS)})(?!\S)")
_EN_BARE_WORKING_DAYS = re.compile(r"(?<!\S)(?:weekdays|workdays|working days|business days)(?!\S)")
_EN_FILLERS = {"on", "the", "in", "at", "of", "every", "each", "during"}
_EN_SEPARATORS = {",", "/", "&", "+", ";", "and"}
_EN_RANGE = {"to", "through", "thru", "till", "until", "-"}
_EN_COUNT = re.compile(rf"(once|twice|thrice)|({_EN_NUM}) (?:times?|x)")
_EN_ORD = r"([0-9]+)(?:st|nd|rd|th)?"


def _en_int(token: str) -> int:
    if token.isascii() and token.isdigit():
        return int(token)
    return _EN_NUMBERS.get(token) or _EN_INTERVAL_WORDS.get(token) or _EN_ORDINALS[token]


def _normalise_en(s: str) -> str:
    s = re.sub(r"[\u2010-\u2015\u2212~]", "-", s)
    s = re.sub(r"\b(semi|bi)[- ](?=[a-z])", r"\1", s)
    s = re.sub(r"\bhalf[- ]?year", "half year", s)
    s = re.sub(r"(?<=[a-z])-(?=[a-z])", " - ", s)
    s = re.sub(r"([0-9])x\b", r"\1 x", s)
    s = re.sub(r"([,/&+;])", r" \1 ", s)
    s = re.sub(r"[.!?'’()]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.replace("semimonthly", "twice a month").replace("semiweekly", "twice a week")
    s = re.sub(
        r"^(?:at )?(?:the )?(?:month end|end of (?:the |each |every )?month)$",
        "last day of each month",
        s,
    )
    return re.sub(
        rf"\bevery (?:other|second) (?=(?:{'|'.join(_EN_DAY_NAMES)})s?\b)", "every 2 weeks on ", s
    )


def parse_en(text: str) -> dict:
    s = _normalise_en(text)
    if re.sub(r"[\s-]+", " ", s) in _EN_ON_DEMAND:
        return {"period": None}
    found = [*_EN_PERIOD.finditer(s), *_EN_ADVERB.finditer(s)]
    if len(found) > 1:
        raise NotUnderstood
    parts: dict = {}
    if found:
        match = found[0]
        if match.re is _EN_ADVERB:
            period, interval = _EN_ADVERBS[match.group(1)]
            business_days_only = False
        else:
            period, interval, business_days_only = _EN_NOUNS[match.group(2)]
            if match.group(1):
                interval *= _en_int(match.group(1))
        parts = {"period": period, "interval": interval, "business_days_only": business_days_only}
    elif bare := _EN_BARE_WORKING_DAYS.search(s):
        match = bare
        parts = {"period": DAY, "business_days_only": True}
    else:
        match = None
    if match is not None:
        s = f"{s[: match.start()]} {s[match.end() :]}"
    tokens = [t for t in s.split() if t not in _EN_FILLERS]
    if not parts:
        weekdays = _en_weekdays(tokens)
        if not weekdays:
            raise NotUnderstood
        return {"period": WEEK, "weekdays": weekdays}
    return parts | _en_anchor(parts["period"], parts["business_days_only"], tokens)


def _en_anchor(period: str, business_days_only: bool, tokens: list[str]) -> dict:
    if period == WEEK and (weekdays := _en_weekdays(tokens)):
        return {"weekdays": weekdays}
    rest = " ".join(t for t in tokens if t != "-")
    if rest == "":
        return {}
    if match := _EN_COUNT.fullmatch(rest):
        word, number = match.groups()
        return {"times": {"once": 1, "twice": 2, "thrice": 3}[word] if word else _en_int(number)}
    if business_days_only:
        raise NotUnderstood
    if period == WEEK:
        match = re.fullmatch(r"(?:by|before) (\w+)", rest)
        day = _en_day(match.group(1)) if match else None
        if day is None:
            raise NotUnderstood
        return {"due_within_days": day}
    if period == MONTH:
        return _en_month_anchor(rest)
    if period in FIRST_MONTHS:
        return _en_long_anchor(period, rest)
    raise NotUnderstood


def _en_day(token: str) -> int | None:
    if token in _EN_DAY_NAMES:
        return _EN_DAY_NAMES[token]
    if token.endswith("s") and token[:-1] in _EN_DAY_NAMES and len(token) > 3:
        return _EN_DAY_NAMES[token[:-1]]
    return None


def _en_weekdays(tokens: list[str]) -> tuple[int, ...]:
    """Mon, Wed and Fri / mondays / mon - fri / monday to friday; () if it is not such a list."""
    days: set[int] = set()
    previous: int | None = None
    in_range = False
    for token in tokens:
        day = _en_day(token)
        if day is not None:
            if in_range:
                if previous is None or day <= previous:
                    return ()
                days.update(range(previous, day + 1))
                in_range = False
            days.add(day)
            previous = day
        elif token in _EN_RANGE and previous is not None and not in_range:
            in_range = True
        elif token in _EN_SEPARATORS and days and not in_range:
            previous = None
        else:
            return ()
    return () if in_range else tuple(days)


def _en_month_anchor(rest: str) -> dict:
    if re.fullmatch(r"(?:first|1st) week", rest):
        return {"due_within_days": 7}
    if match := re.fullmatch(rf"(?:by|before) {_EN_ORD}(?: day)?", rest):
        return {"due_within_days": int(match.group(1))}
    if match := re.fullmatch(rf"(?:within )?first ({_EN_NUM}) days", rest):
        return {"due_within_days": _en_int(match.group(1))}
    working = r"(?:working|business|work) days?|workdays?|weekdays?"
    if match := re.fullmatch(rf"(?:within )?first ({_EN_NUM}) (?:{working})", rest):
        return {"due_within_days": _en_int(match.group(1)), "business_days_only": True}
    if match := re.fullmatch(rf"(?:{_EN_ORD}|(\w+)) (?:{working})", rest):
        number, word = match.groups()
        if number:
            day = int(number)
        elif word == "last":
            day = LAST
        elif word in _EN_ORDINALS:
            day = _EN_ORDINALS[word]
        else:
            raise NotUnderstood
        return {"month_days": (day,), "business_days_only": True}
    days = []
    for token in rest.replace("last day", "last").split():
        if token in _EN_SEPARATORS:
            continue
        if token in ("last", "end"):
            days.append(LAST)
        elif match := re.fullmatch(_EN_ORD, token):
            days.append(int(match.group(1)))
        else:
            raise NotUnderstood
    if not days:
        raise NotUnderstood
    return {"month_days": tuple(days)}


def _en_long_anchor(period: str, rest: str) -> dict:
    if match := re.fullmatch(rf"(?:within )?first ({_EN_NUM}) days", rest):
        return {"due_within_days": _en_int(match.group(1))}
    if period == YEAR:
        if rest in _EN_MONTH_NAMES:
            return {"month_of_period": _EN_MONTH_NAMES[rest]}
        raise NotUnderstood
    match = re.fullmatch(rf"(?:{_EN_ORD}|(\w+)) month", rest)
    if not match:
        raise NotUnderstood
    number, word = match.groups()
    if number:
        return {"month_of_period": int(number)}
    if word == "last":
        return {"month_of_period": MONTHS_IN[period]}
    if word in _EN_ORDINALS:
        return {"month_of_period": _EN_ORDINALS[word]}
    raise NotUnderstood
