"""Cut-down CJK faces for the PDF, so that a report renders within its memory budget.

A Noto CJK collection holds some 65,000 glyphs (20–27 MB a file). Before it subsets a face,
WeasyPrint copies that whole file into memory for every face a document uses, so a report in
three faces (serif, bold serif, sans) needed about 100 MB for its fonts alone and the export
peaked at 320+ MB. ``opsbook report fonts`` (run by ``make setup`` and the production install)
cuts each installed face down once to **GB 2312** (its 6,763 hanzi cover ordinary modern
Chinese) plus Latin, punctuation, full-width forms, circled numbers and common symbols: 3–4 MB a
face, written to ``REPORT_FONT_DIR`` (default ``var/fonts``).

The PDF names the cut face first and the full face after it (``css_font_family``), so a
character outside GB 2312 (a rare name such as 喆 or 堃) falls back, character by character, to
the installed face: the text is always complete, and only a document that has such a character
pays for the full face. Without the cut faces (the command never ran) the PDF uses the installed
faces as before.

The cut faces are read through ``@font-face`` rules (``font_face_css``); the PDF's URL fetcher
allows exactly the files listed there (``font_urls``) and nothing else on disk.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from .layout import ALL_FACES, PdfFont

# Bump when the character set changes: existing cuts are then rebuilt.
CHARSET_VERSION = 1

# Ranges kept besides GB 2312 (whose own symbols, Greek, Cyrillic, kana and box drawing come
# with it): Latin with its supplements, general punctuation, letter-like symbols, number forms,
# arrows, maths operators, circled numbers, CJK symbols and punctuation, full-width forms.
_RANGES = (
    (0x0020, 0x024F),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


def charset() -> str:
    """Every character the cut faces keep, in code point order."""
    chars = {chr(c) for low, high in _RANGES for c in range(low, high + 1)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                chars.add(bytes((first, second)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(chars))


def font_dir() -> Path:
    return Path(settings.REPORT_FONT_DIR)


def cut_path(face: PdfFont, directory: Path | None = None) -> Path:
    """Where the cut of ``face`` lives: one file per installed face and character set."""
    stem = Path(face.path).stem
    slug = face.name.replace(" ", "")
    return (directory or font_dir()) / f"{stem}-{slug}-gb2312v{CHARSET_VERSION}.otf"


def _source_stamp(face: PdfFont) -> str:
    """The installed file's size and modification time: what a cut records it was made from
    (a package upgrade changes them; dpkg keeps the packaged times, so "newer than" would not
    do)."""
    stat = Path(face.path).stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}\n"


def _stamp_path(face: PdfFont, directory: Path | None = None) -> Path:
    return cut_path(face, directory).with_suffix(".source")


def is_current(face: PdfFont, directory: Path | None = None) -> bool:
    """A cut exists and was made from the face installed now."""
    try:
        return cut_path(face, directory).is_file() and _stamp_path(
            face, directory
        ).read_text() == _source_stamp(face)
    except OSError:
        return False


def cut_family(face: PdfFont, directory: Path | None = None) -> str | None:
    """The family name the PDF uses for the cut of ``face``'s family, when both its regular and
    bold cuts are current (so bold text never falls onto a regular cut)."""
    pair = next((p for p in ALL_FACES if face in p), None)
    if pair is None or not all(is_current(f, directory) for f in pair):
        return None
    return f"Opsbook {face.name}"


def _current_cuts(directory: Path | None = None) -> Iterable[tuple[str, bool, Path]]:
    for regular, bold in ALL_FACES:
        family = cut_family(regular, directory)
        if family is None:
            continue
        yield family, False, cut_path(regular, directory)
        yield family, True, cut_path(bold, directory)


def font_urls(directory: Path | None = None) -> frozenset[str]:
    """The ``file:`` URLs of the current cuts: all the PDF's fetcher reads from disk."""
    return frozenset(path.resolve().as_uri() for _, _, path in _current_cuts(directory))


def font_face_css(directory: Path | None = None) -> str:
    """``@font-face`` rules for the current cuts (the URL is percent-encoded by ``as_uri``, so
    it cannot end the CSS string)."""
    rules = []
    for family, bold, path in _current_cuts(directory):
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{path.resolve().as_uri()}"); '
            f"font-weight: {'bold' if bold else 'normal'}; font-style: normal; }}"
        )
    return "\n".join(rules)


def _face_index(face: PdfFont) -> int:
    """The face's number inside its collection (.ttc), found by its family name."""
    from fontTools.ttLib import TTCollection

    if not face.path.endswith((".ttc", ".otc")):
        return 0
    collection = TTCollection(face.path, lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            names = font["name"]
            if any(
                record.nameID in (1, 16) and record.toUnicode() == face.name
                for record in names.names
            ):
                return index
    finally:
        collection.close()
    raise ValueError(f"{face.path} has no face named {face.name!r}.")


def build(face: PdfFont, directory: Path | None = None, text: str | None = None) -> Path:
    """Cuts ``face`` down to ``text`` (default: ``charset()``) and writes it atomically."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target = cut_path(face, directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    options = subset.Options()  # the default layout features (kerning, ligatures, marks)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    # fontTools reports its progress at INFO, with every glyph name: not for a console.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = TTFont(face.path, fontNumber=_face_index(face), lazy=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text if text is not None else charset())
        subsetter.subset(font)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".otf.part")
        os.close(handle)
        try:
            font.save(temporary)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    finally:
        font.close()
    _stamp_path(face, directory).write_text(_source_stamp(face))
    return target


def installed_faces() -> list[PdfFont]:
    """Every face the PDF may embed that is installed here, each once."""
    faces: list[PdfFont] = []
    for pair in ALL_FACES:
        for face in pair:
            if os.path.exists(face.path) and face not in faces:
                faces.append(face)
    return faces
