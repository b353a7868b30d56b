"""A notice typed into a sheet: one row per date, columns 日期 (date), 类型 (kind), 名称 (name),
时段 (windows, special hours only) and 按…上班 (hours as on, make-up workdays only).

The file is read by the spreadsheet engine (core.tabular) (size, zip-bomb and far-cell checks
for .xlsx; UTF-8 or GBK for CSV), so a hostile workbook is refused before it is parsed.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from opsbook.core.tabular.files import ImportFileError, Limits
from opsbook.core.tabular.headers import Column, Headers, find_header
from opsbook.core.tabular.reading import SheetRules, Table, read_table

from .entries import (
    CellError,
    Location,
    Notice,
    NoticeEntry,
    Problem,
    check_name,
    parse_date,
    parse_kind,
    parse_weekday,
    parse_windows,
    text_of,
)

# The columns and the header words that name them (see core.tabular.headers for the spellings
# accepted: 日期, Date, 日期 (date), 日期/date and *日期 all mean date).
HEADERS = Headers(
    (
        Column("date", "日期", "date", ("day",), required=True),
        Column("kind", "类型", "kind", ("type", "类别"), required=True),
        Column("name", "名称", "name", ("节日", "节日名称", "假日名称", "holiday")),
        Column("windows", "时段", "windows", ("hours", "工作时段", "时间段", "特殊时段")),
        Column(
            "pattern_weekday", "按…上班", "hours as on",
            ("按...上班", "按周几上班", "按星期几上班", "按", "参照", "参照星期", "调休参照",
             "hoursason", "hours_as_on", "pattern", "pattern_weekday", "weekday"),
        ),
        Column("note", "备注", "note", ("notes", "说明", "星期", "comment"), ignored=True),
    )
)  # fmt: skip
MAX_ROWS = 50_000
MAX_COLUMNS = 52


def sheet_rules() -> SheetRules:
    """A notice sheet is opened within the checklist's limits."""
    return SheetRules(
        names=(),
        limits=Limits(rows=MAX_ROWS, columns=MAX_COLUMNS, uncompressed=200 * 1024 * 1024),
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=MAX_ROWS,
    )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(data: bytes, filename: str) -> Notice:
    notice = Notice(filename)
    try:
        table = read_table(data, filename, sheet_rules())
    except ImportFileError as exc:
        notice.problems.append(Problem(notice.origin, str(exc)))
        return notice
    columns, letters = _read_header(notice, filename, table)
    if notice.problems:
        return notice
    _read_rows(notice, filename, table, columns, letters)
    return notice


def _read_header(
    notice: Notice, filename: str, table: Table
) -> tuple[dict[str, int], dict[str, str]]:
    """The first row: {column: cell index} and {column: "B (类型)"}; problems and warnings."""
    sheet = table.sheet
    header = find_header(table.rows, HEADERS, text_of, search=1)

    def where(index: int, text: str) -> Location:
        letter = column_letter(table.first_column + index)
        return Location(file=filename, sheet=sheet, row=header.row, column=f"{letter} ({text})")

    for index, text in header.unknown:
        notice.warnings.append(
            _("%(where)s: the column %(header)s is not one Opsbook reads; it was ignored.")
            % {"where": where(index, text), "header": text}
        )
    columns = {c.key: i for i, c, _text in header.found if not c.ignored}
    letters = {c.key: where(i, text).column for i, c, text in header.found if not c.ignored}
    for index, text, column, _first in header.twice:
        if not column.ignored:
            notice.problems.append(
                Problem(
                    where(index, text),
                    _("A second %(header)s column; the first is column %(first)s.")
                    % {"header": text, "first": letters[column.key]},
                )
            )
    missing = [c.key for c in header.missing]
    if missing:
        names = {"date": "日期 (date)", "kind": "类型 (kind)"}
        notice.problems.append(
            Problem(
                Location(file=filename, sheet=sheet, row=header.row),
                _(
                    "The first row must name the columns; %(missing)s is missing. Expected "
                    "日期 (date), 类型 (kind), and optionally 名称 (name), 时段 (windows), "
                    "按…上班 (hours as on)."
                )
                % {"missing": ", ".join(names[c] for c in missing)},
            )
        )
    return columns, letters


def _read_rows(
    notice: Notice, filename: str, table: Table, columns: dict[str, int], letters: dict[str, str]
) -> None:
    sheet = table.sheet
    for number, cells in table.rows[1:]:
        values = {
            column: (cells[index] if index < len(cells) else "")
            for column, index in columns.items()
        }
        entry_values: dict[str, Any] = {}
        row_problems: list[tuple[str, str]] = []
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
