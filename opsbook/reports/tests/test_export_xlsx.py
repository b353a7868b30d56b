"""The Excel export: a sheet per section, numbers a spreadsheet can add up, text that stays
text."""

import io

import openpyxl
import pytest

from opsbook.reports.export import export, xlsx
from opsbook.reports.testing import sample_document


def workbook(document) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(document)))


def rows(sheet) -> list[list]:
    return [[c for c in row if c.value is not None] for row in sheet.iter_rows()]


def find_row(sheet, first: str):
    for row in sheet.iter_rows():
        if row[0].value == first:
            return row
    raise AssertionError(f"no row starting with {first!r} in {sheet.title}")


@pytest.fixture(scope="module")
def book():
    return workbook(sample_document())


def test_there_is_a_cover_sheet_then_one_sheet_per_section(book):
    assert book.sheetnames[1:] == [
        "一、概述",
        "二、关键指标",
        "三、问题分析",
        "四、改进措施",
        "五、总结与展望",
        "六、附录",
    ]


def test_the_cover_names_the_report_and_defines_its_metrics(book):
    cover = book.worksheets[0]
    values = [c.value for row in cover.iter_rows() for c in row if c.value is not None]
    assert values[0] == "2026年11月运营服务月报"
    for expected in ("2026年11月", "全部服务", "2026-12-01T09:00:00+08:00", "本月创建的工单数。"):
        assert expected in values


def test_the_narrative_is_a_wrapped_row_under_the_heading(book):
    sheet = book["一、概述"]
    assert sheet["A1"].value == "一、概述"
    assert sheet["A2"].value.startswith("本月共受理工单 1,234 件")
    assert sheet["A2"].alignment.wrap_text


def test_figures_are_numbers_formatted_by_unit(book):
    sheet = book["二、关键指标"]
    assert any(c.value == "（一）主要指标" for row in sheet.iter_rows() for c in row)
    _name, value, target, previous, change, last_year, status = find_row(sheet, "首次响应及时率")[
        :7
    ]
    assert (value.value, value.data_type, value.number_format) == (0.952, "n", "0.0%")
    assert target.value == 0.95 and previous.value == 0.961 and last_year.value == 0.93
    assert change.value == pytest.approx(-0.009) and change.number_format.startswith("+0.0%")
    assert status.value == "达标"
    count = find_row(sheet, "工单量")
    assert (count[1].value, count[1].number_format) == (1234, "#,##0")
    assert count[2].value == "—" and count[2].data_type == "s"
    assert find_row(sheet, "满意度")[1].number_format == "0.00"


def test_columns_with_a_unit_format_their_numbers(book):
    sheet = book["二、关键指标"]
    item = find_row(sheet, "服务项 07")
    assert (item[1].value, item[1].number_format) == (17, "#,##0")
    assert (item[2].value, item[2].number_format) == (0.9, "0.0%")


def test_a_chart_comes_as_the_table_of_its_data(book):
    sheet = book["二、关键指标"]
    assert find_row(sheet, "11月")[1].value == 1234
    phone = find_row(sheet, "电话")
    assert [c.value for c in phone[:3]] == ["电话", 0.97, 0.95]
    assert phone[1].number_format == "0.0%"
    assert find_row(sheet, "门户")[1].value is None


def test_formula_looking_text_stays_inert_text(book):
    sheet = book["三、问题分析"]
    row = find_row(sheet, "P15")
    assert row[1].data_type == "s" and row[1].value == '\'=HYPERLINK("http://x")'
    assert row[3].data_type == "s" and row[3].value == "'@SUM(A1)"
    assert row[2].value == 2


def test_user_text_starting_like_a_formula_is_never_a_formula():
    document = sample_document()
    document["title"] = "=1+1"
    section = document["sections"][3]
    section["narrative"] = {"text": "+1 件", "source": "", "edited": True, "warnings": []}
    section["blocks"][0]["title"] = "-2"
    section["blocks"][0]["table"]["rows"][0][0]["text"] = "@SUM(1,2)"
    section["blocks"][0]["table"]["columns"][1]["label"] = "=cmd|' /C calc'!A0"

    book = workbook(document)

    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells}
    assert {"'=1+1", "'+1 件", "'@SUM(1,2)", "'=cmd|' /C calc'!A0"} <= texts
    assert "（一）-2" in texts


def test_a_sheet_freezes_its_heading_or_its_only_table_header(book):
    assert book["一、概述"].freeze_panes == "A2"
    actions = book["四、改进措施"]
    assert actions.freeze_panes == "A5"
    assert actions["A4"].value == "措施" and actions["A4"].font.bold


def test_columns_are_wide_enough_for_their_text(book):
    sheet = book["二、关键指标"]
    assert sheet.column_dimensions["A"].width >= len("首次响应及时率（微信）") * 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、概述", "一、概述"),
        ("a[b]:c*d?e/f\\g", "a_b__c_d_e_f_g"),
        ("'引号'", "引号"),
        ("", "Sheet"),
        ("很" * 40, "很" * 31),
    ],
)
def test_sheet_names_are_valid(text, expected):
    assert xlsx.sheet_name(text, set()) == expected


def test_sheet_names_are_unique_and_short():
    taken: set[str] = set()
    names = [xlsx.sheet_name("关" * 40, taken) for _ in range(3)] + [
        xlsx.sheet_name(n, taken) for n in ("Summary", "summary")
    ]
    assert len({n.casefold() for n in names}) == 5
    assert all(len(n) <= 31 for n in names)
    assert names[1].endswith("(2)") and names[4] == "summary(2)"


def test_sections_with_the_same_title_get_distinct_sheets():
    document = sample_document()
    for section in document["sections"]:
        section["title"] = "同名" * 20
    assert len(workbook(document).sheetnames) == 7


def test_the_dispatcher_names_the_file():
    exported = export(sample_document(), "xlsx")
    assert exported.filename == "2026年11月运营服务月报-draft.xlsx"
    assert exported.content.startswith(b"PK")


def test_the_cover_words_follow_the_document_language(book):
    cover = book.worksheets[0]
    assert book.sheetnames[0] == "封面"
    labels = [row[0].value for row in cover.iter_rows() if row[0].value]
    assert {"编制单位", "报告期", "范围", "版本", "印发日期", "指标定义"} <= set(labels)
    assert find_row(cover, "版本")[1].value == "草稿"
    english = workbook(sample_document() | {"language": "en", "version": 2})
    assert english.sheetnames[0] == "Cover"
    assert find_row(english.worksheets[0], "Version")[1].value == "Version 2"


def test_control_characters_from_pasted_text_do_not_break_the_file():
    document = sample_document()
    document["title"] = "月报\x00\x07"
    document["sections"][0]["title"] = "概述\x0b"
    document["sections"][0]["narrative"]["text"] = "本月\x1b共受理"
    book = workbook(document)
    assert book.sheetnames[1] == "一、概述"
    assert book["一、概述"]["A2"].value == "本月共受理"
