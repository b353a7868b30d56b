"""Whole files: formats, encodings, merged cells, and files that are unsafe or not a checklist.
Whatever is wrong, the import answers with a problem (never a traceback) and writes nothing."""

import io
import struct
import zipfile

import pytest
import xlsxwriter

from opsbook.catalog.excel import columns
from opsbook.catalog.models import ServiceContent, ServiceItem
from opsbook.core.tabular import files

from .excel_helpers import counts, csv_bytes, messages, run, table, xlsx

ROWS = [
    {"一级分类": "客户服务", "服务项目": "热线", "服务内容": "接听来电", "服务频率": "每日"},
    {"一级分类": "客户服务", "服务项目": "热线", "服务内容": "回访", "服务频率": "每周两次"},
]
HEADER = ["一级分类", "服务项目", "服务内容", "服务频率"]


def refused(data: bytes, filename: str = "清单.xlsx") -> list[str]:
    before = counts()
    report = run(data, filename)
    assert not report.ok
    assert counts() == before
    return messages(report)


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same workbook with some parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
    return output.getvalue()


def workbook_with(write) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("服务清单")
    sheet.write_row(0, 0, HEADER)
    write(sheet)
    book.close()
    return output.getvalue()


# --- Formats and encodings --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_file_in_utf8_or_gbk_imports(db, encoding):
    report = run(csv_bytes(table(ROWS, HEADER), encoding), "清单.csv")

    assert report.ok, report.problems
    assert list(ServiceContent.objects.order_by("code").values_list("name", flat=True)) == [
        "接听来电",
        "回访",
    ]
    assert report.problems == []


def test_a_csv_file_with_semicolons_or_tabs_imports(db):
    text = "一级分类\t服务项目\t服务内容\n客户服务\t热线\t接听来电\n"

    assert run(text.encode(), "清单.csv").ok
    assert ServiceItem.objects.get().name == "热线"


def test_the_checklist_sheet_is_found_by_name_among_others(db):
    data = xlsx(table(ROWS, HEADER), sheet="Checklist", extra_sheets=["说明", "统计"])

    report = run(data)

    assert report.ok, report.problems
    assert ServiceContent.objects.count() == 2


def test_merged_category_and_item_cells_are_read_as_repeated(db):
    cells = table(
        [
            {"一级分类": "客户服务", "二级分类": "热线", "服务项目": "400热线", "服务内容": "接听"},
            {"服务内容": "回访"},
            {"服务内容": "质检"},
            {"一级分类": "教务服务", "服务项目": "排课", "服务内容": "排课表"},
        ],
        ["一级分类", "二级分类", "服务项目", "服务内容", "项目负责人"],
    )
    data = xlsx(cells, merges=["A2:A4", "B2:B4", "C2:C4"])

    report = run(data)

    assert report.ok, report.problems
    hotline = ServiceItem.objects.get(name="400热线")
    assert hotline.category.path_label() == "客户服务 / 热线"
    assert sorted(hotline.contents.values_list("name", flat=True)) == ["回访", "接听", "质检"]
    assert ServiceItem.objects.get(name="排课").category.path_label() == "教务服务"


def test_a_title_row_above_the_header_is_skipped(db):
    cells = [["2026年度运营服务清单"], [], *table(ROWS, HEADER)]

    report = run(xlsx(cells))

    assert report.ok, report.problems
    assert ServiceContent.objects.count() == 2


# --- Not a checklist --------------------------------------------------------------------------


def test_an_empty_file_is_refused(db):
    assert refused(b"") == ["清单.xlsx: The file is empty."]


def test_a_png_named_xlsx_is_refused(db):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
    assert refused(png) == ["清单.xlsx: This is not an Excel (.xlsx) or CSV file."]


def test_an_html_page_named_xlsx_is_refused(db):
    html = "<html><body><table><tr><td>一级分类</td></tr></table></body></html>".encode()
    assert refused(html) == ["清单.xlsx: This is not an Excel (.xlsx) or CSV file."]


def test_a_binary_file_named_csv_is_refused(db):
    assert "not an Excel (.xlsx) or CSV file" in refused(b"\x89PNG\x00\x00", "清单.csv")[0]


def test_a_password_protected_or_old_xls_workbook_is_refused_with_advice(db):
    ole2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)

    (message,) = refused(ole2, "清单.xls")

    assert "password-protected workbook or an old .xls file" in message
    assert "save it as .xlsx" in message


def test_a_zip_that_is_not_a_workbook_is_refused(db):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(output.getvalue(), "清单.docx") == [
        "清单.docx: This is not an Excel (.xlsx) or CSV file."
    ]


def test_a_file_over_the_size_limit_is_refused(db, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    data = xlsx(table(ROWS, HEADER)) + bytes(1024 * 1024)

    (message,) = refused(data)

    assert "the limit is 1 MB" in message


def test_a_sheet_with_only_a_header_is_refused(db):
    assert refused(xlsx([HEADER])) == ["服务清单: The sheet has a header but no rows to import."]


def test_an_empty_sheet_is_refused(db):
    assert refused(xlsx([])) == ["清单.xlsx: The sheet 服务清单 is empty."]


# --- Unsafe files -----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_expanded(db):
    good = xlsx(table(ROWS, HEADER))
    bomb = rezip(good, {"xl/worksheets/sheet1.xml": b"<" + b"0" * (12 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024

    (message,) = refused(bomb)

    assert "zip bomb" in message


def test_a_zip_whose_sizes_lie_is_refused(db):
    good = xlsx(table(ROWS, HEADER))
    data = bytearray(rezip(good, {"xl/worksheets/sheet1.xml": b"<" + b"0" * 500_000}))
    # Claim the sheet expands to 100 bytes, in both the local and the central header.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + (26 if offset == 22 else 28))[0]
            header = 30 if offset == 22 else 46
            name = bytes(data[start + header : start + header + name_length])
            if name == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", data, start + offset, 100)
            start += 4

    (message,) = refused(bytes(data))

    assert "damaged" in message


def test_a_workbook_with_too_many_parts_is_refused(db):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(files.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/media/{n}.txt", "")

    (message,) = refused(output.getvalue())

    assert "too many parts" in message


@pytest.mark.parametrize(("row", "column"), [(1048575, 16383), (70000, 0), (1, 60)])
def test_a_cell_far_away_is_refused_before_the_sheet_is_loaded(db, row, column):
    # Without the scan, calamine would allocate the whole rectangle (550 GB for XFD1048576).
    data = workbook_with(lambda sheet: sheet.write(row, column, "x"))

    (message,) = refused(data)

    assert "more than 50000 rows or 52 columns" in message


def test_a_row_of_cells_without_references_is_counted_too(db):
    good = workbook_with(lambda sheet: None)
    cells = "".join(
        "<c t='inlineStr'><is><t>x</t></is></c>" for _ in range(columns.MAX_COLUMNS + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData><row>{cells}</row></sheetData></worksheet>"
    ).encode()

    (message,) = refused(rezip(good, {"xl/worksheets/sheet1.xml": sheet}))

    assert "columns" in message


def test_malformed_xml_gives_a_problem_not_a_traceback(db):
    good = xlsx(table(ROWS, HEADER))
    broken = rezip(good, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r="})

    (message,) = refused(broken)

    assert message == "清单.xlsx: The file is damaged: it is not a readable .xlsx."


def test_an_xml_entity_bomb_gives_a_problem(db):
    good = workbook_with(lambda sheet: sheet.write_row(1, 0, ["客户服务", "热线", "接听"]))
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 30))
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">{laughs}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" '
        'uniqueCount="4"><si><t>一级分类</t></si><si><t>服务项目</t></si><si><t>服务内容</t></si>'
        "<si><t>&l29;</t></si></sst>"
    ).encode()
    bomb = rezip(good, {"xl/sharedStrings.xml": strings})

    (message,) = refused(bomb)

    # Refused by the pre-parse check, which accepts no DOCTYPE or entity declarations at all.
    assert message == "清单.xlsx: The file is damaged: it is not a readable .xlsx."


def test_more_rows_than_the_limit_are_refused(db, monkeypatch):
    monkeypatch.setattr(columns, "MAX_ROWS", 3)
    many = table(ROWS * 3, HEADER)

    assert "more than 3 rows" in refused(xlsx(many))[0]
    assert "more than 3 rows" in refused(csv_bytes(many), "清单.csv")[0]
