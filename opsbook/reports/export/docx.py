"""The report as a Word document (python-docx), in the house style of ``layout.py``.

What a reader gets: a cover (organisation, title, period, scope, version, date of issue), a
table of contents (a TOC field Word updates on open, holding a static list of the sections so it
is never empty), then the sections numbered 一、 with their blocks numbered （一）, in real
Heading styles (so the TOC and the navigation pane work); narratives and text blocks as body
paragraphs; tables with their header row repeated on every page; charts as PNG images at the
width of the text block with a caption; the appendix of definitions; "— N —" page numbers.

Word takes an East Asian run's face from ``w:rFonts/@w:eastAsia``, not from the Latin name, and
theme fonts win over named ones: every style and every run here names both, and no theme font
is left on a style. Every text from the document goes through ``layout.clean`` (titles,
narratives and cells come from users).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from ..document import Block, Column, Document, Table, heading_number
from . import charts
from .layout import FontSpec, Layout, clean, issued_on, labels, layout_for, version_label

# Style names (the headings are Word's built-in ones, so the TOC and navigation see them).
TITLE = "Report Title"
COVER = "Report Cover"
CAPTION = "Report Caption"
TABLE_TEXT = "Report Table Text"
FIGURE = "Report Figure"
TOC_TITLE = "Report Contents"
TOC_LEVELS = ("toc 1", "toc 2")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# The metrics units a cell already prints ("95.2%", "3 h"): not repeated in a column's header.
_METRIC_UNITS = {"count", "ratio", "seconds", "score", "nps", "number", ""}


def render(document: Document) -> bytes:
    return _Writer(document).write()


class _Writer:
    def __init__(self, document: Document):
        self.document = document
        self.layout: Layout = layout_for(document)
        self.words = labels(document)
        self.doc = docx.Document()
        self.figure_count = 0
        self.style_ids: dict[str, str] = {}

    # --- the whole ---------------------------------------------------------------------

    def write(self) -> bytes:
        self._page_setup(self.doc.sections[0])
        self._styles()
        self._properties()
        sections = _sections_with_appendix(self.document, self.words)
        front = self.layout.cover or self.layout.toc
        if self.layout.cover:
            self._cover()
        if self.layout.toc:
            if self.layout.cover:
                self._page_break()
            self._contents(sections)
        if front:
            # The body starts a new section: page numbers from 1, the front matter has none.
            body = self.doc.add_section(WD_SECTION.NEW_PAGE)
            self._page_setup(body)
        else:
            body = self.doc.sections[0]
        _restart_page_numbers(body)
        self._footer(body)
        self._body_title()
        for number, section in enumerate(sections, start=1):
            self._section(number, section)
        self._remove_leading_empty_paragraph()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _page_setup(self, section) -> None:
        lay = self.layout
        section.page_width, section.page_height = Mm(lay.page_width_mm), Mm(lay.page_height_mm)
        section.top_margin, section.bottom_margin = Mm(lay.margin_top_mm), Mm(lay.margin_bottom_mm)
        section.left_margin, section.right_margin = Mm(lay.margin_left_mm), Mm(lay.margin_right_mm)
        section.header_distance, section.footer_distance = Mm(15), Mm(20)

    def _properties(self) -> None:
        doc, props = self.document, self.doc.core_properties
        props.title = clean(doc.get("title"))[:255]
        template = (doc.get("template") or {}).get("name") or ""
        period = (doc.get("period") or {}).get("label") or ""
        props.subject = clean(" ".join(p for p in (template, period) if p))[:255]
        props.author = props.last_modified_by = clean(doc.get("organisation"))[:255]
        props.keywords = clean(doc.get("scope_label"))[:255]
        props.comments = clean(version_label(doc))
        props.category = clean(template)[:255]
        props.language = "en-US" if self.words is labels({"language": "en"}) else "zh-CN"
        props.revision = max(int(doc.get("version") or 0), 1)
        created = _parse_datetime(doc.get("published_at") or doc.get("generated_at"))
        if created:
            props.created = props.modified = created

    # --- styles ------------------------------------------------------------------------

    def _styles(self) -> None:
        lay, styles = self.layout, self.doc.styles
        _document_defaults(self.doc, lay)
        normal = styles["Normal"]
        _style_font(normal, lay.body, lay)
        _fixed_spacing(normal.paragraph_format, lay)
        _indent_chars(normal, lay.first_line_indent_chars, lay.body.size_pt)
        normal.paragraph_format.widow_control = True
        for level in (1, 2, 3, 4):
            style = styles[f"Heading {level}"]
            spec = lay.heading(level)
            _style_font(style, spec, lay)
            _fixed_spacing(style.paragraph_format, lay)
            _indent_chars(style, lay.first_line_indent_chars, spec.size_pt)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        title = _paragraph_style(styles, TITLE)
        _style_font(title, lay.title, lay)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        title.paragraph_format.space_after = Pt(lay.line_spacing_pt)
        title.paragraph_format.keep_with_next = True
        cover = _paragraph_style(styles, COVER)
        _style_font(cover, lay.body, lay)
        cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_spacing(cover.paragraph_format, lay)
        contents = _paragraph_style(styles, TOC_TITLE)
        _style_font(contents, lay.heading(1), lay)
        contents.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        contents.paragraph_format.space_after = Pt(lay.line_spacing_pt)
        for depth, name in enumerate(TOC_LEVELS):
            toc = _paragraph_style(styles, name)
            _style_font(toc, lay.body, lay)
            _fixed_spacing(toc.paragraph_format, lay)
            toc.paragraph_format.left_indent = Pt(lay.body.size_pt * 2 * depth)
        caption = _paragraph_style(styles, CAPTION)
        _style_font(caption, lay.caption, lay)
        caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.space_after = Pt(lay.caption.size_pt * 0.5)
        table_text = _paragraph_style(styles, TABLE_TEXT)
        _style_font(table_text, lay.table, lay)
        table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        table_text.paragraph_format.space_before = table_text.paragraph_format.space_after = Pt(1)
        figure = _paragraph_style(styles, FIGURE)
        _style_font(figure, lay.body, lay)
        figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        figure.paragraph_format.keep_with_next = True
        for name in ("Footer", "Header", "Table Grid"):
            _style_font(styles[name], lay.table if name == "Table Grid" else lay.body, lay)
        # No style keeps a theme font (it would win over the names set above).
        for element in self.doc.styles.element.iter(qn("w:rFonts")):
            for attr in _THEME_ATTRS:
                element.attrib.pop(qn(attr), None)
            if element.get(qn("w:eastAsia")) is None:
                element.set(qn("w:eastAsia"), lay.body_font)

    # --- runs and paragraphs -------------------------------------------------------------

    def _run(self, paragraph: Paragraph, text: Any, spec: FontSpec, *, bold: bool | None = None):
        run = paragraph.add_run(clean(text))
        _run_font(run, spec, self.layout, bold=spec.bold if bold is None else bold)
        return run

    def _paragraph(self, text: Any, spec: FontSpec, style: str = "Normal", **kw) -> Paragraph:
        paragraph = self._add_paragraph(style)
        if text:
            self._run(paragraph, text, spec, **kw)
        return paragraph

    def _style(self, paragraph: Paragraph, name: str) -> None:
        """Set a paragraph's style by its id (python-docx's by-name lookup scans every style
        each time: most of the export's time on a long table)."""
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        paragraph._p.style = None if name == "Normal" else self.style_ids[name]

    def _add_paragraph(self, style: str = "Normal") -> Paragraph:
        paragraph = self.doc.add_paragraph()
        self._style(paragraph, style)
        return paragraph

    def _page_break(self) -> None:
        paragraph = self._add_paragraph(COVER)
        self._run(paragraph, "", self.layout.body).add_break(WD_BREAK.PAGE)

    def _remove_leading_empty_paragraph(self) -> None:
        body = self.doc.element.body
        first = body[0] if len(body) else None
        if first is not None and first.tag == qn("w:p") and not first.xpath(".//w:r"):
            body.remove(first)

    # --- the parts -----------------------------------------------------------------------

    def _cover(self) -> None:
        doc, lay, words = self.document, self.layout, self.words
        for _ in range(3):
            self._paragraph("", lay.body, COVER)
        organisation = clean(doc.get("organisation"))
        if organisation:
            self._paragraph(organisation, lay.heading(1), COVER)
            self._paragraph("", lay.body, COVER)
        self._paragraph(doc.get("title") or "", lay.title, TITLE)
        for _ in range(2):
            self._paragraph("", lay.body, COVER)
        period = (doc.get("period") or {}).get("label") or (doc.get("period") or {}).get("code")
        lines = [
            (words["period"], period),
            (words["scope"], doc.get("scope_label")),
            (words["version"], version_label(doc)),
        ]
        for label, value in lines:
            if value:
                self._paragraph(f"{label}：{clean(value)}", lay.body, COVER)
        for _ in range(4):
            self._paragraph("", lay.body, COVER)
        issued = issued_on(doc)
        if issued:
            self._paragraph(issued, lay.body, COVER)

    def _contents(self, sections: list[dict[str, Any]]) -> None:
        lay = self.layout
        self._paragraph(self.words["contents"], lay.heading(1), TOC_TITLE)
        # The field: begin/instr/separate in the first entry, the entries as its cached result,
        # end in the last. Word rebuilds it on open (``updateFields``, the field marked dirty).
        entries: list[tuple[int, str]] = []
        for number, section in enumerate(sections, start=1):
            entries.append((0, heading_number(1, number) + clean(section.get("title"))))
            for sub, block in enumerate(_titled(section.get("blocks") or []), start=1):
                entries.append((1, heading_number(2, sub) + clean(block.get("title"))))
        if not entries:
            entries = [(0, "")]
        paragraphs = [self._add_paragraph(TOC_LEVELS[depth]) for depth, _t in entries]
        first, last = paragraphs[0], paragraphs[-1]
        _field_begin(first, ' TOC \\o "1-2" \\h \\z \\u ', self._run, lay.body, dirty=True)
        for paragraph, (_depth, text) in zip(paragraphs, entries, strict=True):
            self._run(paragraph, text, lay.body)
        _field_end(last, self._run, lay.body)
        _update_fields_on_open(self.doc)
        self._paragraph(self.words["toc_hint"], lay.caption, CAPTION)

    def _footer(self, section) -> None:
        lay = self.layout
        section.footer.is_linked_to_previous = False
        align = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "outside": WD_ALIGN_PARAGRAPH.RIGHT,
        }[lay.page_number_align]
        footers = [(section.footer, align)]
        if lay.page_number_align == "outside":
            # Odd pages on the right, even pages on the left (the outside corner).
            self.doc.settings.odd_and_even_pages_header_footer = True
            section.even_page_footer.is_linked_to_previous = False
            footers.append((section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
        for footer, alignment in footers:
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            paragraph.style = self.doc.styles["Footer"]
            paragraph.alignment = alignment
            paragraph.paragraph_format.first_line_indent = Pt(0)
            before, after = lay.page_number_parts()
            spec = lay.page_number
            self._run(paragraph, before, spec)
            _field_begin(paragraph, " PAGE ", self._run, spec)
            self._run(paragraph, "1", spec)
            _field_end(paragraph, self._run, spec)
            self._run(paragraph, after, spec)

    def _body_title(self) -> None:
        lay, doc = self.layout, self.document
        self._paragraph(doc.get("title") or "", lay.title, TITLE)
        scope = clean(doc.get("scope_label"))
        status = version_label(doc)
        subtitle = (
            "（" + "，".join(p for p in (scope, status) if p) + "）" if scope or status else ""
        )
        if subtitle:
            paragraph = self._paragraph(subtitle, lay.caption, CAPTION)
            paragraph.paragraph_format.space_after = Pt(lay.line_spacing_pt / 2)

    def _section(self, number: int, section: dict[str, Any]) -> None:
        lay = self.layout
        heading = heading_number(1, number) + clean(section.get("title"))
        self._paragraph(heading, lay.heading(1), "Heading 1")
        narrative = section.get("narrative") or {}
        for text in _lines(narrative.get("text")):
            self._paragraph(text, lay.body)
        sub = 0
        for block in section.get("blocks") or []:
            if block.get("title"):
                sub += 1
                title = heading_number(2, sub) + clean(block["title"])
                self._paragraph(title, lay.heading(2), "Heading 2")
            self._block(block)

    def _block(self, block: Block) -> None:
        kind = block.get("kind")
        if kind == "table" and block.get("table"):
            self._table(block["table"])
        elif kind == "chart" and block.get("chart"):
            self._chart(block)
        elif kind == "text":
            for source in block.get("paragraphs") or []:
                for text in _lines(source):
                    self._paragraph(text, self.layout.body)
        note = clean(block.get("note"))
        if note:
            self._paragraph(note, self.layout.caption, CAPTION).alignment = WD_ALIGN_PARAGRAPH.LEFT

    def _chart(self, block: Block) -> None:
        chart = block["chart"]
        if not chart.get("categories") or not chart.get("series"):
            return
        lay = self.layout
        png = charts.render_png(chart, width_cm=lay.text_width_mm / 10)
        paragraph = self._add_paragraph(FIGURE)
        run = paragraph.add_run()
        _run_font(run, lay.body, lay)
        run.add_picture(io.BytesIO(png), width=Mm(lay.text_width_mm))
        self.figure_count += 1
        label = self.words["figure"].replace("{n}", str(self.figure_count))
        self._paragraph(f"{label}　{clean(block.get('title'))}", lay.caption, CAPTION)

    def _table(self, data: Table) -> None:
        lay = self.layout
        columns = data.get("columns") or []
        rows = data.get("rows") or []
        if not columns:
            return
        table = self.doc.add_table(rows=1 + len(rows), cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _table_look(table)
        all_rows = table.rows
        header = all_rows[0]
        _repeat_as_header(header)
        for cell, column in zip(header.cells, columns, strict=True):
            _shade(cell, "EDEDED")
            paragraph = cell.paragraphs[0]
            self._style(paragraph, TABLE_TEXT)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(paragraph, _header_label(column), lay.table, bold=lay.table_header_bold)
        right = [column.get("align") == "right" for column in columns]
        for row, values in zip(all_rows[1:], rows, strict=True):
            _keep_row_together(row)
            for i, cell in enumerate(row.cells):
                value = values[i] if i < len(values) else {"text": ""}
                paragraph = cell.paragraphs[0]
                self._style(paragraph, TABLE_TEXT)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right[i] else None
                self._run(paragraph, (value or {}).get("text", ""), lay.table)
        # A little air after the table (a table cannot carry space after itself).
        spacer = self._add_paragraph(TABLE_TEXT)
        self._run(spacer, "", lay.table)


# --- the document's content ------------------------------------------------------------------


def _sections_with_appendix(document: Document, words: dict[str, str]) -> list[dict[str, Any]]:
    """The document's sections, plus the definitions of its figures when no block shows them:
    in the "appendix" section if there is one, else in a new last section."""
    sections = [dict(s) for s in document.get("sections") or []]
    definitions = document.get("definitions") or []
    shown = any(
        block.get("type") == "definitions" for s in sections for block in s.get("blocks") or []
    )
    if shown or not definitions:
        return sections
    block = {
        "type": "definitions",
        "kind": "table",
        "title": words["definitions"],
        "table": {
            "columns": [
                {"label": words["metric"], "align": "left"},
                {"label": words["definition"], "align": "left"},
                {"label": words["scope_column"], "align": "left"},
            ],
            "rows": [
                [
                    {"text": d.get("name") or d.get("key") or "", "value": None},
                    {"text": d.get("definition") or "", "value": None},
                    {"text": d.get("scope_label") or "", "value": None},
                ]
                for d in definitions
            ],
        },
        "note": "",
    }
    for section in sections:
        if section.get("key") == "appendix":
            section["blocks"] = [*(section.get("blocks") or []), block]
            return sections
    appendix = {"key": "appendix", "title": words["appendix"], "owner": "", "narrative": None}
    return [*sections, {**appendix, "blocks": [block]}]


def _titled(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block for block in blocks if block.get("title")]


def _lines(text: Any) -> list[str]:
    """A text as paragraphs: one per non-blank line."""
    return [line.strip() for line in clean(text).splitlines() if line.strip()]


def _header_label(column: Column) -> str:
    """A column's label, with its unit when the cells do not print it (a display unit such as
    "件" or "小时"; metrics units print themselves: "95.2%")."""
    label = clean(column.get("label"))
    unit = clean(column.get("unit"))
    if unit and unit not in _METRIC_UNITS and unit not in label:
        return f"{label}（{unit}）"
    return label


def _parse_datetime(raw: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


# --- OOXML helpers --------------------------------------------------------------------------


def _set_fonts(rpr, spec: FontSpec, layout: Layout) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), layout.latin_font)
    rfonts.set(qn("w:hAnsi"), layout.latin_font)
    rfonts.set(qn("w:cs"), layout.latin_font)
    rfonts.set(qn("w:eastAsia"), spec.family)
    rfonts.set(qn("w:hint"), "eastAsia")


def _run_font(run, spec: FontSpec, layout: Layout, *, bold: bool | None = None) -> None:
    _set_fonts(run._element.get_or_add_rPr(), spec, layout)
    run.font.size = Pt(spec.size_pt)
    run.font.bold = spec.bold if bold is None else bold


def _style_font(style, spec: FontSpec, layout: Layout) -> None:
    _set_fonts(style.element.get_or_add_rPr(), spec, layout)
    style.font.size = Pt(spec.size_pt)
    style.font.bold = spec.bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)


def _paragraph_style(styles, name: str):
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.paragraph_format.first_line_indent = Pt(0)
        _indent_chars(style, 0, 0)
        return style


def _fixed_spacing(paragraph_format, layout: Layout) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(layout.line_spacing_pt)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _indent_chars(style, chars: float, size_pt: float) -> None:
    """A first-line indent in characters (``w:firstLineChars``, hundredths of a character), with
    the same length in points for readers that ignore the character unit."""
    style.paragraph_format.first_line_indent = Pt(chars * size_pt)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(round(chars * 100)))


def _document_defaults(doc, layout: Layout) -> None:
    """The defaults every style starts from: the body fonts and Chinese as the East Asian
    language (line breaking, punctuation)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), layout.latin_font)
    rfonts.set(qn("w:hAnsi"), layout.latin_font)
    rfonts.set(qn("w:cs"), layout.latin_font)
    rfonts.set(qn("w:eastAsia"), layout.body_font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _field_begin(paragraph: Paragraph, instruction: str, run, spec, *, dirty=False) -> None:
    begin = run(paragraph, "", spec)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "begin")
    if dirty:
        char.set(qn("w:dirty"), "true")
    begin._element.append(char)
    instr_run = run(paragraph, "", spec)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    instr_run._element.append(instr)
    separate = run(paragraph, "", spec)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "separate")
    separate._element.append(char)


def _field_end(paragraph: Paragraph, run, spec) -> None:
    end = run(paragraph, "", spec)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._element.append(char)


def _update_fields_on_open(doc) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        _insert(settings, update, _AFTER_UPDATE_FIELDS)


def _restart_page_numbers(section) -> None:
    sect_pr = section._sectPr
    pg = sect_pr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        _insert(sect_pr, pg, _AFTER_PG_NUM_TYPE)
    pg.set(qn("w:fmt"), "decimal")
    pg.set(qn("w:start"), "1")


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _keep_row_together(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _table_look(table) -> None:
    """Full width of the text block, single black borders all round and inside."""
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        _insert(tbl_pr, width, ("jc", "tblCellSpacing", "tblInd", *_AFTER_TBL_BORDERS))
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "8" if edge in ("top", "bottom") else "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    _insert(tbl_pr, borders, _AFTER_TBL_BORDERS)


# OOXML wants children in schema order (Word refuses a file otherwise): what follows an element
# we add, by local name.
_AFTER_TBL_BORDERS: tuple[str, ...] = (
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)
_AFTER_PG_NUM_TYPE: tuple[str, ...] = (
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)
_AFTER_UPDATE_FIELDS: tuple[str, ...] = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def _insert(parent, child, successors: tuple[str, ...]) -> None:
    """Insert ``child`` before the first existing child named in ``successors``."""
    for index, existing in enumerate(parent):
        if isinstance(existing.tag, str) and existing.tag.rpartition("}")[2] in successors:
            parent.insert(index, child)
            return
    parent.append(child)
