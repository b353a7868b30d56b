"""Checkpoints: a due date, what is due, and whether it is done.

2026-03-31 完成招生方案；2026-06-30 中期评估✓
"""

import re
from datetime import date
from typing import NamedTuple

from django.utils.translation import gettext as _

from ..columns import normalize
from .common import TextFormatError, join_entries, peel_parentheses, split_entries
from .dates import DATE, make_date

_DONE_MARKS = ("✓", "✔", "√", "☑", "[x]", "[X]")
_DONE_WORDS = ("已完成", "完成", "done", "已办结")
_DONE = frozenset(normalize(w) for w in _DONE_WORDS)
_DATE_FIRST = re.compile(rf"^{DATE}\s*(?P<title>.*)$")
_DATE_LAST = re.compile(rf"^(?P<title>.*?)\s*{DATE}$")


class CheckpointSpec(NamedTuple):
    due_date: date
    title: str
    done: bool = False


def _parse_checkpoint(entry: str) -> CheckpointSpec:
    text, done = entry.strip(), False
    if text.endswith(_DONE_MARKS):
        for mark in _DONE_MARKS:
            if text.endswith(mark):
                text, done = text[: -len(mark)].strip(), True
                break
    else:
        rest, groups = peel_parentheses(text)
        if groups and normalize(groups[0]) in _DONE:
            text, done = rest, True
    match = _DATE_FIRST.match(text) or _DATE_LAST.match(text)
    if not match:
        raise TextFormatError(
            _(
                "%(text)s: write a checkpoint as a date and what is due, "
                "e.g. 2026-03-31 完成招生方案."
            )
            % {"text": entry}
        )
    year, month, day = match.group(1, 2, 3) if match.re is _DATE_FIRST else match.group(2, 3, 4)
    title = match["title"].strip()
    if not title:
        raise TextFormatError(_("%(text)s: say what is due on that date.") % {"text": entry})
    if len(title) > 200:
        raise TextFormatError(
            _("%(text)s: a checkpoint is at most 200 characters.") % {"text": entry}
        )
    return CheckpointSpec(make_date(year, month, day, entry), title, done)


def parse_checkpoints(text: str) -> tuple[CheckpointSpec, ...]:
    return tuple(_parse_checkpoint(entry) for entry in split_entries(text))


def format_checkpoint(spec: CheckpointSpec) -> str:
    return f"{spec.due_date.isoformat()} {spec.title}{'✓' if spec.done else ''}"


def format_checkpoints(specs) -> str:
    return join_entries(format_checkpoint(s) for s in specs)
