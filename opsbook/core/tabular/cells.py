"""Reading cells: their text, the apostrophe the exporters add, and parsers remembered per
distinct value (a column of ten thousand rows holds a few hundred distinct values)."""

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, cast

from django.utils.translation import gettext as _

from .headers import normalize
from .xlsx import needs_quote


class CellError(ValueError):
    """A cell could not be read; the message says what was expected."""


def cell_text(value: Any) -> str:
    """A cell as text, without the apostrophe the exporters add before =, +, -, @, tab or CR."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("'") and needs_quote(text[1:]):
            return text[1:]
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_empty(raw: Any) -> bool:
    return raw is None or raw == "" or (raw.__class__ is str and not raw.strip())


def cell_key(raw: Any) -> Any:
    """A dictionary key for a cell value: 1, 1.0 and True stay apart."""
    return raw if raw.__class__ is str else (raw.__class__, raw)


def text(raw: Any, max_length: int | None = None) -> str:
    value = cell_text(raw)
    if max_length is not None and len(value) > max_length:
        raise CellError(too_long(max_length))
    return value


def one_line(raw: Any, max_length: int | None = None) -> str:
    return text(" ".join(cell_text(raw).split()), max_length)


def too_long(limit: int) -> str:
    return _("Longer than %(limit)d characters.") % {"limit": limit}


def not_one_of(value: str, choices: list[str]) -> str:
    return _("%(text)s is not one of %(choices)s.") % {"text": value, "choices": "、".join(choices)}


def choice[V](words: dict[str, V], labels: list[str], raw: Any) -> V:
    """The value whose word (see ``headers.words``) the cell holds."""
    value = cell_text(raw)
    found = words.get(normalize(value))
    if found is None:
        raise CellError(not_one_of(value, labels))
    return found


def cached[T](read: Callable[[Any], T]) -> Callable[[Any], T]:
    """``read`` remembering its result (or its CellError) for each distinct cell value."""
    results: dict[Any, tuple[Any, str | None]] = {}  # value, or None and the error

    def cached_read(raw: Any) -> T:
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        hit = results.get(key)
        if hit is None:
            try:
                hit = results[key] = (read(raw), None)
            except CellError as exc:
                hit = results[key] = (None, str(exc))
        if hit[1] is not None:
            raise CellError(hit[1])
        return cast(T, hit[0])

    return cached_read
