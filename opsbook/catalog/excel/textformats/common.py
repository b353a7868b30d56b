"""What the cell grammars share: the error they raise, splitting a cell into entries or names,
trailing remarks in brackets, and lookups from the words a user may write to stored values."""

import re

from ..columns import normalize


class TextFormatError(ValueError):
    """A cell could not be read; the message says what was expected."""


ENTRY_SEPARATOR = re.compile(r"[；;\n\r]+")
NAME_SEPARATOR = re.compile(r"[、,，;；/／\n\r]+")
ENTRY_SEPARATORS = "；;\n\r"
NAME_SEPARATORS = "、,，;；/／\n\r"
COLON = "[:：]"
QUOTE = '"'


def _split(text: str, separators: str, brackets: bool = False) -> list[str] | None:
    """Split ``text`` at ``separators``. An entry that starts with ``"`` is quoted, as in CSV:
    it runs to the next ``"`` not doubled, and separators inside it do not split (``""`` is
    one ``"``). With ``brackets``, separators inside (…) or （…） do not split either; None
    when the brackets do not balance."""
    parts: list[str] = []
    current: list[str] = []
    index, length, depth = 0, len(text), 0
    at_start = True
    while index < length:
        char = text[index]
        if at_start and char.isspace():
            index += 1
            continue
        if at_start and char == QUOTE:
            end = index + 1
            while True:
                end = text.find(QUOTE, end)
                if end < 0 or text[end + 1 : end + 2] != QUOTE:
                    break
                end += 2
            if end < 0:  # no closing quote: the quote is an ordinary character
                current.append(char)
                index += 1
                at_start = False
                continue
            current.append(text[index + 1 : end].replace(QUOTE * 2, QUOTE))
            index = end + 1
            # Whatever follows the closing quote up to the separator belongs to the entry.
            while index < length and text[index] not in separators:
                current.append(text[index])
                index += 1
            parts.append("".join(current))
            current = []
            index += 1
            at_start = True
            continue
        at_start = False
        if brackets and char in _OPENING:
            depth += 1
        elif brackets and char in _CLOSING:
            depth -= 1
            if depth < 0:
                return None
        if char in separators and depth == 0:
            parts.append("".join(current).strip())
            current = []
            at_start = True
        else:
            current.append(char)
        index += 1
    if depth:
        return None
    parts.append("".join(current).strip())
    return [part for part in parts if part.strip()]


def split_entries(text: str) -> list[str]:
    """Entries separated by ；, ; or a new line; ``"…"`` quotes an entry holding one."""
    return _split(text, ENTRY_SEPARATORS) or []


def split_names(text: str) -> list[str]:
    """Names separated by 、, a comma, ；, / or a new line; ``"…"`` quotes a name holding one."""
    return _split(text, NAME_SEPARATORS) or []


def quote(text: str, separators: str = ENTRY_SEPARATORS) -> str:
    """``text`` as one entry: quoted when it holds a separator or starts with a quote or a
    space, so that ``split`` gives it back unchanged."""
    if any(char in separators for char in text) or text.startswith(QUOTE) or text != text.strip():
        return QUOTE + text.replace(QUOTE, QUOTE * 2) + QUOTE
    return text


def join_entries(texts) -> str:
    return "；".join(quote(text) for text in texts)


def join_names(names) -> str:
    return "、".join(quote(name, NAME_SEPARATORS) for name in names)


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
    parts = _split(text, ENTRY_SEPARATORS, brackets=True)
    return split_entries(text) if parts is None else parts
