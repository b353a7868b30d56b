"""The house style of exported reports, as data: a Chinese corporate layout after GB/T 9704-2012
(A4, 37/35/28/26 mm margins, 仿宋 三号 body on a fixed 28 pt line, 一、（一）1.（1） headings in
黑体/楷体/仿宋, "— 1 —" page numbers). The DOCX and PDF exporters read the same ``Layout``; a
template may override any field through its ``layout`` JSON (copied into the document's
``"layout"``), e.g. ``{"body_font": "宋体", "body_size_pt": 14, "margin_top_mm": 30}``.

Overrides are checked field by field: an unknown key is ignored and a bad value keeps the
default, each with a note (``Layout.notes``) so the template editor can say why.

Font names are the ones Chinese Windows and WPS have (宋体, 仿宋, 黑体, 楷体): Word picks an
East Asian run's face from ``w:eastAsia``. A PDF has to embed a face that is installed here:
``pdf_font(family, bold=)`` maps a family to an installed CJK font file (Debian's
fonts-noto-cjk: Noto Serif CJK SC for 宋体/仿宋, Noto Sans CJK SC for 黑体; fonts-arphic-ukai for
楷体 when installed).
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from typing import Any

# Chinese font sizes by name, in points (for readers of the defaults below).
SIZES = {"初号": 42.0, "一号": 26.0, "二号": 22.0, "三号": 16.0, "四号": 14.0, "小四": 12.0}
SIZES |= {"五号": 10.5, "小五": 9.0}

PAGE_NUMBER_ALIGNS = ("center", "outside", "left", "right")
# A font name: letters (any script), digits, spaces and _ - (nothing that could end a CSS string
# or an XML attribute).
_FONT_NAME = re.compile(r"^[\w \-]{1,60}$")


@dataclass(frozen=True)
class FontSpec:
    """A face for one kind of text: its (East Asian) family, size in points, bold or not."""

    family: str
    size_pt: float
    bold: bool = False


@dataclass(frozen=True)
class Layout:
    # Paper and margins (mm).
    paper: str = "A4"
    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    margin_top_mm: float = 37.0
    margin_bottom_mm: float = 35.0
    margin_left_mm: float = 28.0
    margin_right_mm: float = 26.0
    # The Latin face set beside every East Asian one (digits, English words).
    latin_font: str = "Times New Roman"
    # Body text: 仿宋 三号, first-line indent of 2 characters, fixed line spacing.
    body_font: str = "仿宋"
    body_size_pt: float = 16.0
    line_spacing_pt: float = 28.0
    first_line_indent_chars: float = 2.0
    # The title (cover and first page): 小标宋, or 宋体 bold where 小标宋 is not installed.
    title_font: str = "宋体"
    title_size_pt: float = 22.0
    title_bold: bool = True
    # Headings: 一、 黑体 三号; （一） 楷体 三号; 1. 仿宋 三号 bold; （1） 仿宋 三号.
    heading1_font: str = "黑体"
    heading1_size_pt: float = 16.0
    heading1_bold: bool = False
    heading2_font: str = "楷体"
    heading2_size_pt: float = 16.0
    heading2_bold: bool = False
    heading3_font: str = "仿宋"
    heading3_size_pt: float = 16.0
    heading3_bold: bool = True
    heading4_font: str = "仿宋"
    heading4_size_pt: float = 16.0
    heading4_bold: bool = False
    # Tables: smaller than the body so that seven columns fit (五号), single-spaced.
    table_font: str = "仿宋"
    table_size_pt: float = 10.5
    table_header_bold: bool = True
    # Captions of charts and tables, notes under blocks (小四 楷体).
    caption_font: str = "楷体"
    caption_size_pt: float = 12.0
    # Page numbers: 四号, "— 1 —", centred (or on the outside corner).
    page_number_font: str = "宋体"
    page_number_size_pt: float = 14.0
    page_number_format: str = "— {n} —"
    page_number_align: str = "center"
    # The parts around the sections.
    cover: bool = True
    toc: bool = True
    # What was wrong with the template's overrides (not a style field).
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def text_height_mm(self) -> float:
        return self.page_height_mm - self.margin_top_mm - self.margin_bottom_mm

    @property
    def title(self) -> FontSpec:
        return FontSpec(self.title_font, self.title_size_pt, self.title_bold)

    @property
    def body(self) -> FontSpec:
        return FontSpec(self.body_font, self.body_size_pt)

    @property
    def table(self) -> FontSpec:
        return FontSpec(self.table_font, self.table_size_pt)

    @property
    def caption(self) -> FontSpec:
        return FontSpec(self.caption_font, self.caption_size_pt)

    @property
    def page_number(self) -> FontSpec:
        return FontSpec(self.page_number_font, self.page_number_size_pt)

    def heading(self, level: int) -> FontSpec:
        """The face of a heading of level 1–4 (一、 （一） 1. （1））; deeper levels as level 4."""
        level = min(max(level, 1), 4)
        return FontSpec(
            getattr(self, f"heading{level}_font"),
            getattr(self, f"heading{level}_size_pt"),
            getattr(self, f"heading{level}_bold"),
        )

    def page_number_text(self, n: int | str) -> str:
        return self.page_number_format.replace("{n}", str(n))

    def page_number_parts(self) -> tuple[str, str]:
        """The text before and after the number ("— ", " —"), for a PAGE field or CSS."""
        before, _sep, after = self.page_number_format.partition("{n}")
        return before, after


DEFAULT = Layout()

# The bounds of each numeric field (inclusive).
_RANGES: dict[str, tuple[float, float]] = {
    "page_width_mm": (100, 600),
    "page_height_mm": (100, 900),
    "margin_top_mm": (0, 100),
    "margin_bottom_mm": (0, 100),
    "margin_left_mm": (0, 100),
    "margin_right_mm": (0, 100),
    "line_spacing_pt": (6, 72),
    "first_line_indent_chars": (0, 8),
}
_PAPERS = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "B5": (176.0, 250.0),
    "LETTER": (215.9, 279.4),
}


def _check(name: str, value: Any, default: Any) -> tuple[Any, str | None]:
    """The value to use for one override, and a note when it is not the one given."""
    bad = f"layout: {name}={value!r} is not valid; the default {default!r} is used."
    if isinstance(default, bool):
        return (value, None) if isinstance(value, bool) else (default, bad)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return default, bad
        low, high = _RANGES.get(name, (5.0, 72.0) if name.endswith("_size_pt") else (0.0, 1e4))
        if not (low <= float(value) <= high):
            return default, bad
        return float(value), None
    # Strings.
    if not isinstance(value, str):
        return default, bad
    value = value.strip()
    if name == "paper":
        return (value.upper(), None) if value.upper() in _PAPERS else (default, bad)
    if name == "page_number_align":
        return (value, None) if value in PAGE_NUMBER_ALIGNS else (default, bad)
    if name == "page_number_format":
        ok = value.count("{n}") == 1 and len(value) <= 20 and not _has_control(value)
        return (value, None) if ok else (default, bad)
    # A font name.
    return (value, None) if _FONT_NAME.match(value) else (default, bad)


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text)


def layout_for(document: dict[str, Any] | None = None) -> Layout:
    """The layout of a document: the defaults, with the template's overrides
    (``document["layout"]``) that are valid; what was not is in ``notes``."""
    overrides = (document or {}).get("layout") or {}
    if not isinstance(overrides, dict):
        return dataclasses.replace(
            DEFAULT, notes=("layout: not an object; the defaults are used.",)
        )
    fields = {f.name: f for f in dataclasses.fields(Layout) if f.name != "notes"}
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for name, value in overrides.items():
        if name not in fields:
            notes.append(f"layout: unknown key {name!r} ignored.")
            continue
        default = getattr(DEFAULT, name)
        checked, note = _check(name, value, default)
        if note:
            notes.append(note)
        else:
            changes[name] = checked
    paper = changes.get("paper")
    if paper and "page_width_mm" not in changes and "page_height_mm" not in changes:
        changes["page_width_mm"], changes["page_height_mm"] = _PAPERS[paper]
    layout = dataclasses.replace(DEFAULT, **changes, notes=tuple(notes))
    # The text block must keep some room (margins wider than the paper fall back).
    if layout.text_width_mm < 50 or layout.text_height_mm < 50:
        margins = ("margin_top_mm", "margin_bottom_mm", "margin_left_mm", "margin_right_mm")
        layout = dataclasses.replace(
            layout,
            **{m: getattr(DEFAULT, m) for m in margins},
            notes=(*layout.notes, "layout: the margins leave no room for text; defaults used."),
        )
    return layout


# --- Fonts for the PDF ---------------------------------------------------------------------

NOTO = "/usr/share/fonts/opentype/noto"
SERIF_REGULAR = f"{NOTO}/NotoSerifCJK-Regular.ttc"
SERIF_BOLD = f"{NOTO}/NotoSerifCJK-Bold.ttc"
SANS_REGULAR = f"{NOTO}/NotoSansCJK-Regular.ttc"
SANS_BOLD = f"{NOTO}/NotoSansCJK-Bold.ttc"
KAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"


@dataclass(frozen=True)
class PdfFont:
    """An installed face to embed: its family name as fontconfig knows it (``local()`` in
    CSS) and its file (a .ttc collection: the SC face is picked by the family name)."""

    name: str
    path: str


_SERIF = (PdfFont("Noto Serif CJK SC", SERIF_REGULAR), PdfFont("Noto Serif CJK SC", SERIF_BOLD))
_SANS = (PdfFont("Noto Sans CJK SC", SANS_REGULAR), PdfFont("Noto Sans CJK SC", SANS_BOLD))
_KAI = (PdfFont("AR PL UKai CN", KAI), PdfFont("AR PL UKai CN", KAI))
# Each family as (regular, bold); ``fonts.py`` cuts these down for the PDF.
ALL_FACES = (_SERIF, _SANS, _KAI)

# Which installed face stands in for each Windows/WPS family (sans for the 黑 faces).
_SANS_FAMILIES = {"黑体", "微软雅黑", "等线", "SimHei", "Microsoft YaHei", "DengXian"}
_KAI_FAMILIES = {"楷体", "楷体_GB2312", "KaiTi"}


def pdf_font(family: str, *, bold: bool = False) -> PdfFont | None:
    """The installed face the PDF embeds for ``family`` (None when no CJK font is installed:
    then the PDF falls back to whatever fontconfig finds)."""
    if family in _KAI_FAMILIES and os.path.exists(KAI):
        candidates = [_KAI, _SERIF]
    elif family in _SANS_FAMILIES:
        candidates = [_SANS, _SERIF]
    else:
        candidates = [_SERIF, _SANS]
    for regular, heavy in candidates:
        face = heavy if bold else regular
        if os.path.exists(face.path):
            return face
        if os.path.exists(regular.path):
            return regular
    return None


def pdf_fonts(layout: Layout) -> dict[str, PdfFont]:
    """Every face the layout uses, by "family" or "family:bold", mapped to what to embed."""
    specs = [layout.title, layout.body, layout.caption, layout.page_number]
    specs += [layout.heading(level) for level in (1, 2, 3, 4)]
    table = layout.table
    specs += [table, FontSpec(table.family, table.size_pt, layout.table_header_bold)]
    out: dict[str, PdfFont] = {}
    for spec in specs:
        key = f"{spec.family}:bold" if spec.bold else spec.family
        face = pdf_font(spec.family, bold=spec.bold)
        if face is not None:
            out[key] = face
    return out


def css_font_family(family: str, *, bold: bool = False) -> str:
    """A CSS font-family list for ``family``: the cut-down face when ``opsbook report fonts``
    made it (see ``fonts.py``), the installed face (so the PDF embeds it, and every character
    the cut lacks falls back to it), then the Windows name, then a generic family."""
    from .fonts import cut_family

    face = pdf_font(family, bold=bold)
    generic = "sans-serif" if family in _SANS_FAMILIES else "serif"
    names = []
    if face is not None:
        cut = cut_family(face)
        names = [cut, face.name] if cut else [face.name]
    names.append(family)
    return ", ".join(f'"{n}"' for n in dict.fromkeys(names)) + f", {generic}"


# --- Words the exporters add around the document's own text ---------------------------------
# The document carries its language ("zh-hans" by default); the words an exporter adds (cover
# labels, "目录", captions) follow it, not the language of whoever downloads the file.

_LABELS = {
    "zh-hans": {
        "contents": "目录",
        "period": "报告期",
        "scope": "范围",
        "version": "版本",
        "draft": "草稿",
        "published": "第{n}版",
        "issued": "印发日期",
        "figure": "图{n}",
        "table": "表{n}",
        "appendix": "附录",
        "definitions": "指标定义",
        "metric": "指标",
        "definition": "定义",
        "scope_column": "范围",
        "note": "注：",
        "toc_hint": "（打开文档时更新目录；如未更新，请右键点击目录并选择“更新域”。）",
    },
    "en": {
        "contents": "Contents",
        "period": "Period",
        "scope": "Scope",
        "version": "Version",
        "draft": "Draft",
        "published": "Version {n}",
        "issued": "Issued",
        "figure": "Figure {n}",
        "table": "Table {n}",
        "appendix": "Appendix",
        "definitions": "Definitions",
        "metric": "Figure",
        "definition": "Definition",
        "scope_column": "Scope",
        "note": "Note: ",
        "toc_hint": "(The table of contents updates when the document opens.)",
    },
}


def labels(document: dict[str, Any]) -> dict[str, str]:
    language = str(document.get("language") or "zh-hans").lower()
    return _LABELS["en" if language.startswith("en") else "zh-hans"]


def version_label(document: dict[str, Any]) -> str:
    """ "草稿" for a draft, "第2版" for published version 2."""
    words = labels(document)
    version = document.get("version") or 0
    return words["published"].replace("{n}", str(version)) if version else words["draft"]


def issued_on(document: dict[str, Any]) -> str:
    """The date of issue in Arabic digits, "2026年12月5日": the publication date of a published
    version (``published_at``), else the date the draft was built (``generated_at``)."""
    raw = str(document.get("published_at") or document.get("generated_at") or "")
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", raw)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if labels(document) is _LABELS["en"]:
        return f"{year}-{month:02d}-{day:02d}"
    return f"{year}年{month}月{day}日"


# Characters XML 1.0 cannot carry (and C1 controls): stripped from every text an exporter writes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    """User text made safe for an XML document (titles, narratives and cells come from users)."""
    return _NOT_XML.sub("", "" if text is None else str(text))
