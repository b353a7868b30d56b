"""Files the roster import refuses: hostile or broken files, and rosters that contradict
themselves or the database. Each gets a clear problem by sheet, row and column, and nothing
is written."""

import io
import struct
import zipfile

import pytest
import xlsxwriter

from opsbook.accounts.models import User
from opsbook.accounts.testing import make_user
from opsbook.core.tabular import files

from .helpers import csv_bytes, messages, run, sheets, state, xlsx


def refused(data: bytes, filename: str = "花名册.xlsx", **kwargs) -> list[str]:
    before = state()
    report = run(data, filename, **kwargs)
    assert not report.ok
    assert state() == before
    return messages(report)


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
    return output.getvalue()


def one_sheet(write) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("员工")
    sheet.write_row(0, 0, ["姓名", "登录名"])
    write(sheet)
    book.close()
    return output.getvalue()


def staff(*rows) -> list[list]:
    return [sheets()["员工"][0], *rows]


def row(name="王芳", login="wangfang", email="", team="", role="", lead="", hours="", active=""):
    return [name, login, email, "", team, role, lead, hours, active]


# --- Hostile and broken files -------------------------------------------------------------------


def test_an_empty_file_is_refused(db):
    assert refused(b"") == ["花名册.xlsx: The file is empty."]


def test_a_png_or_html_named_xlsx_is_refused(db):
    assert refused(b"\x89PNG\r\n\x1a\n" + bytes(64)) == [
        "花名册.xlsx: This is not an Excel (.xlsx) or CSV file."
    ]
    assert refused(b"<html><body>hi</body></html>") == [
        "花名册.xlsx: This is not an Excel (.xlsx) or CSV file."
    ]


def test_a_binary_file_named_csv_is_refused(db):
    assert "not an Excel (.xlsx) or CSV file" in refused(b"\x89PNG\x00\x00", "花名册.csv")[0]


def test_a_password_protected_or_old_xls_workbook_is_refused_with_advice(db):
    (message,) = refused(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), "花名册.xls")
    assert "save it as .xlsx" in message


def test_a_file_over_the_size_limit_is_refused(db, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    (message,) = refused(xlsx(sheets()) + bytes(1024 * 1024))
    assert "the limit is 1 MB" in message


def test_a_zip_bomb_is_refused_before_it_is_expanded(db):
    good = one_sheet(lambda sheet: sheet.write_row(1, 0, ["王芳", "wangfang"]))
    bomb = rezip(good, {"xl/worksheets/sheet1.xml": b"<" + b"0" * (12 * 1024 * 1024)})
    (message,) = refused(bomb)
    assert "zip bomb" in message


def test_a_workbook_with_too_many_parts_is_refused(db):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(files.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/media/{n}.txt", "")
    (message,) = refused(output.getvalue())
    assert "too many parts" in message


def test_a_zip_whose_sizes_lie_is_refused(db):
    good = one_sheet(lambda sheet: None)
    data = bytearray(rezip(good, {"xl/worksheets/sheet1.xml": b"<" + b"0" * 500_000}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + (26 if offset == 22 else 28))[0]
            header = 30 if offset == 22 else 46
            if bytes(data[start + header : start + header + name_length]) == (
                b"xl/worksheets/sheet1.xml"
            ):
                struct.pack_into("<I", data, start + offset, 100)
            start += 4
    (message,) = refused(bytes(data))
    assert "damaged" in message


@pytest.mark.parametrize(("at_row", "column"), [(1048575, 16383), (60000, 0), (1, 60)])
def test_a_cell_far_away_is_refused_before_the_sheet_is_loaded(db, at_row, column):
    (message,) = refused(one_sheet(lambda sheet: sheet.write(at_row, column, "x")))
    assert "rows" in message and "columns" in message


def test_malformed_xml_gives_a_problem_not_a_traceback(db):
    good = one_sheet(lambda sheet: sheet.write_row(1, 0, ["王芳", "wangfang"]))
    broken = rezip(good, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r="})
    assert refused(broken) == ["花名册.xlsx: The file is damaged: it is not a readable .xlsx."]


def test_an_xml_entity_bomb_gives_a_problem(db):
    good = one_sheet(lambda sheet: sheet.write_row(1, 0, ["王芳", "wangfang"]))
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 30))
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">{laughs}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" '
        'uniqueCount="3"><si><t>姓名</t></si><si><t>登录名</t></si><si><t>&l29;</t></si></sst>'
    ).encode()
    assert refused(rezip(good, {"xl/sharedStrings.xml": strings})) == [
        "花名册.xlsx: The file is damaged: it is not a readable .xlsx."
    ]


def test_headers_without_rows_are_refused(db):
    (message,) = refused(xlsx({"员工": [sheets()["员工"][0]]}))
    assert "no rows to import" in message


def test_a_missing_required_column_is_named(db):
    assert refused(xlsx({"员工": [["姓名", "邮箱"], ["王芳", "w@example.com"]]})) == [
        "员工!R1 C(登录名): This required column is missing."
    ]


def test_control_characters_in_a_cell_are_refused(db):
    rows = [["类型", "姓名", "登录名"], ["员工", "a\x07b", "wangfang"]]
    problems = refused(csv_bytes(rows), "r.csv")
    assert problems == ["r.csv!R2 C(姓名): The cell holds control characters."]


def test_formula_like_text_is_kept_as_text(db):
    report = run(xlsx({"员工": staff(row(name="'=HYPERLINK(1)"))}))
    assert report.ok, messages(report)
    assert User.objects.get(username="wangfang").display_name == "=HYPERLINK(1)"


def test_a_csv_without_a_kind_column_is_refused(db):
    assert refused(csv_bytes([["姓名", "登录名"], ["王芳", "wangfang"]]), "r.csv") == [
        "r.csv!R1 C(类型): This required column is missing."
    ]


def test_an_unknown_kind_is_named(db):
    rows = [["类型", "姓名", "登录名"], ["供应商", "王芳", "wangfang"]]
    (message,) = refused(csv_bytes(rows), "r.csv")
    assert message == "r.csv!R2 C(类型): 供应商 is not one of 团队、员工、客户、联系人."


# --- Rosters that contradict themselves or the database ---------------------------------------


def test_a_login_used_twice_is_refused(db):
    problems = refused(xlsx({"员工": staff(row(), row(name="王芳2", login="WangFang"))}))
    assert problems == ["员工!R3 C(登录名): WangFang appears twice (also 员工 row 2)."]


def test_a_login_used_by_staff_and_a_contact_is_refused(db):
    book = sheets(
        员工=staff(row(login="chenjing")),
    )
    problems = refused(xlsx(book))
    assert problems == ["联系人!R2 C(登录名): chenjing appears twice (also 员工 row 2)."]


def test_an_unknown_team_is_refused(db):
    problems = refused(xlsx({"员工": staff(row(team="财务部"))}))
    assert problems == ["员工!R2 C(团队): There is no team called 财务部."]


def test_an_e_mail_used_twice_in_the_file_is_refused(db):
    problems = refused(
        xlsx({"员工": staff(row(email="a@example.com"), row(login="b", email="A@example.com"))})
    )
    assert problems == ["员工!R3 C(邮箱): A@example.com appears twice (also 员工 row 2)."]


def test_an_e_mail_of_another_account_is_refused(db):
    make_user("someone", email="a@example.com")
    problems = refused(xlsx({"员工": staff(row(email="a@example.com"))}))
    assert problems == [
        "员工!R2 C(邮箱): The e-mail a@example.com belongs to another account (someone)."
    ]


def test_a_contact_whose_customer_is_missing_is_refused(db):
    contacts = [sheets()["联系人"][0], ["陈静", "chenjing", "", "", "nowhere", "是"]]
    problems = refused(xlsx({"联系人": contacts}))
    assert problems == [
        "联系人!R2 C(客户): There is no customer organisation nowhere in the file or in Opsbook."
    ]


def test_a_staff_login_that_belongs_to_a_contact_is_refused(db, personas):
    assert personas.dana.customer is not None
    problems = refused(xlsx({"员工": staff(row(login="dana"))}))
    assert problems == ["员工!R2 C(登录名): dana is a customer contact's login."]


def test_bad_cells_are_each_named(db):
    problems = refused(
        xlsx({"员工": staff(row(role="老板", lead="也许", hours="很多", email="not-an-email"))})
    )
    assert problems == [
        "员工!R2 C(邮箱): Enter a valid e-mail address.",
        "员工!R2 C(角色): 老板 is not one of 管理员、运营经理、客服、只读.",
        "员工!R2 C(月工时): Enter whole hours from 0 to 744.",
        "员工!R2 C(团队负责人): 也许 is not one of 是、否.",
    ]


def test_two_leads_for_one_team_are_refused(db):
    teams = [["名称"], ["客服部"]]
    problems = refused(
        xlsx(
            {
                "团队": teams,
                "员工": staff(
                    row(team="客服部", lead="是"), row(login="b", team="客服部", lead="是")
                ),
            }
        )
    )
    assert problems == ["员工!R3 C(团队负责人): 客服部 appears twice (also 员工 row 2)."]


def test_a_team_inside_itself_is_refused(db):
    teams = [["名称", "上级团队"], ["甲", "乙"], ["乙", "甲"]]
    problems = refused(xlsx({"团队": teams}))
    assert problems == [
        "团队!R2 C(上级团队): A team cannot be inside itself or one of its own sub-teams.",
        "团队!R3 C(上级团队): A team cannot be inside itself or one of its own sub-teams.",
    ]


def test_an_unknown_service_item_is_refused(db):
    customers = [["编号", "名称", "服务项目"], ["xinghe", "星河学校", "NOPE-1"]]
    assert refused(xlsx({"客户": customers})) == [
        "客户!R2 C(服务项目): There is no service item NOPE-1."
    ]


def test_a_customer_code_used_twice_is_refused(db):
    customers = [["编号", "名称"], ["xinghe", "星河学校"], ["XINGHE", "星河二校"]]
    assert refused(xlsx({"客户": customers})) == [
        "客户!R3 C(编号): XINGHE appears twice (also 客户 row 2)."
    ]


def test_every_problem_is_reported_at_once(db):
    problems = refused(xlsx({"员工": staff(row(team="甲"), row(login="b", team="乙"))}))
    assert len(problems) == 2
