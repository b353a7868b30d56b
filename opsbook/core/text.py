"""Which characters a piece of text may hold, checked once for the API, the forms and services.

* A single-line value (a name, a code, a title) holds no control character at all: no CR or LF
  (they break headers, file names, CSV rows and iCalendar lines), no tab, no NUL.
* Multi-line text (a description, a reply, a note) may hold tab, LF and CR; every other C0
  control character and DEL are refused (NUL cannot even be stored by PostgreSQL).

Each rule exists three ways: a Django validator (model and form fields), a pydantic
``Annotated`` constraint (API schemas: the OpenAPI document shows it as a ``pattern``), and
``clean_single_line`` for text that was stored before the rule and goes somewhere a line break
would do harm (an export's file name, a header).
"""

import re
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field

# JSON Schema / ECMA-262 patterns, also valid Python regular expressions.
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f]*$"
MULTI_LINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"

_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str, *, multi_line: bool = False) -> bool:
    return bool((_MULTI_LINE_BAD if multi_line else _SINGLE_LINE_BAD).search(value))


def clean_single_line(value: str) -> str:
    """``value`` with each run of control characters replaced by one space, for text already
    stored that must now fit on one line (a file name, a header)."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()


@deconstructible
class NoControlCharacters:
    """A Django validator: ``NoControlCharacters()`` for one-line values,
    ``NoControlCharacters(multi_line=True)`` for text where line breaks and tabs are legitimate."""

    def __init__(self, *, multi_line: bool = False) -> None:
        self.multi_line = multi_line

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and has_control_characters(value, multi_line=self.multi_line):
            if self.multi_line:
                message = _("Control characters are not allowed (line breaks and tabs are).")
            else:
                message = _("Line breaks, tabs and other control characters are not allowed.")
            raise ValidationError(message, code="control_characters")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.multi_line == self.multi_line

    def __hash__(self) -> int:
        return hash(self.multi_line)


single_line = NoControlCharacters()
multi_line = NoControlCharacters(multi_line=True)


def _checked(validator: NoControlCharacters) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            validator(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        return value

    return check


# For API schemas: ``name: SingleLine`` or ``Annotated[SingleLine, Field(max_length=100)]``. A
# validator gives the 422 a readable, translated message; the OpenAPI document shows the rule
# as a ``pattern``.
SingleLine = Annotated[
    str,
    AfterValidator(_checked(single_line)),
    Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN}),
]
MultiLine = Annotated[
    str,
    AfterValidator(_checked(multi_line)),
    Field(json_schema_extra={"pattern": MULTI_LINE_PATTERN}),
]
