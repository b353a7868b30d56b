"""The report document: what the draft builder produces, what a published version freezes, and
what the web view and every exporter (DOCX, PDF, XLSX) render. Plain JSON, so a published
version stores it as it was and any renderer reads it without the database.

    {
      "schema": 1,
      "title": "2026年11月运营服务月报",
      "organisation": "…",                       # settings.OPSBOOK_ORGANISATION or the site name
      "period": {"code": "2026-11", "label": "2026年11月", "start": "2026-11-01",
                 "end": "2026-12-01"},             # end exclusive
      "scope": {"customer": "acme"}, "scope_label": "客户：Acme",
      "template": {"code": "monthly", "name": "…"},
      "status": "draft", "version": 0,           # the published version's number, 0 for a draft
      "generated_at": "2026-12-01T09:00:00+08:00",
      "language": "zh-hans",
      "sections": [Section, …],                   # in order; numbered 一、二、… by the renderers
      "figures": {ref: FigureData, …},            # every figure the document shows, by ref
      "definitions": [Definition, …],             # the appendix: each metric's definition
      "layout": {…},                              # the template's house-style overrides
    }

A section:  {"key", "title", "owner" (a display name or ""), "narrative": Narrative | None,
             "blocks": [Block, …]}
A narrative: {"text": the paragraph as shown, "source": the linked form with {{ref:part}}
             tokens, "edited": bool, "warnings": [str, …]}
A block is one of three kinds that every renderer knows; its "type" names the block module
that built it (figures, trend, sla_by_channel, problems, actions, goals, …):
  {"type", "kind": "table", "title", "table": Table, "note": str}
  {"type", "kind": "chart", "title", "chart": Chart, "note": str}
  {"type", "kind": "text",  "title", "paragraphs": [str, …]}
A table: {"columns": [{"label", "align": "left"|"right", "unit": ""}], "rows": [[Cell, …], …]}
A cell:  {"text": what is printed, "value": the number behind it or null, "ref": a figure ref or
          null, "part": "value"|"previous"|"change"|… or null, "link": a drill-down path or null}
A chart: {"type": "line"|"bar", "unit": Unit value, "categories": [label, …],
          "series": [{"name", "values": [number|null, …]}], "target": number|null}
A figure (``figures[ref]``), ref = metric key plus its scope beyond the report's
("sla.response_rate" or "sla.response_rate@channel=web"):
  {"ref", "key", "name", "unit", "higher_is_better": bool|null, "scope": {…}, "value",
   "previous", "change", "change_pct", "last_year", "target", "status" ("met"|"missed"|null),
   "display": {part: text, …}, "link": drill-down path}
A definition: {"key", "name", "unit", "definition", "scope_label"}.

Numbers are formatted once, when the document is built (``formatting.py``), so every renderer
prints the same text; parsers in tests read "display" back and compare with the metrics API.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

SCHEMA = 1

# The parts of a figure a cell or a narrative token may show.
PARTS = ("value", "previous", "change", "change_pct", "last_year", "target")


class Cell(TypedDict):
    text: str
    value: float | None
    ref: NotRequired[str | None]
    part: NotRequired[str | None]
    link: NotRequired[str | None]


class Column(TypedDict):
    label: str
    align: Literal["left", "right"]
    unit: NotRequired[str]


class Table(TypedDict):
    columns: list[Column]
    rows: list[list[Cell]]


class Series(TypedDict):
    name: str
    values: list[float | None]


class Chart(TypedDict):
    type: Literal["line", "bar"]
    unit: str
    categories: list[str]
    series: list[Series]
    target: NotRequired[float | None]


class Block(TypedDict):
    type: str
    kind: Literal["table", "chart", "text"]
    title: str
    table: NotRequired[Table]
    chart: NotRequired[Chart]
    paragraphs: NotRequired[list[str]]
    note: NotRequired[str]


class Narrative(TypedDict):
    text: str
    source: str
    edited: bool
    warnings: list[str]


class Section(TypedDict):
    key: str
    title: str
    owner: str
    narrative: Narrative | None
    blocks: list[Block]


class FigureData(TypedDict):
    ref: str
    key: str
    name: str
    unit: str
    higher_is_better: bool | None
    scope: dict[str, str]
    value: float | None
    previous: float | None
    change: float | None
    change_pct: float | None
    last_year: float | None
    target: float | None
    status: str | None
    display: dict[str, str]
    link: str


class Definition(TypedDict):
    key: str
    name: str
    unit: str
    definition: str
    scope_label: str


Document = dict[str, Any]


def figure_ref(key: str, scope: dict[str, str] | None = None) -> str:
    """The ref of a figure: its metric key, plus the scope it adds to the report's."""
    if not scope:
        return key
    return key + "@" + ",".join(f"{d}={c}" for d, c in sorted(scope.items()))


def cell(
    text: str,
    value: float | None = None,
    *,
    ref: str | None = None,
    part: str | None = None,
    link: str | None = None,
) -> Cell:
    out: Cell = {"text": text, "value": value}
    if ref is not None:
        out["ref"] = ref
        out["part"] = part or "value"
    if link:
        out["link"] = link
    return out


CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一 (section numbers up to 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def heading_number(level: int, n: int) -> str:
    """The GB/T 9704 heading numbers: 一、 (一) 1. (1) for levels 1–4."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"
