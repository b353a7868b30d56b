"""Columns, their header synonyms, and finding them in a sheet's header row.

A header names a column when, ignoring spaces, case, full-width/half-width forms, a trailing
"（必填）" or "*" and a leading "*", it equals the column's Chinese name, its English name or one
of its synonyms; failing that, when its text outside parentheses, one of its alternatives
("日期/date") or its text inside parentheses ("日期 (date)") does. Words of enumerated cells
are compared in the same ``normalize``d form.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_REQUIRED_MARK = re.compile(r"(?:\((?:必填|必须|required)\)|\*)+$")
_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"[(（\[【].*?[)）\]】]")
_ALTERNATIVES = re.compile(r"[/|｜]")


def normalize(text: str) -> str:
    """The form in which headers and words are compared: NFKC, no spaces, case-folded."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def normalize_header(text: str) -> str:
    return _REQUIRED_MARK.sub("", normalize(text)).lstrip("*")


def words[V](mapping: Mapping[V, Sequence[str]]) -> dict[str, V]:
    """Reverse a {value: (word, …)} table into {normalized word: value}; the value itself (a
    string choice) is a word too."""
    return {normalize(str(word)): value for value, ws in mapping.items() for word in (value, *ws)}


@dataclass(frozen=True)
class Column:
    """One column of a sheet. Domains add what they need in a subclass (kw_only fields)."""

    key: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    ignored: bool = False  # recognised, not imported (row numbers, remarks)
    width: int = 14  # in an exported sheet
    help: Any = field(default="", compare=False)  # a (lazy) text for the template

    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.synonyms)


class Headers[C: Column]:
    """The columns of one kind of sheet, found by header."""

    def __init__(self, columns: Iterable[C]):
        self.columns: tuple[C, ...] = tuple(columns)
        self.by_key: dict[str, C] = {c.key: c for c in self.columns}
        self.required: frozenset[str] = frozenset(c.key for c in self.columns if c.required)
        self._names: dict[str, C] = {}
        for column in self.columns:
            for name in column.names():
                if self._names.setdefault(normalize_header(name), column) is not column:
                    raise ValueError(f"header {name!r} is claimed by two columns")

    def match(self, label: str) -> C | None:
        word = normalize_header(label)
        found = self._names.get(word)
        if found is not None or not word:
            return found
        bare = _PARENTHESES.sub("", word)
        candidates = [bare, *(part for part in _ALTERNATIVES.split(bare) if part)]
        inner = _PARENTHESES.search(word)
        if inner:
            candidates.append(inner.group(0)[1:-1])
        for candidate in candidates:
            found = self._names.get(normalize_header(candidate))
            if found is not None:
                return found
        return None


@dataclass
class HeaderRow[C: Column]:
    """What a header row holds: the columns found (in file order, ignored ones included), the
    labels no column claims, the second label of a column named twice, the required columns
    missing."""

    row: int  # as the spreadsheet numbers it
    index: int  # among the rows searched
    found: list[tuple[int, C, str]] = field(default_factory=list)  # (cell index, column, label)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    twice: list[tuple[int, str, C, str]] = field(default_factory=list)  # (…, first label)
    missing: list[C] = field(default_factory=list)

    def columns(self) -> dict[str, tuple[int, str]]:
        """{key: (cell index, label)} of the imported (not ignored) columns."""
        return {c.key: (i, label) for i, c, label in self.found if not c.ignored}


def find_header[C: Column](
    rows: Sequence[tuple[int, Sequence[Any]]],
    headers: Headers[C],
    text: Any,
    *,
    search: int = 10,
) -> HeaderRow[C]:
    """Read the header among the first ``search`` rows: the first that names every required
    column, else the one naming the most columns. ``text`` turns a cell into its label."""
    at, best = 0, -1
    for i, (_number, cells) in enumerate(rows[:search]):
        keys = {c.key for c in (headers.match(text(v)) for v in cells) if c}
        if headers.required <= keys:
            at = i
            break
        if len(keys) > best:
            at, best = i, len(keys)
    number, cells = rows[at]
    header = HeaderRow[C](row=number, index=at)
    seen: dict[str, str] = {}
    for index, value in enumerate(cells):
        label = text(value)
        if not label:
            continue
        column = headers.match(label)
        if column is None:
            header.unknown.append((index, label))
        elif column.key in seen:
            header.twice.append((index, label, column, seen[column.key]))
        else:
            seen[column.key] = label
            header.found.append((index, column, label))
    header.missing = [headers.by_key[k] for k in sorted(headers.required - set(seen))]
    return header
