"""The streamed sheet reader gives what calamine gives, cell for cell, and holds text once."""

import io
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
import xlsxwriter

from opsbook.core.tabular.files import Limits
from opsbook.core.tabular.reading import Workbook, read_table
from opsbook.core.tabular.sheetxml import SheetReader, Unsupported, date_format

NAIVE = datetime  # spreadsheets hold wall-clock times without a zone
LIMITS = Limits(rows=1000, columns=60, uncompressed=50 * 1024 * 1024)


def xlsxwriter_book(*, constant_memory=False, date1904=False) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "constant_memory": constant_memory,  # inline strings instead of shared ones
            "date_1904": date1904,
        },
    )
    sheet = book.add_worksheet("服务清单")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    clock = book.add_format({"num_format": "hh:mm"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    chinese = book.add_format({"num_format": '[$-804]yyyy"年"m"月"d"日"'})
    money = book.add_format({"num_format": '"¥"#,##0.00;[Red]-"¥"#,##0.00'})
    sheet.write_string(1, 1, "服务项目")
    sheet.write_string(1, 2, "说明 & <备注>")
    sheet.write_string(1, 3, "\r回车开头")
    sheet.write_string(1, 4, "第一行\r\n第二行")
    sheet.write_number(2, 1, 6)
    sheet.write_number(2, 2, 0.95)
    sheet.write_boolean(2, 3, False)
    sheet.write_datetime(2, 4, date(2026, 3, 1), day)
    sheet.write_datetime(2, 5, time(9, 30), clock)
    sheet.write_datetime(2, 6, NAIVE(2026, 3, 1, 9, 30), moment)
    sheet.write_datetime(2, 7, date(2026, 12, 31), chinese)
    sheet.write_number(2, 8, 1234.5, money)
    sheet.write_formula(4, 1, '="a"&"b"', None, "ab")
    sheet.write_formula(4, 2, "=1/0", None, "#DIV/0!")
    sheet.write_rich_string(4, 3, "红", book.add_format({"bold": True}), "色", "字")
    sheet.merge_range(6, 1, 7, 3, "合并的单元格")
    sheet.write_string(9, 12, "")
    book.close()
    return out.getvalue()


def openpyxl_book() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "服务清单"
    sheet.append(["编号", "名称", "日期", "数量"])
    sheet.append(["A-1", "客服热线", date(2026, 1, 5), 3])
    sheet.append(["A-2", "服务", NAIVE(2026, 1, 5, 8, 0), 2.5])
    sheet.merge_cells("A4:B5")
    sheet["A4"] = "合并"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def both_ways(data: bytes) -> tuple[tuple, tuple]:
    book = Workbook(data, LIMITS)
    return (
        SheetReader(zipfile.ZipFile(io.BytesIO(data))).read("服务清单"),
        book.calamine_cells("服务清单", 1000),
    )


@pytest.mark.parametrize(
    "data",
    [xlsxwriter_book(), xlsxwriter_book(constant_memory=True), openpyxl_book()],
    ids=["shared strings", "inline strings", "openpyxl"],
)
def test_the_streamed_sheet_is_calamines_cell_for_cell(data):
    (start, rows, merged), (their_start, their_rows, their_merged) = both_ways(data)
    assert start == their_start
    assert sorted(merged) == sorted(their_merged)
    assert [[(type(v), v) for v in row] for row in rows] == [
        [(type(v), v) for v in row] for row in their_rows
    ]


def test_text_dates_and_numbers_read_as_a_person_wrote_them():
    start, rows, merged = both_ways(xlsxwriter_book())[0]
    assert start == (1, 1)
    assert rows[0][:4] == ["服务项目", "说明 & <备注>", "\r回车开头", "第一行\r\n第二行"]
    assert rows[1][:8] == [
        6.0,
        0.95,
        False,
        date(2026, 3, 1),
        time(9, 30),
        NAIVE(2026, 3, 1, 9, 30),
        date(2026, 12, 31),
        1234.5,
    ]
    assert rows[3][:3] == ["ab", "", "红色字"]
    assert ((6, 1), (7, 3)) in merged


def test_a_shared_string_used_by_many_cells_is_one_object():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("服务清单")
    sentence = "接到报修后2小时内到场，节假日值班不少于2人" * 20
    for row in range(200):
        sheet.write_string(row, 0, sentence)
    book.close()
    _start, rows, _merged = SheetReader(zipfile.ZipFile(out)).read("服务清单")
    assert len({id(row[0]) for row in rows}) == 1


def test_the_1904_date_system_is_left_to_calamine_with_the_same_result():
    data = xlsxwriter_book(date1904=True)
    with pytest.raises(Unsupported):
        SheetReader(zipfile.ZipFile(io.BytesIO(data))).read("服务清单")
    table = read_table(data, "x.xlsx", _rules())
    assert table.rows[1][1][3] == date(2026, 3, 1)


def _rules():
    from opsbook.core.tabular.reading import SheetRules

    return SheetRules(names=("服务清单",), limits=LIMITS, max_bytes=10**7, max_rows=1000)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("yyyy-mm-dd", "datetime"),
        ('[$-804]yyyy"年"m"月"d"日"', "datetime"),
        ("h:mm AM/PM", "datetime"),
        ("[h]:mm:ss", "duration"),
        ('"¥"#,##0.00', None),
        ("0.00%", None),
        ('#,##0.0####" YMD"', None),
        ("\\Y000000", None),
        ("#,##0*y", None),
    ],
)
def test_date_formats_are_told_apart_as_calamine_does(code, kind):
    assert date_format(code) == kind


def test_a_formula_without_a_cached_value_is_read_by_calamine_instead():
    book = openpyxl.Workbook()
    book.active.title = "服务清单"
    book.active.append(["名称", '="x"'])
    out = io.BytesIO()
    book.save(out)
    workbook = Workbook(out.getvalue(), LIMITS)
    assert workbook.sheet_cells("服务清单", 1000) == workbook.calamine_cells("服务清单", 1000)
