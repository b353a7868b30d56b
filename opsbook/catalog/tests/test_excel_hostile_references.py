"""Cell references that would make the Excel library allocate a huge sheet are refused before it
runs, however they are written (found in review: quoting, spaces, leading zeros, moved parts)."""

import io
import zipfile

import pytest

from opsbook.catalog.excel.columns import sheet_rules
from opsbook.core.tabular.files import ImportFileError
from opsbook.core.tabular.reading import read_table

from .excel_helpers import table, xlsx

HEADER = ["一级分类", "服务项目", "服务内容", "服务频率"]
ROWS = [{"一级分类": "客户服务", "服务项目": "热线", "服务内容": "接听来电", "服务频率": "每日"}]

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(data: bytes, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            name, body = edit(entry.filename, source.read(entry))
            target.writestr(name, body)
    return out.getvalue()


def _far_cell(attribute: bytes):
    def edit(name, body):
        if name == SHEET:
            body = body.replace(
                b"</sheetData>", b'<row r="2"><c ' + attribute + b"/></row></sheetData>", 1
            )
        return name, body

    return edit


@pytest.mark.parametrize(
    "attribute",
    [
        b"r='XFD1048576'",
        b'r ="XFD1048576"',
        b'r="AZ01048576"',
        b'r="xfd2"',
        b'r="BA2"',
    ],
)
def test_a_far_cell_reference_is_refused_whatever_its_spelling(attribute):
    hostile = _rewrite(xlsx(table(ROWS, HEADER)), _far_cell(attribute))

    with pytest.raises(ImportFileError, match="more than"):
        read_table(hostile, "清单.xlsx", sheet_rules())


def test_a_sheet_moved_outside_the_worksheets_folder_is_still_checked():
    def move(name, body):
        if name == SHEET:
            body = body.replace(
                b"</sheetData>", b'<row r="2"><c r="XFD1048576"/></row></sheetData>', 1
            )
            return "xl/other/sheet1.xml", body
        if name == "xl/_rels/workbook.xml.rels":
            return name, body.replace(b"worksheets/sheet1.xml", b"other/sheet1.xml")
        return name, body

    hostile = _rewrite(xlsx(table(ROWS, HEADER)), move)

    with pytest.raises(ImportFileError, match="more than"):
        read_table(hostile, "清单.xlsx", sheet_rules())


def test_an_ordinary_workbook_still_reads():
    assert read_table(xlsx(table(ROWS, HEADER)), "清单.xlsx", sheet_rules()).rows
