"""What the cell grammars share: the error they raise, splitting a cell into entries or names,
trailing remarks in brackets, and lookups from the words a user may write to stored values."""

import re

from ..columns import normalize


class TextFormatError(ValueError):
    """A cell could not be read; the message says what was expected."""


ENTRY_SEPARATOR = re.compile(r"[；;\n\r]+")
NAME_SEPARATOR = re.compile(r"[、,，;；/／\n\r]+")
COLON = "[:：]"


def split_entries(text: str) -> list[str]:
    return [part.strip() for part in ENTRY_SEPARATOR.split(text) if part.strip()]


def split_names(text: str) -> list[str]:
    return [part.strip() for part in NAME_SEPARATOR.split(text) if part.strip()]


def alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize(w): value for value, ws in table.items() for w in (value, *ws)}


_OPENING, _CLOSING = "(（", ")）"


def _matching_opening(text: str) -> int | None:
    """Where the bracket that the last character of ``text`` closes opens, counting nested
    brackets; None when the brackets are unbalanced."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in _CLOSING:
            depth += 1
        elif char in _OPENING:
            depth -= 1
            if depth == 0:
                return index
    return None


def peel_parentheses(text: str, *, nested: bool = False) -> tuple[str, list[str]]:
    """Split trailing "（…）" groups off ``text``; returns the rest and the groups, last first.

    With ``nested``, a group may hold brackets of its own (a remark, or a calendar name such as
    "上海（浦东）"); where brackets do not balance, the nearest opening bracket starts the group.
    """
    groups = []
    text = text.strip()
    while text and text[-1] in _CLOSING:
        opening = _matching_opening(text) if nested else None
        if opening is None:
            opening = max(text.rfind("("), text.rfind("（"))
        if opening < 0:
            break
        groups.append(text[opening + 1 : -1].strip())
        text = text[:opening].strip()
    return text, groups


def split_outside_brackets(text: str) -> list[str]:
    """Like ``split_entries``, but a separator inside brackets does not split (a remark or a
    calendar name may hold ；); with unbalanced brackets, every separator splits."""
    if not any(char in _OPENING for char in text):
        return split_entries(text)
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            if depth < 0:
                return split_entries(text)
        elif depth == 0 and char in "；;\n\r":
            parts.append(text[start:index])
            start = index + 1
    if depth:
        return split_entries(text)
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]
