"""The narrative paragraph of a report section: written from the figures, edited by the section's
owner, and checked against the figures. Pure functions over the document's ``figures`` (no
database), so the draft, the editing service and the tests call them alike.

A narrative is kept in its *linked form*: every number is a token ``{{REF:PART}}`` naming a figure
of the document and one of its parts (value, previous, change, change_pct, last_year, target);
``render`` replaces each token by the figure's display string, formatted once when the document
was built. So the text never holds a number the data did not produce, and a rebuilt draft shows
the new numbers in the owner's own words.

- ``generate``: the paragraph a section opens with, in the report's language. The only words
  that say which way a figure moved come from the sign of its change (zh 上升/增加, 下降/减少,
  持平; en up, down, unchanged); "better"/"worse" (改善/恶化) only where the metric says which
  direction is better; "target met"/"missed" (达到目标/未达到目标) only from the figure's status.
- ``link``: the owner's edit, typed as plain text, back to the linked form: a number that reads
  as a display of a token the paragraph had (in order), or else of any figure of the document,
  becomes that token again; any other number stays as typed.
- ``check``: the warnings the editor sees: a number that is no figure of the report, a word
  that says a figure went up (or down, or stayed) when its change says otherwise, a "met" for a
  missed target and the reverse, a token of a figure the document does not have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .document import PARTS, Narrative

DASH = "—"
# Derived figures the draft adds to the document (unit count), read by the section paragraphs.
TARGETS_MET = "report.targets_met"
TARGETS_MISSED = "report.targets_missed"
ANOMALIES = "report.anomalies"
OPEN_ACTIONS = "report.open_actions"
DONE_ACTIONS = "report.done_actions"
OVERDUE_ACTIONS = "report.overdue_actions"
DERIVED_PREFIX = "report."

# document["figures"]: FigureData by ref (plain JSON when read back from the database).
Figures = Mapping[str, Any]

# --- Tokens ----------------------------------------------------------------------------------

# {{ref:part}}: the ref runs to the last colon (a scope value never holds "{" or "}").
TOKEN = re.compile(r"\{\{([^{}]+):([A-Za-z_]+)\}\}")


def token(ref: str, part: str = "value") -> str:
    return "{{" + ref + ":" + part + "}}"


def tokens(source: str) -> list[tuple[str, str]]:
    """The (ref, part) of every token of ``source``, in order."""
    return [(m.group(1), m.group(2)) for m in TOKEN.finditer(source or "")]


def _display(figures: Figures, ref: str, part: str) -> str:
    figure = figures.get(ref)
    if figure is None or part not in PARTS:
        return DASH
    text = (figure.get("display") or {}).get(part)
    return str(text) if text not in (None, "") else DASH


def render(source: str, figures: Figures) -> str:
    """The paragraph as readers see it: each token replaced by its figure's display string
    ("—" for a figure the document does not have; ``check`` says so)."""
    return TOKEN.sub(lambda m: _display(figures, m.group(1), m.group(2)), source or "")


# --- Numbers in text -------------------------------------------------------------------------

_DIGIT = "[0-9\uff10-\uff19]"
_SIGNS = "+\\-\u2212\uff0b\uff0d"
# Not part of a word, a code (P12), a date (2026-11, 11月), a time (18:00) or an ordinal (第3).
NUMBER = re.compile(
    r"(?<![A-Za-z0-9\uff10-\uff19._\uff0e第])(?<![0-9][\-/:\uff1a])"
    rf"(?P<sign>[{_SIGNS}])?"
    rf"(?P<body>{_DIGIT}{{1,3}}(?:,{_DIGIT}{{3}})+(?:[.\uff0e]{_DIGIT}+)?"
    rf"|{_DIGIT}+(?:[.\uff0e]{_DIGIT}+)?)"
    rf"(?!{_DIGIT}|[.\uff0e,]{_DIGIT})"
    r"(?P<suffix>\s*(?:[%\uff05]|个\s*百分点|百分点|pp\b|percentage points?\b))?"
    r"(?![A-Za-z])"
    r"(?!\s*[年月日号时]|[\-/:\uff1a][0-9])"
)
_FULL_WIDTH = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0e\uff05\uff0b\uff0d\u2212",
    "0123456789.%+--",
)


@dataclass(frozen=True)
class Number:
    """A number as written: its sign ("+", "-" or ""), size and kind ("", "%" or "pp")."""

    sign: str
    size: Decimal
    kind: str

    @property
    def magnitude(self) -> tuple[Decimal, str]:
        return self.size, self.kind

    @property
    def is_zero(self) -> bool:
        return self.size == 0


def _number(match: re.Match[str]) -> Number | None:
    body = match.group("body").translate(_FULL_WIDTH).replace(",", "")
    try:
        size = Decimal(body)
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    sign = (match.group("sign") or "").translate(_FULL_WIDTH)
    suffix = (match.group("suffix") or "").strip().translate(_FULL_WIDTH)
    kind = "%" if suffix == "%" else ("pp" if suffix else "")
    return Number(sign, size, kind)


def _normalised(text: str) -> str:
    """A number as typed, with full-width digits, signs and percent signs made plain."""
    return text.translate(_FULL_WIDTH)


def numbers(text: str) -> list[tuple[int, int, Number]]:
    """The numbers written in ``text``: (start, end, number)."""
    found = []
    for match in NUMBER.finditer(text or ""):
        number = _number(match)
        if number is not None:
            found.append((match.start(), match.end(), number))
    return found


@lru_cache(maxsize=4096)
def _simple(display: str) -> Number | None:
    """The number a display string is, when it is one number and nothing else ("1,234",
    "95.2 %", "-0.9 个百分点"); None for a dash or a composite display ("3 h 20 min")."""
    text = display.strip()
    match = NUMBER.fullmatch(text)
    return _number(match) if match else None


def _loose(display: str) -> re.Pattern[str]:
    """A pattern that finds a composite display in typed text, whatever its spacing."""
    parts = [re.escape(p.translate(_FULL_WIDTH)) for p in display.split()]
    return re.compile(r"(?<![0-9.])" + r"\s*".join(parts) + r"(?![0-9])")


def sign_of(figure: Mapping[str, Any], part: str = "change") -> int | None:
    """Which way a figure moved: 1, -1, or 0 when its change is zero *as displayed* ("0",
    "+0.0%"); None without a change. ``part`` is change or change_pct."""
    value = figure.get(part)
    if value is None and part == "change_pct":
        part, value = "change", figure.get("change")
    if value is None:
        return None
    display = (figure.get("display") or {}).get(part)
    if display:
        shown = numbers(_normalised(str(display)))
        if shown and all(n.is_zero for _s, _e, n in shown):
            return 0
    return (value > 0) - (value < 0)


# --- Generation ------------------------------------------------------------------------------


def _lang(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "zh"


def _plain_name(text: Any) -> str:
    """A name or fact as text (no braces, so it can never read as a token)."""
    return " ".join(str(text or "").replace("{", "").replace("}", "").split())


class _Writer:
    def __init__(self, figures: Figures, language: str) -> None:
        self.figures = figures
        self.lang = _lang(language)

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def figure(self, ref: str) -> Mapping[str, Any] | None:
        figure = self.figures.get(ref)
        if figure is None or figure.get("value") is None:
            return None
        return figure

    def has(self, ref: str, part: str) -> bool:
        figure = self.figures.get(ref) or {}
        return figure.get(part) is not None and _display(self.figures, ref, part) != DASH

    def name(self, ref: str) -> str:
        figure = self.figures.get(ref) or {}
        return _plain_name(figure.get("name") or figure.get("key") or ref)

    def sentence(self, ref: str) -> str | None:
        """One figure: its value, how it moved (from the sign of its change), whether that is
        better or worse (when the metric says), last year's, and its target's status."""
        figure = self.figure(ref)
        if figure is None:
            return None
        zh = self.zh
        out = f"{self.name(ref)}为 {token(ref)}" if zh else f"{self.name(ref)} was {token(ref)}"
        direction = sign_of(figure) if self.has(ref, "change") else None
        if direction is not None:
            numbers_ = [token(ref, "change")]
            if figure.get("unit") != "ratio" and self.has(ref, "change_pct"):
                numbers_.append(token(ref, "change_pct"))
            shown = ("，" if zh else ", ").join(numbers_)
            if direction == 0:
                out += "，与上月持平" if zh else ", unchanged from last month"
            elif zh:
                counted = figure.get("unit") == "count"
                word = (
                    ("增加" if counted else "上升")
                    if direction > 0
                    else ("减少" if counted else "下降")
                )
                out += f"，较上月{word}（{shown}）"
            else:
                out += f", {'up' if direction > 0 else 'down'} on last month ({shown})"
            better = figure.get("higher_is_better")
            if direction and better is not None:
                good = (direction > 0) == bool(better)
                if zh:
                    out += "，有所改善" if good else "，有所恶化"
                else:
                    out += ", an improvement" if good else ", a deterioration"
        if self.has(ref, "last_year"):
            ly = token(ref, "last_year")
            out += f"，去年同期为 {ly}" if zh else f", against {ly} a year earlier"
        status = figure.get("status")
        if status in ("met", "missed") and self.has(ref, "target"):
            target = token(ref, "target")
            if status == "met":
                out += f"，达到目标（{target}）" if zh else f", meeting its target of {target}"
            else:
                out += f"，未达到目标（{target}）" if zh else f", missing its target of {target}"
        return out

    def paragraph(self, sentences: Iterable[str | None], *, lead: str = "") -> str:
        said = [s for s in sentences if s]
        if not said:
            return ""
        if self.zh:
            return lead + "；".join(said) + "。"
        text = "; ".join(said) + "."
        if lead:
            return lead + text
        return text[:1].upper() + text[1:]

    def count(self, ref: str) -> float | None:
        figure = self.figure(ref)
        return None if figure is None else float(figure["value"])


def _plain_refs(refs: Iterable[str]) -> list[str]:
    return [r for r in dict.fromkeys(refs) if not r.startswith(DERIVED_PREFIX)]


def _overview(w: _Writer, refs: list[str], facts: Mapping[str, str]) -> str:
    lead = "本月" if w.zh else "This month, "
    if facts.get("to_date"):  # the month is not over: say so before any comparison
        lead = f"截至{facts['to_date']}，本月" if w.zh else "This month so far, "
    return w.paragraph((w.sentence(r) for r in _plain_refs(refs)), lead=lead)


def _kpis(w: _Writer, refs: list[str], facts: Mapping[str, str]) -> str:
    plain = _plain_refs(refs) or _plain_refs(w.figures)
    scored = [(r, f) for r in plain if (f := w.figure(r)) is not None and f.get("status")]
    missed = [(r, f) for r, f in scored if f.get("status") == "missed"]
    met = [(r, f) for r, f in scored if f.get("status") == "met"]

    def missed_item(ref: str, figure: Mapping[str, Any]) -> str:
        if w.has(ref, "target"):
            if w.zh:
                return f"{w.name(ref)}（{token(ref)}，目标 {token(ref, 'target')}）"
            return f"{w.name(ref)} ({token(ref)} against {token(ref, 'target')})"
        return f"{w.name(ref)}（{token(ref)}）" if w.zh else f"{w.name(ref)} ({token(ref)})"

    missed_list = ("、" if w.zh else ", ").join(missed_item(r, f) for r, f in missed)
    n_met, n_missed = w.count(TARGETS_MET), w.count(TARGETS_MISSED)
    out = []
    if n_met is not None and n_missed is not None:
        if n_met == 0 and n_missed == 0:
            return "本月没有设定目标的指标。" if w.zh else "No figure of this month has a target."
        if n_missed == 0:
            return (
                f"本月 {token(TARGETS_MET)} 项指标全部达到目标。"
                if w.zh
                else f"This month all {token(TARGETS_MET)} targets were met."
            )
        if w.zh:
            out.append(f"本月 {token(TARGETS_MET)} 项指标达到目标。")
            tail = f"：{missed_list}" if missed_list else ""
            out.append(f"{token(TARGETS_MISSED)} 项指标未达到目标{tail}。")
        else:
            tail = f" ({missed_list})" if missed_list else ""
            out.append(
                f"Targets met this month: {token(TARGETS_MET)}; "
                f"targets missed: {token(TARGETS_MISSED)}{tail}."
            )
        return ("" if w.zh else " ").join(out)
    if not scored:
        return "本月没有设定目标的指标。" if w.zh else "No figure of this month has a target."
    if met:
        names = ("、" if w.zh else ", ").join(w.name(r) for r, _f in met)
        out.append(
            f"本月达到目标的指标：{names}。" if w.zh else f"Targets met this month: {names}."
        )
    if missed:
        out.append(
            f"未达到目标的指标：{missed_list}。" if w.zh else f"Targets missed: {missed_list}."
        )
    return ("" if w.zh else " ").join(out)


def _problems(w: _Writer, refs: list[str], facts: Mapping[str, str]) -> str:
    said: list[str | None] = []
    top = _plain_name(facts.get("top_category"))
    if top:
        said.append(
            f"本月问题最多的类别为“{top}”" if w.zh else f"the most frequent category was “{top}”"
        )
    anomalies = w.count(ANOMALIES)
    if anomalies is not None:
        if anomalies > 0:
            said.append(
                f"发现 {token(ANOMALIES)} 处异常波动"
                if w.zh
                else f"{token(ANOMALIES)} unusual changes were flagged"
            )
        else:
            said.append("未发现异常波动" if w.zh else "no unusual change was flagged")
    said.extend(w.sentence(r) for r in _plain_refs(refs))
    return w.paragraph(said)


def _actions(w: _Writer, refs: list[str], facts: Mapping[str, str]) -> str:
    said: list[str | None] = []
    opened, done, overdue = w.count(OPEN_ACTIONS), w.count(DONE_ACTIONS), w.count(OVERDUE_ACTIONS)
    parts = []
    if opened is not None:
        parts.append(f"进行中 {token(OPEN_ACTIONS)} 项" if w.zh else f"{token(OPEN_ACTIONS)} open")
    if done is not None:
        parts.append(f"已完成 {token(DONE_ACTIONS)} 项" if w.zh else f"{token(DONE_ACTIONS)} done")
    if parts:
        joined = "，".join(parts) if w.zh else " and ".join(parts)
        said.append(f"改进措施{joined}" if w.zh else f"improvement actions: {joined}")
    if overdue is not None:
        if overdue > 0:
            said.append(
                f"其中 {token(OVERDUE_ACTIONS)} 项已逾期"
                if w.zh
                else f"{token(OVERDUE_ACTIONS)} overdue"
            )
        else:
            said.append("无逾期措施" if w.zh else "none overdue")
    said.extend(w.sentence(r) for r in _plain_refs(refs))
    return w.paragraph(said)


def _outlook(w: _Writer, refs: list[str], facts: Mapping[str, str]) -> str:
    improve: list[str] = []
    keep: list[str] = []
    aim: list[str] = []
    for ref in _plain_refs(refs):
        figure = w.figures.get(ref)
        if figure is None or figure.get("target") is None or not w.has(ref, "target"):
            continue
        item = (
            f"{w.name(ref)}（目标 {token(ref, 'target')}）"
            if w.zh
            else f"{w.name(ref)} (target {token(ref, 'target')})"
        )
        {"missed": improve, "met": keep}.get(figure.get("status") or "", aim).append(item)
    sep = "、" if w.zh else ", "
    said = []
    if improve:
        said.append(f"重点改进{sep.join(improve)}" if w.zh else f"improve {sep.join(improve)}")
    if keep:
        said.append(f"保持{sep.join(keep)}" if w.zh else f"keep {sep.join(keep)}")
    if aim:
        said.append(f"实现{sep.join(aim)}" if w.zh else f"work towards {sep.join(aim)}")
    if not said:
        return "下月暂无设定的目标。" if w.zh else "No goals are set for next month."
    if w.zh:
        return "下月" + "；".join(said) + "。"
    return "Next month: " + "; ".join(said) + "."


def _generic(w: _Writer, refs: list[str], facts: Mapping[str, str]) -> str:
    return w.paragraph(w.sentence(r) for r in _plain_refs(refs))


SECTIONS = {
    "overview": _overview,
    "kpis": _kpis,
    "problems": _problems,
    "actions": _actions,
    "outlook": _outlook,
}


def generate(
    section_key: str,
    refs: list[str],
    figures: Figures,
    *,
    language: str = "zh-hans",
    facts: Mapping[str, str] | None = None,
) -> str:
    """The section's paragraph in linked form ("" when there is nothing to say). Deterministic:
    the same arguments give the same text. ``refs`` are the figures the section shows, in
    order (a ref the document does not have, or a figure without a value, is left out);
    ``facts`` are names the figures cannot carry (``{"top_category": "网络服务"}``)."""
    writer = _Writer(figures, language)
    write = SECTIONS.get(section_key, _generic)
    return write(writer, list(refs), dict(facts or {}))


# --- Linking an edit -------------------------------------------------------------------------


def _sanitise(text: str) -> str:
    """Typed text never holds a token of its own: "{{" and "}}" become single braces."""
    while "{{" in text or "}}" in text:
        text = text.replace("{{", "{").replace("}}", "}")
    return text


def _same_display(display: str) -> Callable[[str], bool]:
    return lambda shown: shown == display


def _same_number(number: Number) -> Callable[[str], bool]:
    return lambda shown: shown != DASH and _simple(shown) == number


def link(text: str, figures: Figures, *, previous_source: str) -> str:
    """The owner's edited paragraph (plain text, as rendered) in linked form: each number that
    reads as the display of a token of ``previous_source`` becomes that token again (the
    tokens taken in order; where several display the same, one of the figure the sentence was
    just speaking of first); failing that, a figure of the document that displays it (again
    that figure first, then the document's order); any other number stays as typed
    (full-width digits made plain)."""
    text = _sanitise(text or "")
    previous = [(r, p) for r, p in tokens(previous_source) if r in figures and p in PARTS]
    everything = [(r, p) for r in figures for p in PARTS]
    used = [False] * len(previous)

    def pick(same: Callable[[str], bool], context: str | None) -> tuple[str, str] | None:
        unused = [
            i for i, (r, p) in enumerate(previous) if not used[i] and same(_display(figures, r, p))
        ]
        for i in sorted(unused, key=lambda i: previous[i][0] != context):
            used[i] = True
            return previous[i]
        matching = [(r, p) for r, p in everything if same(_display(figures, r, p))]
        for chosen in sorted(matching, key=lambda rp: rp[0] != context):
            return chosen
        return None

    # What to link, in the text's order: composite displays ("3 h 20 min") found whole, then
    # every other number.
    spans: list[tuple[int, int, Callable[[str], bool], str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _same, _t in spans)

    composite = sorted(
        {
            d
            for r, p in [*previous, *everything]
            if (d := _display(figures, r, p)) != DASH and _simple(d) is None and numbers(d)
        },
        key=lambda d: (-len(d), d),
    )
    plain = _normalised(text)
    for display in composite:
        for match in _loose(display).finditer(plain):
            if free(match.start(), match.end()):
                spans.append((match.start(), match.end(), _same_display(display), match.group(0)))
    for start, end, number in numbers(text):
        if free(start, end):
            spans.append((start, end, _same_number(number), plain[start:end]))
    out, at, context = [], 0, None
    for start, end, same, typed in sorted(spans, key=lambda s: s[0]):
        if _SENTENCE_END.search(text[at:start]):
            context = None
        chosen = pick(same, context)
        out.append(text[at:start])
        if chosen:
            out.append(token(*chosen))
            context = chosen[0]
        else:
            out.append(typed)
        at = end
    out.append(text[at:])
    return "".join(out)


# --- Checking --------------------------------------------------------------------------------

_UP_ZH = "上升|增加|增长|提升|提高|上涨|升高|攀升|回升|增多"
_DOWN_ZH = "下降|减少|降低|回落|下跌|下滑|减小|降幅"
_FLAT_ZH = "持平|不变|没有变化|无变化"
_UP_EN = r"up|rose|risen|rise|rises|rising|increased|increase|increases|grew|grown"
_DOWN_EN = r"down|fell|fallen|fall|falls|falling|decreased|decrease|decreases|dropped|declined"
_FLAT_EN = r"unchanged|flat|steady"
_BETTER = r"改善|好转|improved|improvement|better"
_WORSE = r"恶化|变差|转差|worsened|deterioration|deteriorated|worse"
# Phrases that hold a direction word but say nothing about a figure ("follow up").
_NOT_DIRECTION = re.compile(
    r"\bfollow(?:s|ed|ing)?[- ]up\b|\bset up\b|\bup to date\b|\bsign(?:s|ed)? up\b"
    r"|\bbreak(?:s)? down\b|\bbroken down\b|\bdown ?time\b|\bfall ?back\b",
    re.IGNORECASE,
)
# Negations right before a word turn it around; such a phrase is not checked.
_NEGATED = re.compile(r"(?:未|没有|没|不|无|not|n't|never)\s*$", re.IGNORECASE)
_MISSED = (
    r"未能达到目标|未达到目标|没有达到目标|未达成目标|未完成目标|未达标|不达标"
    r"|\b(?:missed|misses|missing|did not meet|didn't meet|not meeting)"
    r" (?:its |the |their )?targets?\b"
    r"|\btargets? (?:was |were )?missed\b|\bbelow target\b"
)
_MET = (
    r"达到目标|达成目标|完成目标|实现目标|达标"
    r"|\b(?:met|meets|meeting|achieved|reached) (?:its |the |their )?targets?\b"
    r"|\btargets? (?:was |were )?met\b|\bon target\b"
)
WORDS = re.compile(
    rf"(?P<missed>{_MISSED})|(?P<met>{_MET})"
    rf"|(?P<better>{_BETTER})|(?P<worse>{_WORSE})"
    rf"|(?P<flat>{_FLAT_ZH})|(?P<up>{_UP_ZH})|(?P<down>{_DOWN_ZH})"
    rf"|\b(?P<flat_en>{_FLAT_EN})\b|\b(?P<up_en>{_UP_EN})\b|\b(?P<down_en>{_DOWN_EN})\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？；!?;\n]|\.(?=\s|$)")
_CLAUSE_END = re.compile(r"[。！？；!?;\n，,：:、（）()]|\.(?=\s|$)")
_MASK = "\ue000"
_QUOTED = re.compile(r"“[^“”\n]{1,40}”|《[^《》\n]{1,40}》|「[^「」\n]{1,40}」|\"[^\"\n]{1,40}\"")
# Words a clause may open with before its direction word and still have no subject of its own
# ("，较上月下降": the sentence's figure went down).
_FILLER = re.compile(
    r"与上月相比|相比上月|较上月|比上月|上月|环比|同比|本月|有所|略有|稍有|明显|大幅|小幅|继续"
    r"|进一步|共计|总计|以上|以下|左右|均|也|了|至|到|为|约|近|达|件|项|个|次|张|单|起|人|元|分"
    r"|\b(?:and|but|which|it|its|was|were|is|are|has|had|have|been|slightly|sharply|also|then"
    r"|a|an|the|on|from|last|month|previous|by|to|of|compared|with|than|since|this|again"
    r"|further|significantly|somewhat|points?|percentage)\b|[\s\W_]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Ref:
    start: int
    end: int
    ref: str
    part: str | None  # None: the figure's name


def _spans(text: str, ends: re.Pattern[str], at: int) -> tuple[int, int]:
    start = 0
    for m in ends.finditer(text):
        if m.end() <= at:
            start = m.end()
        else:
            return start, m.start() if m.start() >= at else len(text)
    return start, len(text)


def _nearest(refs: list[_Ref], at: int, end: int, span: tuple[int, int]) -> list[_Ref]:
    inside = [r for r in refs if r.start >= span[0] and r.end <= span[1]]

    def distance(r: _Ref) -> tuple[int, int]:
        if r.start >= end:
            return r.start - end, 0
        return at - r.end, 1

    return sorted(inside, key=distance)


def check(source: str, figures: Figures, *, language: str = "zh-hans") -> list[str]:
    """What the editor is told about a paragraph in linked form (translated into
    ``language``): numbers that are no figure of the report, direction words against the sign
    of the change they speak of, "met" against a missed target and the reverse, tokens of
    figures the document does not have. An empty list: nothing contradicts the data."""
    with translation.override(language):
        return _check(source or "", figures)


def _check(source: str, figures: Figures) -> list[str]:
    warnings: list[str] = []
    refs: list[_Ref] = []
    masked = list(source)
    for m in TOKEN.finditer(source):
        ref, part = m.group(1), m.group(2)
        masked[m.start() : m.end()] = _MASK * (m.end() - m.start())
        if ref not in figures or part not in PARTS:
            warnings.append(
                _("A number refers to a figure this report does not have (%(ref)s).")
                % {"ref": f"{ref}:{part}"}
            )
            continue
        refs.append(_Ref(m.start(), m.end(), ref, part))
    text = "".join(masked)
    # Figures' names: digits in a name are not numbers, and a name says which figure is meant.
    names = sorted(
        {_plain_name(f.get("name")): r for r, f in reversed(list(figures.items()))}.items(),
        key=lambda item: -len(item[0]),
    )
    for name, ref in names:
        if not name:
            continue
        for m in re.finditer(re.escape(name), text):
            refs.append(_Ref(m.start(), m.end(), ref, None))
            text = text[: m.start()] + _MASK * len(name) + text[m.end() :]
    refs.sort(key=lambda r: r.start)
    # Quoted names (“网络服务”, 《…》): a fact of the draft or a title, not a claim about a figure.
    text = _QUOTED.sub(
        lambda q: q.group(0)[0] + _MASK * (len(q.group(0)) - 2) + q.group(0)[-1], text
    )

    # Numbers written as they are.
    exact, sizes = set(), set()
    for figure in figures.values():
        for display in (figure.get("display") or {}).values():
            for _s, _e, n in numbers(str(display)):
                exact.add(n)
                sizes.add(n.magnitude)
    for start, end, number in numbers(text):
        if number not in exact and number.magnitude not in sizes:
            warnings.append(
                _("“%(number)s” does not come from the data.")
                % {"number": _normalised(text[start:end]).strip()}
            )

    text = _NOT_DIRECTION.sub(lambda p: "\ue001" * len(p.group(0)), text)
    for m in WORDS.finditer(text):
        kind = m.lastgroup or ""
        word = m.group(0)
        if kind not in ("missed", "met") and _NEGATED.search(text[: m.start()][-6:]):
            continue
        sentence = _spans(text, _SENTENCE_END, m.start())
        clause = _spans(text, _CLAUSE_END, m.start())
        if kind in ("missed", "met"):
            warning = _check_all_met(word, kind, text[sentence[0] : sentence[1]], figures)
            warning = warning or _check_target(word, kind, refs, m, sentence, clause, figures)
        else:
            warning = _check_direction(word, kind, refs, m, sentence, clause, figures, text)
        if warning:
            warnings.append(warning)
    return list(dict.fromkeys(warnings))


def _subject_free(text: str, clause: tuple[int, int], m: re.Match[str]) -> bool:
    """Whether the clause of a direction word says nothing but that word (and numbers and
    small words): "，较上月下降（…）" speaks of the sentence's figure, "增加夜班值守" does not."""
    rest = text[clause[0] : m.start()] + " " + text[m.end() : clause[1]]
    return not _FILLER.sub("", NUMBER.sub("", rest))


def _check_direction(word, kind, refs, m, sentence, clause, figures, text) -> str | None:
    """Which figure a direction word speaks of: a change in its clause; else a figure its
    clause names or shows ("及时率提升至 95.2%"); else, when the clause has no subject of its
    own, the nearest change in the sentence, or the sentence's only figure."""
    at, end = m.start(), m.end()
    changes = [r for r in refs if r.part in ("change", "change_pct")]
    candidates = _nearest(changes, at, end, clause) or _nearest(refs, at, end, clause)
    if not candidates and _subject_free(text, clause, m):
        candidates = _nearest(changes, at, end, sentence)
        if not candidates:
            around = _nearest(refs, at, end, sentence)
            if len({r.ref for r in around}) == 1:
                candidates = around
    if not candidates:
        return None
    ref = candidates[0]
    figure = figures[ref.ref]
    part = ref.part if ref.part in ("change", "change_pct") else "change"
    direction = sign_of(figure, part)
    if direction is None:
        return None
    name = _plain_name(figure.get("name")) or ref.ref
    shown = _display(figures, ref.ref, part)
    if kind in ("better", "worse"):
        better = figure.get("higher_is_better")
        if better is None or direction == 0:
            return None
        good = (direction > 0) == bool(better)
        if good == (kind == "better"):
            return None
        message = (
            _("“%(word)s” does not match %(name)s: its change (%(change)s) is for the worse.")
            if kind == "better"
            else _("“%(word)s” does not match %(name)s: its change (%(change)s) is for the better.")
        )
        return message % {"word": word, "name": name, "change": shown}
    said = {"up": 1, "up_en": 1, "down": -1, "down_en": -1, "flat": 0, "flat_en": 0}[kind]
    if said == direction:
        return None
    if direction > 0:
        message = _("“%(word)s” does not match %(name)s, which went up (%(change)s).")
    elif direction < 0:
        message = _("“%(word)s” does not match %(name)s, which went down (%(change)s).")
    else:
        message = _("“%(word)s” does not match %(name)s, which did not change (%(change)s).")
    return message % {"word": word, "name": name, "change": shown}


_ALL = re.compile(r"全部|均|所有|各项|一律|\ball\b|\bevery\b", re.IGNORECASE)


def _check_all_met(word: str, kind: str, sentence: str, figures: Figures) -> str | None:
    """ "全部达到目标" / "all targets met" while the report counts missed targets."""
    missed = figures.get(TARGETS_MISSED) or {}
    if kind != "met" or not _ALL.search(sentence) or not (missed.get("value") or 0) > 0:
        return None
    return _("“%(word)s” does not match this report: %(count)s targets were missed.") % {
        "word": word,
        "count": _display(figures, TARGETS_MISSED, "value"),
    }


def _check_target(word, kind, refs, m, sentence, clause, figures) -> str | None:
    targets = [r for r in refs if r.part == "target"]
    candidates = (
        _nearest(targets, m.start(), m.end(), clause)
        or _nearest(refs, m.start(), m.end(), clause)
        or _nearest(refs, m.start(), m.end(), sentence)
    )
    if not candidates:
        return None
    figure = figures[candidates[0].ref]
    status = figure.get("status")
    if status not in ("met", "missed") or status == kind:
        return None
    name = _plain_name(figure.get("name")) or candidates[0].ref
    target = _display(figures, candidates[0].ref, "target")
    if status == "missed":
        message = _("“%(word)s” does not match %(name)s, which missed its target (%(target)s).")
    else:
        message = _("“%(word)s” does not match %(name)s, which met its target (%(target)s).")
    return message % {"word": word, "name": name, "target": target}


# --- The document's narrative ----------------------------------------------------------------


def compose(source: str, figures: Figures, *, edited: bool, language: str = "zh-hans") -> Narrative:
    """A section's ``narrative`` in the document: the text as shown, its linked source, whether
    the owner edited it, and the warnings (in ``language``)."""
    return {
        "text": render(source, figures),
        "source": source,
        "edited": edited,
        "warnings": check(source, figures, language=language),
    }
