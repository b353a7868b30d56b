"""The Word export, read back with python-docx as a reader's Word would see it."""

import io
import re

import docx
import pytest
from docx.oxml.ns import qn

from opsbook.reports.export import export
from opsbook.reports.export.docx import render
from opsbook.reports.testing import sample_document

W_R = qn("w:r")


def _open(document):
    return docx.Document(io.BytesIO(render(document)))


@pytest.fixture(scope="module")
def word():
    return _open(sample_document())


def _texts(word):
    return [p.text for p in word.paragraphs]


def _all_runs(word):
    """Every run of the file: body (tables included), headers and footers."""
    parts = [word.element.body]
    for section in word.sections:
        for part in (section.footer, section.header, section.even_page_footer):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    return [run for part in parts for run in part.iter(W_R)]


def test_the_cover_names_the_organisation_title_period_scope_version_and_issue_date(word):
    texts = _texts(word)
    cover = texts[: texts.index("目录")]
    assert "Opsbook 演示公司" in cover
    assert "2026年11月运营服务月报" in cover
    assert "报告期：2026年11月" in cover
    assert "范围：全部服务" in cover
    assert "版本：草稿" in cover
    assert "2026年12月1日" in cover


def test_a_published_version_says_its_number_and_publication_date():
    document = sample_document()
    document.update(version=2, status="published", published_at="2026-12-05T10:00:00+08:00")
    texts = _texts(_open(document))
    assert "版本：第2版" in texts
    assert "2026年12月5日" in texts


def test_the_contents_are_a_toc_field_that_lists_the_sections_before_word_updates_it(word):
    body = word.element.body.xml
    assert re.search(r"<w:instrText[^>]*> TOC \\o &quot;1-2&quot;", body) or " TOC " in body
    assert 'w:fldCharType="begin" w:dirty="true"' in body
    assert word.settings.element.find(qn("w:updateFields")) is not None
    toc = [p.text for p in word.paragraphs if p.style.name == "toc 1"]
    assert toc == [
        "一、概述",
        "二、关键指标",
        "三、问题分析",
        "四、改进措施",
        "五、总结与展望",
        "六、附录",
    ]


def test_sections_and_blocks_are_numbered_headings_in_word_heading_styles(word):
    h1 = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert h1 == [
        "一、概述",
        "二、关键指标",
        "三、问题分析",
        "四、改进措施",
        "五、总结与展望",
        "六、附录",
    ]
    assert h2[:4] == [
        "（一）主要指标",
        "（二）工单量近十二个月趋势",
        "（三）各服务项响应及时率",
        "（四）各渠道响应及时率",
    ]
    assert "（一）异常波动" in h2 and "（二）主要问题" in h2


def test_narratives_are_body_paragraphs_with_a_two_character_indent(word):
    narrative = next(p for p in word.paragraphs if p.text.startswith("本月共受理工单 1,234 件"))
    assert narrative.style.name == "Normal"
    ind = word.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    spacing = word.styles["Normal"].paragraph_format
    assert spacing.line_spacing.pt == 28


def test_every_run_names_an_east_asian_font_and_a_latin_one(word):
    runs = _all_runs(word)
    assert len(runs) > 200
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), run.xml
        assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi"))


def test_the_styles_name_the_house_fonts_and_no_theme_font(word):
    def east_asia(name):
        return word.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asia("Normal") == "仿宋"
    assert [east_asia(f"Heading {n}") for n in (1, 2, 3, 4)] == ["黑体", "楷体", "仿宋", "仿宋"]
    assert east_asia("Report Table Text") == "仿宋"
    assert word.styles["Normal"].font.size.pt == 16
    assert word.styles["Heading 3"].font.bold
    assert "eastAsiaTheme" not in word.styles.element.xml
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = defaults.find(qn("w:rPr"))
    assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_the_page_is_a4_with_the_house_margins(word):
    for section in word.sections:
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
        assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
        assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26


def test_tables_repeat_their_header_row_and_right_align_numbers(word):
    services = next(t for t in word.tables if t.rows[0].cells[0].text == "服务项")
    assert len(services.rows) == 41  # 40 services: longer than a page
    header = services.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in services.rows[0].cells] == ["服务项", "工单量（件）", "及时率"]
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in services.rows[1:])
    number = services.rows[5].cells[1].paragraphs[0]
    assert number.text == "15" and number.alignment == 2  # RIGHT
    assert services.rows[5].cells[0].paragraphs[0].alignment is None
    borders = services._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.tag.split("}")[1] for b in borders} >= {"top", "bottom", "insideH", "insideV"}


def test_the_figure_table_prints_the_documents_display_strings(word):
    figures = next(
        t for t in word.tables if t.rows[0].cells[0].text == "指标" and len(t.columns) == 7
    )
    rows = [[c.text for c in r.cells] for r in figures.rows]
    assert rows[0] == ["指标", "本月", "目标", "上月", "环比", "去年同期", "达标"]
    assert rows[1] == ["工单量", "1,234", "—", "1,100", "+134", "980", "—"]
    assert rows[2][:2] == ["首次响应及时率", "95.2%"] and rows[2][-1] == "达标"


def test_a_column_unit_that_cells_do_not_print_goes_into_the_header():
    document = sample_document()
    table = document["sections"][3]["blocks"][0]["table"]
    table["columns"][4] = {"label": "效果", "align": "right", "unit": "小时"}
    word = _open(document)
    actions = next(t for t in word.tables if t.rows[0].cells[0].text == "措施")
    assert actions.rows[0].cells[4].text == "效果（小时）"


def test_charts_are_images_at_text_width_with_a_numbered_caption(word):
    shapes = word.inline_shapes
    assert len(shapes) == 2
    assert all(round(s.width.mm) == 156 for s in shapes)
    images = [r for r in word.part.rels.values() if "image" in r.reltype]
    assert images and images[0].target_part.blob.startswith(b"\x89PNG")
    texts = _texts(word)
    assert "图1　工单量近十二个月趋势" in texts and "图2　各渠道响应及时率" in texts


def test_text_blocks_and_notes_are_printed(word):
    texts = _texts(word)
    assert any(t.startswith("微信渠道首次响应及时率 90.0%，超出近 12 个月中位数") for t in texts)
    assert "方法：近 12 个月的中位数 ± 3 × 1.4826 × MAD。" in texts
    assert "按服务项统计，共 40 项。" in texts


def test_the_appendix_shows_the_definitions(word):
    appendix = next(t for t in word.tables if t.rows[0].cells[1].text == "定义")
    assert appendix.rows[1].cells[0].text == "工单量"


def test_definitions_not_shown_by_any_block_get_an_appendix_of_their_own():
    document = sample_document()
    document["sections"] = document["sections"][:2]
    word = _open(document)
    h1 = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["一、概述", "二、关键指标", "三、附录"]
    assert any(t.rows[0].cells[1].text == "定义" for t in word.tables)


def test_page_numbers_are_a_page_field_between_dashes_from_the_first_body_page(word):
    cover, body = word.sections
    assert not cover.footer.paragraphs or not "".join(p.text for p in cover.footer.paragraphs)
    footer = body.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert body.footer.paragraphs[0].text == "— 1 —"
    assert body.footer.paragraphs[0].alignment == 1  # CENTER
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    run = body.footer.paragraphs[0].runs[0]
    assert run.font.size.pt == 14


def test_formula_looking_cells_stay_text(word):
    problems = next(t for t in word.tables if t.rows[0].cells[0].text == "编号")
    assert problems.rows[2].cells[1].text == '=HYPERLINK("http://x")'
    assert problems.rows[2].cells[3].text == "@SUM(A1)"
    instructions = [e.text for e in word.element.body.iter(qn("w:instrText"))]
    assert all("HYPERLINK" not in (i or "") for i in instructions)


def test_control_characters_in_user_text_do_not_break_the_file():
    document = sample_document()
    document["title"] = "月报\x00\x07\x1b标题"
    document["sections"][0]["narrative"]["text"] = "第一行\x0b\ufffe\n第二行"
    document["sections"][2]["blocks"][1]["table"]["rows"][0][1]["text"] = "问题\x01"
    word = _open(document)
    texts = _texts(word)
    assert "月报标题" in texts
    assert "第一行" in texts and "第二行" in texts
    assert any(t.rows[1].cells[1].text == "问题" for t in word.tables if len(t.rows) > 1)


def test_the_document_properties_name_title_and_subject(word):
    props = word.core_properties
    assert props.title == "2026年11月运营服务月报"
    assert props.subject == "运营服务月报 2026年11月"
    assert props.author == "Opsbook 演示公司"
    assert props.language == "zh-CN"


def test_a_templates_layout_overrides_reach_the_file():
    document = sample_document()
    document["layout"] = {
        "body_font": "宋体",
        "body_size_pt": 14,
        "margin_top_mm": 30,
        "cover": False,
        "toc": False,
        "page_number_align": "outside",
    }
    word = _open(document)
    assert len(word.sections) == 1
    assert round(word.sections[0].top_margin.mm) == 30
    assert word.paragraphs[0].text == "2026年11月运营服务月报"
    normal = word.styles["Normal"]
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert normal.font.size.pt == 14
    assert word.settings.odd_and_even_pages_header_footer
    assert word.sections[0].footer.paragraphs[0].alignment == 2  # odd pages: right
    assert word.sections[0].even_page_footer.paragraphs[0].alignment == 0  # even: left


def test_an_empty_document_still_makes_a_file():
    document = sample_document()
    document.update(sections=[], definitions=[], figures={})
    word = _open(document)
    assert "目录" in _texts(word)


def test_the_dispatcher_names_the_word_file():
    exported = export(sample_document(), "docx")
    assert exported.filename == "2026年11月运营服务月报-draft.docx"
    assert exported.content_type.endswith("wordprocessingml.document")
    assert exported.content.startswith(b"PK")
