"""The report as PDF: an HTML page rendered from the document (``reports/export/pdf.html``) and
laid out by WeasyPrint, with the same content and numbering as the Word export: cover, table of
contents with page numbers, headings 一、 （一）, narratives, tables whose header repeats on each
page, charts as PNG images, "— N —" page numbers, A4 with the house margins.

WeasyPrint would fetch whatever an ``src`` or ``url()`` names; ``fetch`` allows only ``data:``
URIs and the cut-down font files of ``fonts.py`` (by exact URL), so no text in a document can
make the server read a file or call a URL. User text reaches the page only through Django's
autoescaping.
"""

from __future__ import annotations

import base64
import unicodedata
from typing import Any
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..document import Block, Document, Table, heading_number
from . import charts, fonts
from .layout import (
    Layout,
    clean,
    css_font_family,
    issued_on,
    labels,
    layout_for,
    version_label,
)


class ForbiddenURL(ValueError):
    """A URL the PDF export may not fetch."""


class GuardedFetcher(URLFetcher):
    """Fetches ``data:`` URIs (the charts) and the cut-down fonts' files, named exactly, and
    refuses everything else: no http(s), no other file, no ftp, whatever a narrative, a title or
    a CSS ``url()`` in a document might name."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.font_urls = fonts.font_urls()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        if url in self.font_urls:
            path = urlsplit(url).path
            with open(unquote(path), "rb") as font:
                body = font.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "font/otf"})
        raise ForbiddenURL(f"The PDF export does not fetch {url[:200]!r}.")


def fetch(url: str) -> URLFetcherResponse:
    """The fetcher WeasyPrint uses for this export (what the tests call directly)."""
    return GuardedFetcher().fetch(url)


def _png_uri(block: Block) -> str:
    png = charts.render_png(block["chart"], "")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(table: Table) -> list[str]:
    """Column widths in % of the text block, from the longest text of each column (capped, so
    that one long cell wraps instead of squeezing the numbers). The table is laid out with
    fixed widths: far quicker than the automatic layout on long tables."""
    n = len(table["columns"])
    if not n:
        return []
    need = [max(_text_width(c["label"]), 4) for c in table["columns"]]
    for row in table["rows"]:
        for i, cell in enumerate(row[:n]):
            need[i] = max(need[i], _text_width(cell.get("text") or ""))
    capped = [min(w, 40) + 2 for w in need]
    total = sum(capped)
    return [f"{100 * w / total:.2f}%" for w in capped]


def _block_context(block: Block, number: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": block["kind"],
        "number": heading_number(2, number) if block.get("title") else "",
        "title": block.get("title", ""),
        "note": block.get("note", ""),
    }
    if block["kind"] == "table":
        table = block["table"]
        columns = table["columns"]
        out["columns"] = columns
        out["widths"] = column_widths(table)
        out["rows"] = [
            [
                {
                    "text": c.get("text", ""),
                    "align": columns[i]["align"] if i < len(columns) else "left",
                }
                for i, c in enumerate(row)
            ]
            for row in table["rows"]
        ]
    elif block["kind"] == "chart":
        out["image"] = _png_uri(block)
    else:
        out["paragraphs"] = block.get("paragraphs", [])
    return out


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: anything but letters, digits and spaces escaped, so a
    template's page number format cannot end the string or the style sheet."""
    return (
        '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in text) + '"'
    )


def _css(layout: Layout) -> dict[str, str]:
    """The layout's values as CSS (font lists and strings are made safe here; the template
    marks them safe)."""
    before, after = layout.page_number_parts()
    align = {"center": "center", "left": "left", "right": "right", "outside": "right"}
    return {
        "size": f"{layout.page_width_mm}mm {layout.page_height_mm}mm",
        "margin": f"{layout.margin_top_mm}mm {layout.margin_right_mm}mm "
        f"{layout.margin_bottom_mm}mm {layout.margin_left_mm}mm",
        "body_font": css_font_family(layout.body_font),
        "title_font": css_font_family(layout.title_font, bold=layout.title_bold),
        "table_font": css_font_family(layout.table_font),
        "header_font": css_font_family(layout.table_font, bold=layout.table_header_bold),
        "caption_font": css_font_family(layout.caption_font),
        "page_number_font": css_font_family(layout.page_number_font),
        "page_number_before": css_string(before),
        "page_number_after": css_string(after),
        "page_number_box": f"bottom-{align[layout.page_number_align]}",
        "outside": "1" if layout.page_number_align == "outside" else "",
        **{
            f"h{level}_font": css_font_family(
                layout.heading(level).family, bold=layout.heading(level).bold
            )
            for level in (1, 2, 3, 4)
        },
        **{
            f"h{level}_weight": "bold" if layout.heading(level).bold else "normal"
            for level in (1, 2)
        },
    }


def context(document: Document) -> dict[str, Any]:
    """What the template shows: the document with its headings numbered."""
    layout = layout_for(document)
    sections = []
    for n, section in enumerate(document.get("sections", []), start=1):
        titled = 0
        blocks = []
        for block in section.get("blocks", []):
            if block.get("title"):
                titled += 1
            blocks.append(_block_context(block, titled))
        narrative = section.get("narrative") or None
        sections.append(
            {
                "anchor": f"s{n}",
                "number": heading_number(1, n),
                "title": section.get("title", ""),
                "owner": section.get("owner", ""),
                "paragraphs": [
                    p for p in (narrative["text"].split("\n") if narrative else []) if p.strip()
                ],
                "blocks": blocks,
            }
        )
    return {
        "doc": document,
        "sections": sections,
        "words": labels(document),
        "version": version_label(document),
        "issued": issued_on(document),
        "layout": layout,
        "css": _css(layout),
        "font_faces": fonts.font_face_css(),
        "draft": (document.get("status") or "draft") != "published" and not document.get("version"),
    }


def clean_document(value: Any) -> Any:
    """The document with every string stripped of what XML cannot carry (control characters
    from pasted text), as the DOCX does."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: clean_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_document(v) for v in value]
    return value


def render_html(document: Document) -> str:
    return render_to_string("reports/export/pdf.html", context(document))


def render(document: Document) -> bytes:
    source = render_html(clean_document(document))
    html = HTML(string=source, url_fetcher=GuardedFetcher())
    out = html.write_pdf()
    assert out is not None
    return bytes(out)
