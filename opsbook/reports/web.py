"""The report document as a web page: what the templates of the draft, a published version and
the portal read. Pure functions over the document (``document.py``), no database.

- Sections are numbered 一、二、… (``document.heading_number``).
- A table's figure cell links to its drill-down (the cell's ``link``, or its figure's when the
  cell shows the figure's own value).
- A narrative's numbers link to their figures' drill-downs too: the paragraph is rendered from
  its linked form (``{{ref:part}}`` tokens); when that does not give back the text as stored
  (a token without a figure, say), the stored text is shown as it is.
- A chart carries its data for ECharts (json_script, no inline script).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .document import PARTS, Document, heading_number

TOKEN = re.compile(r"\{\{([^{}]+?):(" + "|".join(PARTS) + r")\}\}")
SAFE_LINK = re.compile(r"^/[^/\\]")  # a path of this site, never another host

# Where a reader is sent for a figure: (the document's drill-down path, the figure's ref) → the
# path to link, or None for no link (the portal sends customers to their own drill-down).
Relink = Callable[[str, str | None], str | None]


def _safe_link(link: Any) -> str | None:
    """Only paths of this site become links (a document is data; a stray URL is not followed)."""
    if isinstance(link, str) and SAFE_LINK.match(link):
        return link
    return None


def _keep(link: str, ref: str | None) -> str | None:
    return link


def linked_narrative(
    narrative: dict[str, Any], figures: dict[str, Any], relink: Relink = _keep
) -> SafeString:
    """The paragraph as HTML: each token's display text, linked to its figure's drill-down."""
    text = str(narrative.get("text") or "")
    source = narrative.get("source")
    if not source or not TOKEN.search(source):
        return escape(text)
    plain: list[str] = []
    html: list[str] = []
    pos = 0
    for match in TOKEN.finditer(source):
        ref, part = match.group(1), match.group(2)
        figure = figures.get(ref)
        display = (figure or {}).get("display", {}).get(part)
        if display is None:
            return escape(text)
        before = source[pos : match.start()]
        plain += [before, display]
        link = _safe_link(figure.get("link")) if figure else None
        link = relink(link, ref) if link else None
        html.append(escape(before))
        if link:
            html.append(
                format_html(
                    '<a class="report-figure" href="{}" data-ref="{}" data-part="{}">{}</a>',
                    link,
                    ref,
                    part,
                    display,
                )
            )
        else:
            html.append(escape(display))
        pos = match.end()
    plain.append(source[pos:])
    html.append(escape(source[pos:]))
    if "".join(plain) != text:
        return escape(text)
    return mark_safe("".join(html))  # noqa: S308 - every piece above is escaped or format_html


def _cell(
    cell: dict[str, Any], column: dict[str, Any], figures: dict[str, Any], relink: Relink
) -> dict:
    link = _safe_link(cell.get("link"))
    ref = cell.get("ref")
    if link is None and ref and (cell.get("part") or "value") == "value":
        link = _safe_link((figures.get(ref) or {}).get("link"))
    if (
        link is not None
        and cell.get("value") is None
        and str(cell.get("text", "")).strip()
        in (
            "",
            "—",
            "-",
        )
    ):
        link = None  # nothing to check: no number, no link
    if link is not None:
        link = relink(link, ref)
    return {
        "text": cell.get("text", ""),
        "link": link,
        "ref": ref,
        "part": cell.get("part"),
        "align": column.get("align", "left"),
    }


def _table(table: dict[str, Any], figures: dict[str, Any], relink: Relink) -> dict[str, Any]:
    columns = list(table.get("columns") or [])
    rows = []
    for row in table.get("rows") or []:
        cells = []
        for i, cell in enumerate(row):
            column = columns[i] if i < len(columns) else {"align": "left"}
            cells.append(_cell(cell, column, figures, relink))
        rows.append(cells)
    return {"columns": columns, "rows": rows}


def present(
    document: Document, *, chart_prefix: str = "report-chart", relink: Relink = _keep
) -> dict[str, Any]:
    """The document as the templates read it: ``sections`` (numbered, with presented blocks)
    and ``charts`` ({id: chart data} for json_script). ``relink`` decides where each figure's
    link goes (by default: the document's drill-down path)."""
    figures = document.get("figures") or {}
    sections = []
    charts: list[dict[str, Any]] = []
    has_appendix = False
    for n, section in enumerate(document.get("sections") or [], start=1):
        has_appendix = has_appendix or section.get("key") == "appendix"
        narrative = section.get("narrative")
        blocks = []
        for b, block in enumerate(section.get("blocks") or [], start=1):
            kind = block.get("kind")
            shown: dict[str, Any] = {
                "type": block.get("type", ""),
                "kind": kind,
                "title": block.get("title", ""),
                "note": block.get("note", ""),
                "number": heading_number(2, b),
            }
            if kind == "table":
                shown["table"] = _table(block.get("table") or {}, figures, relink)
            elif kind == "chart":
                chart_id = f"{chart_prefix}-{len(charts) + 1}"
                shown["chart_id"] = chart_id
                charts.append({"id": chart_id, **(block.get("chart") or {})})
            else:
                shown["paragraphs"] = list(block.get("paragraphs") or [])
            blocks.append(shown)
        sections.append(
            {
                "key": section.get("key", ""),
                "number": heading_number(1, n),
                "title": section.get("title", ""),
                "owner": section.get("owner", ""),
                "narrative": None
                if narrative is None
                else {
                    "html": linked_narrative(narrative, figures, relink),
                    "text": narrative.get("text", ""),
                    "edited": bool(narrative.get("edited")),
                    "warnings": list(narrative.get("warnings") or []),
                },
                "blocks": blocks,
            }
        )
    definitions = [] if has_appendix else list(document.get("definitions") or [])
    return {
        "title": document.get("title", ""),
        "period": document.get("period") or {},
        "scope_label": document.get("scope_label", ""),
        "generated_at": document.get("generated_at", ""),
        "version": document.get("version") or 0,
        "sections": sections,
        "charts": charts,
        "definitions": definitions,
        "appendix_number": heading_number(1, len(sections) + 1) if definitions else "",
    }
