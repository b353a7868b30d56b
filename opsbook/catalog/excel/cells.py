"""Reading one cell by the kind of its column: text, codes, enumerations, months, dates, owners,
frequencies and the multi-entry grammars. Each distinct value is parsed once per import.

A name, a title or a frequency is one line: a line break (or tab) inside its cell is layout and
becomes a space, as the holiday notice import does; any other control character is an error
on the cell. Descriptions and notes keep their line breaks and tabs; the multi-entry cells keep
their line breaks (they separate entries) and read a tab as a space; owner names are checked
by the owner directory.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opsbook.core.tabular.cells import cell_text, not_one_of, too_long
from opsbook.core.tabular.headers import normalize
from opsbook.core.text import multi_line, single_line

from .. import services
from ..models import ServiceContent, code_validator
from . import textformats as tf
from .calendars import CalendarDirectory
from .columns import ENUM_LABELS, ENUM_WORDS, Column
from .owners import OwnerDirectory, OwnerError

# Kinds read as one line (see above); codes are not: the code validator refuses a line break.
ONE_LINE_KINDS = frozenset({"line", "frequency"})


class CellReader:
    """Parses cells by column kind, remembering each distinct (kind, value) it has seen."""

    def __init__(self, directory: OwnerDirectory, calendars: CalendarDirectory | None = None):
        self.directory = directory
        self.calendars = CalendarDirectory() if calendars is None else calendars
        self.frequencies: dict[str, tuple] = {"": (None, "", "")}
        self._caches: dict[tuple, dict] = {}

    def cache(self, column: Column) -> dict:
        """Results by cell value for this kind of column: ``cache.get(cell_key(raw))``."""
        return self._caches.setdefault((column.kind, column.max_length), {})

    def read(self, column: Column, raw, cache: dict | None = None) -> tuple:
        """(value, error message or None, unknown owner names)."""
        if cache is None:
            cache = self.cache(column)
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        result = cache.get(key)
        if result is None:
            result = cache[key] = self._read(column, raw)
        return result

    def _read(self, column: Column, raw) -> tuple:
        result: tuple[Any, str | None, tuple[str, ...]]
        try:
            result = (self._parse(column, raw), None, ())
        except OwnerError as exc:
            result = (None, str(exc), tuple(exc.unknown))
        except (tf.TextFormatError, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            result = (None, message, ())
        return result

    def _parse(self, column: Column, raw) -> Any:
        kind = column.kind
        if kind == "date":
            return tf.parse_date(raw if isinstance(raw, date | int | float) else cell_text(raw))
        text = cell_text(raw)
        if kind in ONE_LINE_KINDS:
            text = " ".join(text.split())
            single_line(text)
        elif kind != "owners":  # owner names are checked by the directory, which says why
            if kind not in ("text", "code"):
                text = text.replace("\t", " ")
            multi_line(text)
        if column.max_length and len(text) > column.max_length:
            raise tf.TextFormatError(too_long(column.max_length))
        if not text:
            return ""
        if kind in ("text", "line"):
            return text
        if kind == "code":
            code_validator(text)
            return text
        if kind in ENUM_WORDS:
            value = ENUM_WORDS[kind].get(normalize(text))
            if value is None:
                raise tf.TextFormatError(not_one_of(text, list(ENUM_LABELS[kind].values())))
            return value
        if kind == "months":
            return _months(raw, text)
        if kind == "owners":
            return self.directory.parse(text)
        if kind == "frequency":
            self.frequency(text)
            return text
        specs: Any = tf.PARSERS[kind](text)
        if kind == "checkpoints":
            specs = tuple(sorted(specs, key=_due)) if len(specs) > 1 else tuple(specs)
        elif kind == "standards":
            specs = self.calendars.resolve_specs(specs)
        return specs

    def frequency(self, text: str) -> tuple:
        """(parsed dict, kind, period) for a frequency phrase, through services.apply_frequency."""
        if text not in self.frequencies:
            entry = ServiceContent(frequency_text=text)
            services.apply_frequency(entry)  # raises ValidationError with the parser's message
            self.frequencies[text] = (entry.frequency, entry.frequency_kind, entry.frequency_period)
        return self.frequencies[text]


def _due(spec: tf.CheckpointSpec) -> date:
    return spec.due_date


def _months(raw, text: str) -> int:
    number = None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        number = int(raw)
    else:
        digits = text.removesuffix("个月").removesuffix("月").removesuffix("months").strip()
        if digits.isdigit():
            number = int(digits)
    if number is None or not 1 <= number <= 1200:
        raise tf.TextFormatError(
            _("%(text)s is not a number of months (1 or more).") % {"text": text}
        )
    return number
