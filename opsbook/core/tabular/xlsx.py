"""Writing .xlsx files that no spreadsheet runs as formulas.

XlsxWriter with formulas, URLs and numbers taken from strings turned off; text that a
spreadsheet could still take for a formula (starting with =, +, -, @, tab or CR, also behind
apostrophes the text already has) is written with one apostrophe more, which ``cells.cell_text``
removes again on import, so a round trip is exact.
"""

import io
from typing import Any

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def needs_quote(text: str) -> bool:
    """Whether ``neutralise`` prefixes an apostrophe."""
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    return "'" + text if needs_quote(text) else text


def new_workbook(output: io.BytesIO) -> Any:
    """An XlsxWriter workbook writing into ``output``, with the safe options."""
    return xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
