"""A notice typed into a sheet: one row per date, columns 日期 (date), 类型 (kind), 名称 (name),
时段 (windows, special hours only) and 按…上班 (hours as on, make-up workdays only).

The file is read by the checklist importer's safe reader (size, zip-bomb and far-cell checks
for .xlsx; UTF-8 or GBK for CSV), so a hostile workbook is refused before it is parsed.
"""

import re

from django.utils.translation import gettext as _

from opsbook.catalog.excel.reader import ImportFileError, read_table

from .entries import (
    CellError,
    Location,
    Notice,
    NoticeEntry,
    Problem,
    check_name,
    normalize,
    parse_date,
    parse_kind,
    parse_weekday,
    parse_windows,
    text_of,
)

# Column → the header words that name it (compared after normalize(): no spaces, case-folded).
COLUMNS = {
    "date": ("日期", "date", "day"),
    "kind": ("类型", "kind", "type", "类别"),
    "name": ("名称", "name", "节日", "节日名称", "假日名称", "holiday"),
    "windows": ("时段", "windows", "hours", "工作时段", "时间段", "特殊时段"),
    "pattern_weekday": (
        "按…上班", "按...上班", "按周几上班", "按星期几上班", "按", "参照", "参照星期", "调休参照",
        "hoursason", "hours_as_on", "pattern", "pattern_weekday", "weekday",
    ),
}  # fmt: skip
REQUIRED = ("date", "kind")
IGNORED = ("备注", "note", "notes", "说明", "星期", "comment")
_HEADERS = {normalize(word): column for column, words in COLUMNS.items() for word in words}
_IGNORED = {normalize(word) for word in IGNORED}
_PARENTHESES = re.compile(r"[(（\[【].*?[)）\]】]")
_ALTERNATIVES = re.compile(r"[/|｜]")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_column(text: str) -> str | None:
    """Which column a header names: 日期, Date, 日期 (date), 日期/date and *日期 all mean date."""
    word = normalize(text).strip("*＊")
    candidates = [word, normalize(_PARENTHESES.sub("", word))]
    candidates += [part for part in _ALTERNATIVES.split(candidates[1]) if part]
    inner = _PARENTHESES.search(word)
    if inner:
        candidates.append(normalize(inner.group(0)[1:-1]))
    for candidate in candidates:
        if candidate in _HEADERS:
            return _HEADERS[candidate]
    if any(c in _IGNORED for c in candidates):
        return ""
    return None


def read_sheet(data: bytes, filename: str) -> Notice:
    notice = Notice(filename)
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        notice.problems.append(Problem(notice.origin, str(exc)))
        return notice
    sheet = table.sheet
    header_row, header_cells = table.rows[0]
    columns: dict[str, int] = {}
    letters: dict[str, str] = {}
    for index, cell in enumerate(header_cells):
        text = text_of(cell)
        if not text:
            continue
        letter = column_letter(table.first_column + index)
        column = _header_column(text)
        where = Location(file=filename, sheet=sheet, row=header_row, column=f"{letter} ({text})")
        if column is None:
            notice.warnings.append(
                _("%(where)s: the column %(header)s is not one Opsbook reads; it was ignored.")
                % {"where": where, "header": text}
            )
        elif column and column in columns:
            notice.problems.append(
                Problem(
                    where,
                    _("A second %(header)s column; the first is column %(first)s.")
                    % {"header": text, "first": letters[column]},
                )
            )
        elif column:
            columns[column] = index
            letters[column] = f"{letter} ({text})"
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        names = {"date": "日期 (date)", "kind": "类型 (kind)"}
        notice.problems.append(
            Problem(
                Location(file=filename, sheet=sheet, row=header_row),
                _(
                    "The first row must name the columns; %(missing)s is missing. Expected "
                    "日期 (date), 类型 (kind), and optionally 名称 (name), 时段 (windows), "
                    "按…上班 (hours as on)."
                )
                % {"missing": ", ".join(names[c] for c in missing)},
            )
        )
    if notice.problems:
        return notice

    for number, cells in table.rows[1:]:
        values = {
            column: (cells[index] if index < len(cells) else "")
            for column, index in columns.items()
        }
        entry_values = {}
        row_problems = []
        for column, parse in (
            ("date", parse_date),
            ("kind", parse_kind),
            ("name", check_name),
            ("pattern_weekday", parse_weekday),
            ("windows", parse_windows),
        ):
            if column not in values:
                continue
            raw = values[column]
            if column == "date" and text_of(raw) == "":
                row_problems.append((column, _("The date is empty.")))
                continue
            try:
                entry_values[column] = parse(raw)
            except CellError as exc:
                row_problems.append((column, str(exc)))
        for column, message in row_problems:
            where = Location(file=filename, sheet=sheet, row=number, column=letters[column])
            notice.problems.append(Problem(where, message, field=column))
        if row_problems:
            continue
        notice.entries.append(
            NoticeEntry(
                date=entry_values["date"],
                kind=entry_values["kind"],
                name=entry_values.get("name", ""),
                pattern_weekday=entry_values.get("pattern_weekday"),
                windows=entry_values.get("windows", ()),
                location=Location(file=filename, sheet=sheet, row=number),
                columns=letters,
            )
        )
    return notice
