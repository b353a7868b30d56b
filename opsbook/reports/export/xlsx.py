"""The report as an Excel workbook: a cover sheet (title, period, scope, version, the metric
definitions), then one sheet per section with its narrative and every table of the section,
charts as tables of their data (categories × series). Numbers are written as numbers (the
cell's ``value``) with a number format by unit; text is written as text, formula-safe
(``core.tabular.xlsx``: no formulas, URLs or numbers taken from strings, and text that a
spreadsheet could take for a formula gets a leading apostrophe).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from typing import Any

from opsbook.core.tabular.xlsx import neutralise, new_workbook

from ..document import Block, Cell, Column, Document, heading_number
from .layout import clean, issued_on, labels, version_label

# The words this export adds beside layout.labels' (which the DOCX and PDF share), in the
# document's language like them, not the downloader's.
WORDS = {
    "zh-hans": {
        "cover": "封面",
        "organisation": "编制单位",
        "generated_at": "生成时间",
        "key": "指标代码",
        "unit": "单位",
        "category": "项目",
        "target": "目标",
    },
    "en": {
        "cover": "Cover",
        "organisation": "Prepared by",
        "generated_at": "Generated at",
        "key": "Key",
        "unit": "Unit",
        "category": "Category",
        "target": "Target",
    },
}


def words(document: Document) -> dict[str, str]:
    language = str(document.get("language") or "zh-hans").lower()
    return labels(document) | WORDS["en" if language.startswith("en") else "zh-hans"]


# Number formats by unit (registry.Unit values); changes get an explicit sign.
FORMATS = {
    "count": "#,##0",
    "ratio": "0.0%",
    "seconds": "#,##0",
    "score": "0.00",
    "nps": "0.0",
    "number": "#,##0.00",
}
CHANGE_FORMATS = {
    "count": "+#,##0;-#,##0;0",
    "ratio": "+0.0%;-0.0%;0.0%",
    "seconds": "+#,##0;-#,##0;0",
    "score": "+0.00;-0.00;0.00",
    "nps": "+0.0;-0.0;0.0",
    "number": "+#,##0.00;-#,##0.00;0.00",
}
PCT_CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
GENERAL_NUMBER = "#,##0.##"

MAX_WIDTH = 60
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\, not quoted at either end, at most 31
    characters, unique regardless of case."""
    base = FORBIDDEN_IN_SHEET_NAME.sub("_", clean(text)).strip().strip("'").strip() or "Sheet"
    base = base[:SHEET_NAME_MAX]
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f"({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _width(text: str) -> int:
    """Display width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """One worksheet being written row by row, tracking column widths."""

    def __init__(self, book: Any, name: str, styles: dict[str, Any]) -> None:
        self.ws = book.add_worksheet(name)
        self.book = book
        self.styles = styles
        self.row = 0
        self.widths: dict[int, int] = {}
        self.number_formats: dict[tuple[str, bool], Any] = {}

    def fit(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 8), min(_width(text) + 2, MAX_WIDTH))

    def text(self, col: int, text: str, style: str | None = None, *, fit: bool = True) -> None:
        fmt = self.styles[style] if style else None
        text = clean(text)
        if text:
            self.ws.write_string(self.row, col, neutralise(text), fmt)
        elif fmt is not None:
            self.ws.write_blank(self.row, col, None, fmt)
        if fit:
            self.fit(col, text)

    def number(self, col: int, value: float, num_format: str, *, right: bool = True) -> None:
        key = (num_format, right)
        if key not in self.number_formats:
            self.number_formats[key] = self.book.add_format(
                {"num_format": num_format, "border": 1, "align": "right" if right else "left"}
            )
        self.ws.write_number(self.row, col, value, self.number_formats[key])

    def paragraph(self, text: str, span: int) -> None:
        """A wrapped paragraph merged across ``span`` columns, tall enough for its lines."""
        span = max(span, 6)
        text = clean(text)
        fmt = self.styles["wrap"]
        if span > 1:
            self.ws.merge_range(self.row, 0, self.row, span - 1, neutralise(text), fmt)
        else:
            self.ws.write_string(self.row, 0, neutralise(text), fmt)
        chars_per_line = max(sum(self.widths.get(c, 12) for c in range(span)), 40)
        lines = max(1, math.ceil(_width(text) / chars_per_line))
        self.ws.set_row(self.row, 15 * lines + 3)
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, width)


def _cell_format(cell: Cell, column: Column, figures: dict[str, Any]) -> str:
    ref, part = cell.get("ref"), cell.get("part")
    unit = column.get("unit") or ""
    if ref and ref in figures:
        unit = figures[ref].get("unit") or unit
        if part == "change_pct":
            return PCT_CHANGE_FORMAT
        if part == "change":
            return CHANGE_FORMATS.get(unit, GENERAL_NUMBER)
    return FORMATS.get(unit, GENERAL_NUMBER)


def _write_table(
    sheet: _Sheet, columns: list[Column], rows: list[list[Cell]], figures: dict[str, Any]
) -> int:
    """Writes the header and the rows; returns the header's row index."""
    header_row = sheet.row
    for c, column in enumerate(columns):
        sheet.text(c, column["label"], "header")
    sheet.row += 1
    for row in rows:
        for c, cell in enumerate(row):
            column = columns[c] if c < len(columns) else {"label": "", "align": "left"}
            value = cell.get("value")
            text = cell.get("text") or ""
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
            ):
                sheet.number(
                    c,
                    float(value),
                    _cell_format(cell, column, figures),
                    right=column["align"] == "right",
                )
                sheet.fit(c, text)
            else:
                style = "cell_right" if column["align"] == "right" else "cell"
                sheet.text(c, text, style)
        sheet.row += 1
    return header_row


def _chart_table(block: Block, w: dict[str, str]) -> tuple[list[Column], list[list[Cell]]]:
    chart = block["chart"]
    unit = chart.get("unit", "")
    columns: list[Column] = [{"label": w["category"], "align": "left"}]
    columns += [{"label": s["name"], "align": "right", "unit": unit} for s in chart["series"]]
    target = chart.get("target")
    if target is not None:
        columns.append({"label": w["target"], "align": "right", "unit": unit})
    rows: list[list[Cell]] = []
    for i, category in enumerate(chart["categories"]):
        row: list[Cell] = [{"text": category, "value": None}]
        for s in chart["series"]:
            v = s["values"][i] if i < len(s["values"]) else None
            row.append({"text": "" if v is None else str(v), "value": v})
        if target is not None:
            row.append({"text": str(target), "value": target})
        rows.append(row)
    return columns, rows


def _styles(book: Any) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "heading": book.add_format({"bold": True, "font_size": 13}),
        "block": book.add_format({"bold": True}),
        "label": book.add_format({"bold": True, "valign": "top"}),
        "header": book.add_format(
            {"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True, "valign": "top"}
        ),
        "cell": book.add_format({"border": 1, "valign": "top"}),
        "cell_right": book.add_format({"border": 1, "align": "right", "valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
    }


def _cover(book: Any, document: Document, styles: dict[str, Any], taken: set[str]) -> None:
    w = words(document)
    sheet = _Sheet(book, sheet_name(w["cover"], taken), styles)
    sheet.text(0, str(document.get("title") or ""), "title", fit=False)
    sheet.row += 2
    period = document.get("period") or {}
    for label, value in (
        (w["organisation"], document.get("organisation") or ""),
        (w["period"], period.get("label") or period.get("code") or ""),
        (w["scope"], document.get("scope_label") or ""),
        (w["version"], version_label(document)),
        (w["issued"], issued_on(document)),
        (w["generated_at"], document.get("generated_at") or ""),
    ):
        sheet.text(0, label, "label")
        sheet.text(1, str(value))
        sheet.row += 1
    definitions = document.get("definitions") or []
    if definitions:
        sheet.row += 1
        sheet.text(0, w["definitions"], "heading", fit=False)
        sheet.row += 1
        columns: list[Column] = [
            {"label": w["metric"], "align": "left"},
            {"label": w["key"], "align": "left"},
            {"label": w["unit"], "align": "left"},
            {"label": w["definition"], "align": "left"},
            {"label": w["scope_column"], "align": "left"},
        ]
        rows: list[list[Cell]] = [
            [
                {"text": str(d.get(k) or ""), "value": None}
                for k in ("name", "key", "unit", "definition", "scope_label")
            ]
            for d in definitions
        ]
        _write_table(sheet, columns, rows, {})
    sheet.finish()


def _section(
    book: Any,
    number: int,
    section: dict[str, Any],
    figures: dict[str, Any],
    styles: dict[str, Any],
    taken: set[str],
    words_: dict[str, str],
) -> None:
    heading = heading_number(1, number) + str(section.get("title") or "")
    sheet = _Sheet(book, sheet_name(heading, taken), styles)
    sheet.text(0, heading, "heading", fit=False)
    sheet.row += 1
    blocks = section.get("blocks") or []
    span = max(
        [len(b["table"]["columns"]) for b in blocks if b["kind"] == "table"]
        + [len(b["chart"]["series"]) + 2 for b in blocks if b["kind"] == "chart"]
        + [1]
    )
    narrative = section.get("narrative")
    if narrative and narrative.get("text"):
        for paragraph in str(narrative["text"]).split("\n"):
            if paragraph.strip():
                sheet.paragraph(paragraph, span)
    headers = []
    titled = 0
    for block in blocks:
        sheet.row += 1
        if block.get("title"):
            titled += 1
            sheet.text(0, heading_number(2, titled) + block["title"], "block", fit=False)
            sheet.row += 1
        if block["kind"] == "table":
            table = block["table"]
            headers.append(_write_table(sheet, table["columns"], table["rows"], figures))
        elif block["kind"] == "chart":
            columns, rows = _chart_table(block, words_)
            headers.append(_write_table(sheet, columns, rows, figures))
        else:
            for paragraph in block.get("paragraphs") or []:
                sheet.paragraph(paragraph, span)
        if block.get("note"):
            sheet.text(0, block["note"], "note", fit=False)
            sheet.row += 1
    # Freeze the heading, or down to the header of a sheet's only table.
    sheet.ws.freeze_panes(headers[0] + 1 if len(headers) == 1 else 1, 0)
    sheet.finish()


def render(document: Document) -> bytes:
    output = io.BytesIO()
    book = new_workbook(output)
    book.set_properties({"title": clean(document.get("title")), "comments": "Opsbook"})
    styles = _styles(book)
    taken: set[str] = set()
    figures = document.get("figures") or {}
    _cover(book, document, styles, taken)
    for n, section in enumerate(document.get("sections") or [], start=1):
        _section(book, n, section, figures, styles, taken, words(document))
    book.close()
    return output.getvalue()
