"""The exporters: one document (``document.py``) to Word, PDF or Excel. Each format is one
module with ``render(document) -> bytes``; ``export()`` picks it and names the file."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from ..choices import Format
from ..document import Document

CONTENT_TYPES = {
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.PDF: "application/pdf",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Exported:
    content: bytes
    content_type: str
    filename: str


def filename_for(document: Document, fmt: str) -> str:
    """ "2026年11月运营服务月报-v2.docx": the title, the published version if any."""
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", str(document.get("title") or "report")).strip()
    version = document.get("version") or 0
    suffix = f"-v{version}" if version else "-draft"
    return f"{title}{suffix}.{fmt}"


def export(document: Document, fmt: str) -> Exported:
    # Each format loads its own heavy library (WeasyPrint, python-docx) only when asked for.
    if fmt not in Format.values:
        raise ValueError(f"Unknown format {fmt!r}; use docx, pdf or xlsx.")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return Exported(
        module.render(document), CONTENT_TYPES[Format(fmt)], filename_for(document, fmt)
    )
