"""Rows are numbered as the spreadsheet shows them, whatever cell the data starts at."""

import io

import openpyxl
import pytest
import xlsxwriter

from opsbook.core.tabular.files import Limits
from opsbook.core.tabular.reading import Workbook

LIMITS = Limits(rows=1000, columns=60, uncompressed=50 * 1024 * 1024)
CELLS = {(3, 3): "名称", (3, 4): "数量", (4, 3): "甲", (4, 4): 1, (6, 3): "乙", (6, 4): 2}


def openpyxl_book(cells=CELLS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    for (row, column), value in cells.items():
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsxwriter_book(cells=CELLS) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("数据")
    for (row, column), value in cells.items():
        sheet.write(row - 1, column - 1, value)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("build", [openpyxl_book, xlsxwriter_book])
def test_rows_read_one_at_a_time_carry_the_sheets_own_row_numbers(build):
    # The data starts at C3: calamine's row iterator yields rows 1 and 2 (empty) first.
    rows = list(Workbook(build(), LIMITS).rows("数据"))

    assert rows == [(3, ["名称", "数量"]), (4, ["甲", 1]), (6, ["乙", 2])]


@pytest.mark.parametrize("build", [openpyxl_book, xlsxwriter_book])
def test_a_sheet_read_whole_carries_the_same_row_numbers_and_its_first_column(build):
    workbook = Workbook(build(), LIMITS)
    table = workbook.table("数据", 100)

    assert table.rows == [(3, ["名称", "数量"]), (4, ["甲", 1]), (6, ["乙", 2])]
    assert table.first_column == 2  # column C
    # The calamine path, used when the streamed reader leaves a sheet to it, agrees.
    start, cells, _merged = workbook.calamine_cells("数据", 100)
    assert start == (2, 2)
    assert cells[0] == ["名称", "数量"]


@pytest.mark.parametrize("build", [openpyxl_book, xlsxwriter_book])
def test_a_sheet_starting_at_row_1_is_numbered_from_1(build):
    cells = {(1, 1): "名称", (2, 1): "甲"}

    assert list(Workbook(build(cells), LIMITS).rows("数据")) == [(1, ["名称"]), (2, ["甲"])]
