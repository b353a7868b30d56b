"""The engine's file checks: the fast byte scan and the element walk it falls back to must
refuse the same far cells, whatever the spelling, and accept ordinary sheets."""

import io
import zipfile

import pytest

from opsbook.core.tabular import files
from opsbook.core.tabular.files import ImportFileError, Limits

LIMITS = Limits(rows=100, columns=10, uncompressed=10 * 1024 * 1024)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(sheet: bytes | str) -> bytes:
    body = sheet.encode() if isinstance(sheet, str) else sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", f"<workbook {NS}/>")
        archive.writestr("xl/worksheets/sheet1.xml", body)
    return out.getvalue()


def sheet(rows: str) -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f"{head}<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>"


def check(data: bytes) -> None:
    files.check_xlsx(data, LIMITS)


def test_an_ordinary_sheet_passes():
    check(workbook(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="J1"><v>1</v></c></row>')))


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="K1"/>',  # one column too far
        '<c r="k1"/>',  # lower case
        '<c r="A101000"/>',  # a far row on the cell only
        '<c r="A0101000"/>',  # with a leading zero
        "<c r='K1'/>",  # other quotes: walked
        '<c r = "K1"/>',  # spaces: walked
        '<c t="s" r="K1"><v>0</v></c>',  # another attribute first: walked
        '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="K1"/>',
        '<c foo="a&gt;b" r="K1"/>',
    ],
)
def test_a_far_cell_is_refused_however_it_is_spelt(cell):
    with pytest.raises(ImportFileError, match="more than 100 rows or 10 columns"):
        check(workbook(sheet(f'<row r="1">{cell}</row>')))


def test_cells_without_references_count_from_the_previous_one():
    cells = "<c><v>1</v></c>" * 11
    with pytest.raises(ImportFileError, match="columns"):
        check(workbook(sheet(f'<row r="1">{cells}</row>')))
    check(workbook(sheet(f'<row r="1">{"<c><v>1</v></c>" * 10}</row>')))


def test_rows_without_references_follow_the_previous_one():
    rows = '<row r="10095"/>' + "<row/>" * 20
    with pytest.raises(ImportFileError, match="rows"):
        check(workbook(sheet(rows)))


def test_too_many_row_elements_are_refused():
    rows = "".join(f'<row r="{n}"/>' for n in range(1, 1200))
    with pytest.raises(ImportFileError, match="rows"):
        check(workbook(sheet(rows)))


def test_a_sheet_in_utf16_is_walked_and_still_refused():
    body = sheet('<row r="1"><c r="K1"/></row>').replace("UTF-8", "UTF-16").encode("utf-16")
    with pytest.raises(ImportFileError, match="columns"):
        check(workbook(body))


def test_a_reference_cut_by_the_read_boundary_is_still_seen(monkeypatch):
    monkeypatch.setattr(files, "CHUNK", 7)
    with pytest.raises(ImportFileError, match="columns"):
        check(workbook(sheet('<row r="1"><c r="A1"/><c r="K1"/></row>')))


@pytest.mark.parametrize(
    "declaration",
    ['<!DOCTYPE worksheet [<!ENTITY a "b">]>', '<!DOCTYPE worksheet SYSTEM "http://x/y.dtd">'],
)
def test_doctypes_and_entities_are_refused(declaration):
    body = sheet("").replace("?>", "?>" + declaration, 1)
    with pytest.raises(ImportFileError, match="damaged"):
        check(workbook(body))


def test_malformed_xml_is_damaged():
    with pytest.raises(ImportFileError, match="damaged"):
        check(workbook(sheet('<row r="1"><c r=')))


def test_a_cell_count_limit_is_checked_after_the_scan():
    limits = Limits(rows=100, columns=10, uncompressed=10 * 1024 * 1024, cells=50)
    data = workbook(sheet('<row r="1"><c r="A1"/></row><row r="6"><c r="J6"/></row>'))
    with pytest.raises(ImportFileError, match="more than 50 cells"):
        files.check_xlsx(data, limits)


def test_uploads_are_told_apart_by_their_first_bytes():
    assert files.check_upload(workbook(sheet("")), max_bytes=10**6) == "xlsx"
    assert files.check_upload(b"a,b\n", max_bytes=10**6) == "other"
    with pytest.raises(ImportFileError, match="password-protected"):
        files.check_upload(files.OLE2_MAGIC + b"x", max_bytes=10**6)
    with pytest.raises(ImportFileError, match="empty"):
        files.check_upload(b"", max_bytes=10**6)
    with pytest.raises(ImportFileError, match="the limit is 1 MB"):
        files.check_upload(b"x" * (2 * 1024 * 1024), max_bytes=1024 * 1024)
