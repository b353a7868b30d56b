"""Read one worksheet of a checked .xlsx straight from its XML, streamed, into Python rows.

calamine loads a whole sheet into its own cells (every shared string copied into every cell
that uses it) before Python sees a value, and ``to_python`` then copies each value again: a
legal 18 MB checklist (50,000 rows of long sentences) held three copies of its text at once.
Here the package's parts are streamed through expat a megabyte at a time: the shared strings
become one Python string each, and every cell that uses one refers to that same object, so the
sheet's text is held once (``bench/bench_large_workbook.py`` measures it).

The values are the ones python-calamine gives (the tests read every workbook both ways and
compare): text, ``float`` for numbers, ``bool``, ``""`` for empty and error cells, and for a
number in a date or time format (the rules of calamine's ``formats.rs``) a ``date`` (a whole
number), a ``time`` (below 1) or a ``datetime``. Anything rarer (ISO date cells, duration
formats, the 1904 date system, a sheet the relationships do not name plainly) raises
``Unsupported``; the caller then reads the sheet with calamine.
"""

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import IO, Any
from xml.parsers import expat

from .files import CHUNK

Cell = Any
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 (a spreadsheet's serial dates have no zone)
BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47})
BUILTIN_DURATION_FORMATS = frozenset({46})


# Characters XML cannot hold, written by spreadsheet programs as _xHHHH_ (a CR is _x000D_).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda match: chr(int(match[1], 16)), text)


_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9A-Fa-f]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    if match[1]:
        return _NAMED[match[1]]
    return chr(int(match[2])) if match[2] else chr(int(match[3], 16))


def xml_text(raw: bytes) -> str:
    """Character data as an XML parser gives it: line ends normalised, references resolved.
    Only for parts ``files.check_xlsx`` found well formed, with no DOCTYPE or entity."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _regions(part: IO[bytes], boundary: bytes) -> Iterator[bytes]:
    """The part a megabyte at a time, each piece ending just after a ``boundary``."""
    carry = b""
    while chunk := part.read(CHUNK):
        text = carry + chunk
        cut = text.rfind(boundary)
        if cut < 0:
            carry = text
            continue
        cut += len(boundary)
        yield text[:cut]
        carry = text[cut:]
    if carry:
        yield carry


# The forms spreadsheet programs write, matched at C speed; anything else (a prefix, other
# attributes or order, rich text) goes through expat.
_SIMPLE_SI = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t/></si>|<si/>')
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
    rb"(?:/>|>(?:<f>[^<]*</f>|<f/>)?(<v>([^<]*)</v>|<v/>)?</c>)"
)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]+)(?::([A-Z]{1,3}[0-9]+))?"\s*/>')


class Unsupported(Exception):
    """Something this reader leaves to calamine."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _stream(
    part: IO[bytes],
    start: Callable[..., None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    while chunk := part.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def date_format(code: str) -> str | None:
    """``"datetime"``, ``"duration"`` or None for a custom number format (calamine's rules)."""
    escaped = quoted = ampm = hms = False
    brackets = 0
    previous = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            if char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == ";":
            return None
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return "duration"
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif char in "aA" and not ampm and brackets == 0:
            ampm = True
        elif brackets == 0 and char in ("pm/PM" if ampm else "dmhysDMHYS"):
            return "datetime"
        elif not (hms and char.lower() == previous.lower()):
            hms = previous == "[" and char in "mhsMHS"
        previous = char
    return None


def excel_date(serial: float) -> Cell:
    """A serial date as python-calamine converts it."""
    days = serial if serial >= 60 else serial + 1  # Excel's 29 February 1900
    moment = EXCEL_EPOCH + timedelta(milliseconds=round(days * 86_400_000))
    if serial < 1:
        return moment.time()
    if serial == int(serial):
        return moment.date()
    return moment


class SheetReader:
    """The parts of one workbook that reading a sheet needs."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = {info.filename for info in archive.infolist()}
        self.sheets = self._sheets()
        self.date_styles = self._date_styles()
        self.strings: list[str] | None = None

    def _open(self, name: str) -> IO[bytes]:
        return self.archive.open(name)

    def _sheets(self) -> dict[str, str]:
        """Worksheet name → its part."""
        targets: dict[str, str] = {}

        def relationship(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
                target = attrs["Target"]
                if target.startswith("/"):
                    targets[attrs["Id"]] = target.lstrip("/")
                else:
                    targets[attrs["Id"]] = posixpath.normpath(posixpath.join("xl", target))

        with self._open("xl/_rels/workbook.xml.rels") as part:
            _stream(part, relationship)
        sheets: dict[str, str] = {}

        def sheet(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "workbookPr" and attrs.get("date1904", "0").lower() in {"1", "true"}:
                raise Unsupported("the 1904 date system")
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                if rid not in targets or targets[rid] not in self.names:
                    raise Unsupported("a sheet the relationships do not name")
                sheets[attrs.get("name", "")] = targets[rid]

        with self._open("xl/workbook.xml") as part:
            _stream(part, sheet)
        return sheets

    def _date_styles(self) -> list[bool]:
        """For each cell style (``s``), whether its numbers are dates."""
        if "xl/styles.xml" not in self.names:
            return []
        formats: dict[int, str] = {}
        styles: list[bool] = []
        inside = []

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            inside.append(local)
            if local == "numFmt":
                formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
            elif local == "xf" and len(inside) >= 2 and inside[-2] == "cellXfs":
                number = int(attrs.get("numFmtId", "0"))
                if number in formats:
                    kind = date_format(formats[number])
                elif number in BUILTIN_DURATION_FORMATS:
                    kind = "duration"
                else:
                    kind = "datetime" if number in BUILTIN_DATE_FORMATS else None
                if kind == "duration":
                    styles.append(False)
                    self._durations.add(len(styles) - 1)
                else:
                    styles.append(kind == "datetime")

        def end(name: str) -> None:
            inside.pop()

        self._durations: set[int] = set()
        with self._open("xl/styles.xml") as part:
            _stream(part, start, end)
        return styles

    def _shared_strings(self) -> list[str]:
        if self.strings is not None:
            return self.strings
        strings: list[str] = []
        name = next(
            (n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in self.names),
            None,
        )
        if name is not None:
            pieces: list[str] = []
            state = {"text": False, "phonetic": 0}

            def start(tag: str, attrs: dict[str, str]) -> None:
                local = _local(tag)
                if local == "si":
                    pieces.clear()
                elif local == "rPh":
                    state["phonetic"] += 1
                elif local == "t" and not state["phonetic"]:
                    state["text"] = True

            def end(tag: str) -> None:
                local = _local(tag)
                if local == "si":
                    strings.append(unescape("".join(pieces)))
                elif local == "rPh":
                    state["phonetic"] -= 1
                elif local == "t":
                    state["text"] = False

            def text(data: str) -> None:
                if state["text"]:
                    pieces.append(data)

            with self._open(name) as part:
                simple = self._simple_strings(part)
            if simple is not None:
                strings = simple
            else:
                with self._open(name) as part:
                    _stream(part, start, end, text)
        self.strings = strings
        return strings

    @staticmethod
    def _simple_strings(part: IO[bytes]) -> list[str] | None:
        """The shared strings when every one is plain text as Excel writes it (no rich text,
        no phonetic runs); None otherwise."""
        strings: list[str] = []
        for region in _regions(part, b"</si>"):
            found = _SIMPLE_SI.findall(region)
            if len(found) != region.count(b"<si>") + region.count(b"<si/>") or (
                region.count(b"<si") != len(found)
            ):
                return None
            strings.extend(unescape(xml_text(raw)) for raw in found)
        return strings

    def value(self, kind: str, style: int, raw: str) -> Cell:
        """A cell's value as python-calamine gives it."""
        if kind == "s":
            return self._shared_strings()[int(raw)]
        if kind in {"str", "inlineStr"}:
            return raw
        if kind == "b":
            return raw != "0"
        if kind == "e":
            return ""
        if kind != "n":
            raise Unsupported(f"cells of type {kind}")
        if style in self._durations:
            raise Unsupported("a duration format")
        number = float(raw)
        if style < len(self.date_styles) and self.date_styles[style]:
            return excel_date(number)
        return number

    def read(self, sheet_name: str) -> tuple[tuple[int, int] | None, list[list[Cell]], list[Any]]:
        """(top-left (row, column) of the cells with a value, or None; the rows from there to
        the last such cell, each as wide as the widest; the merged ranges), as calamine gives
        them."""
        if sheet_name not in self.sheets:
            raise Unsupported("no such sheet")
        self._shared_strings()
        grid = _Grid()
        with self._open(self.sheets[sheet_name]) as part:
            done = self._read_fast(part, grid)
        if not done:
            grid = _Grid()
            with self._open(self.sheets[sheet_name]) as part:
                self._read_walking(part, grid)
        return grid.result()

    def _read_fast(self, part: IO[bytes], grid: "_Grid") -> bool:
        """Cells as spreadsheet programs write them, by regular expression; False (and
        nothing trusted) when a region has a cell in any other form. The loop is the hot path
        of a large import: shared strings and plain numbers are placed without a call."""
        value, strings, rows = self.value, self.strings or [], grid.rows
        columns: dict[bytes, int] = {}
        left, right = 1 << 30, -1
        last_digits: bytes = b""
        values: list[Cell] = []
        cell: Cell
        for region in _regions(part, b"</row>"):
            found = _CELL.findall(region)
            if len(found) != region.count(b"<c ") + region.count(b"<c>"):
                return False
            for letters, digits, style, kind, tag, raw in found:
                if not tag:
                    continue  # no value: calamine skips the cell
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = _column_number(letters.decode()) - 1
                if kind == b"s":
                    cell = strings[int(raw)]
                elif not kind and not style:
                    cell = float(raw)
                else:
                    text = xml_text(raw) if kind == b"str" else raw.decode()
                    cell = value(kind.decode() or "n", int(style or 0), text)
                if digits != last_digits:
                    row = int(digits) - 1
                    if row not in rows:
                        rows[row] = []
                    values = rows[row]
                    last_digits = digits
                if column >= len(values):
                    values.extend([""] * (column + 1 - len(values)))
                values[column] = cell
                if column < left:
                    left = column
                if column > right:
                    right = column
            merges = _MERGE.findall(region)
            if len(merges) != region.count(b"<mergeCell "):
                return False
            for first, last in merges:
                grid.merged.append((_position(first.decode()), _position((last or first).decode())))
        if right >= 0:
            grid.left, grid.right = left, right
        return True

    def _read_walking(self, part: IO[bytes], grid: "_Grid") -> None:
        """Any cell, element by element (expat)."""
        state: dict[str, Any] = {"row": -1, "col": -1, "type": "n", "style": 0, "text": False}
        pieces: list[str] = []
        phonetic = [0]

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "c":
                reference = attrs.get("r")
                if reference:
                    state["row"], state["col"] = _position(reference)
                else:
                    state["col"] += 1
                state["type"] = attrs.get("t", "n")
                state["style"] = int(attrs.get("s", "0"))
                state["value"] = None
            elif local == "row":
                reference = attrs.get("r")
                state["row"] = int(reference) - 1 if reference else state["row"] + 1
                state["col"] = -1
            elif local == "v" or (local == "t" and not phonetic[0]):
                state["text"] = True
                pieces.clear()
            elif local == "rPh":
                phonetic[0] += 1
            elif local == "is":
                state["inline"] = []
            elif local == "mergeCell":
                first, _, last = attrs.get("ref", "").partition(":")
                if first:
                    grid.merged.append((_position(first), _position(last or first)))

        def end(tag: str) -> None:
            local = _local(tag)
            if local in {"v", "t"} and state["text"]:
                state["text"] = False
                if local == "v":
                    state["value"] = "".join(pieces)
                else:
                    state.setdefault("inline", []).append("".join(pieces))
            elif local == "rPh":
                phonetic[0] -= 1
            elif local == "is":
                state["value"] = unescape("".join(state.pop("inline", [])))
            elif local == "c" and state["value"] is not None:
                grid.put(
                    state["row"],
                    state["col"],
                    self.value(state["type"], state["style"], state["value"]),
                )

        def text(data: str) -> None:
            if state["text"]:
                pieces.append(data)

        _stream(part, start, end, text)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _position(reference: str) -> tuple[int, int]:
    """Zero-based (row, column) of a reference such as ``AB12``."""
    letters = reference.rstrip("0123456789")
    return int(reference[len(letters) :]) - 1, _column_number(letters) - 1


class _Grid:
    """Cells placed by position, then laid out as calamine's rectangle."""

    def __init__(self) -> None:
        self.rows: dict[int, list[Cell]] = {}
        self.merged: list[Any] = []
        self.left: int | None = None
        self.right = -1

    def put(self, row: int, column: int, value: Cell) -> None:
        if row < 0 or column < 0:
            raise Unsupported("a reference before A1")
        values = self.rows.get(row)
        if values is None:
            values = self.rows[row] = []
        if column >= len(values):
            values.extend([""] * (column + 1 - len(values)))
        values[column] = value
        if self.left is None or column < self.left:
            self.left = column
        if column > self.right:
            self.right = column

    def result(self) -> tuple[tuple[int, int] | None, list[list[Cell]], list[Any]]:
        if not self.rows or self.left is None:
            return None, [], self.merged
        top, bottom = min(self.rows), max(self.rows)
        left, width = self.left, self.right - self.left + 1
        laid: list[list[Cell]] = []
        for number in range(top, bottom + 1):
            values = self.rows.pop(number, None)
            line = values[left : self.right + 1] if values else []
            line.extend([""] * (width - len(line)))
            laid.append(line)
        return (top, left), laid, self.merged
