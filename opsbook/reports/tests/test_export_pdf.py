"""The PDF export: what a reader of the file sees, and what the renderer may fetch."""

import io
import re
from typing import Any

import pypdf
import pytest
from weasyprint import HTML

from opsbook.reports.export import export, pdf
from opsbook.reports.testing import sample_document

HEADINGS = [
    "一、概述",
    "二、关键指标",
    "（一）主要指标",
    "（二）工单量近十二个月趋势",
    "（三）各服务项响应及时率",
    "（四）各渠道响应及时率",
    "三、问题分析",
    "（一）异常波动",
    "（二）主要问题",
    "四、改进措施",
    "五、总结与展望",
    "六、附录",
]


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return pdf.render(sample_document())


def test_it_is_a_pdf_of_several_pages(sample_pdf):
    assert sample_pdf.startswith(b"%PDF-")
    assert len(pypdf.PdfReader(io.BytesIO(sample_pdf)).pages) > 2


def test_the_cover_names_the_report_and_its_period(sample_pdf):
    cover = pages_text(sample_pdf)[0]
    assert "2026年11月运营服务月报" in cover
    assert "Opsbook 演示公司" in cover and "全部服务" in cover and "2026年12月1日" in cover


def test_headings_are_numbered_in_document_order(sample_pdf):
    body = "\n".join(pages_text(sample_pdf)[2:])
    positions = [body.find(h) for h in HEADINGS]
    assert -1 not in positions, [h for h, p in zip(HEADINGS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_figures_print_as_the_document_formatted_them(sample_pdf):
    body = "\n".join(pages_text(sample_pdf)[2:])
    row = re.search(r"首次响应及时率 95\.2% 95\.0% 96\.1% -0\.9 个百分点 93\.0% 达标", body)
    assert row, body[:2000]
    assert re.search(r"本月共受理工单\s+1,234\s+件", body)
    assert "首次响应及时率（微信） 90.0% 95.0%" in body


def test_the_contents_give_the_page_of_each_section(sample_pdf):
    pages = pages_text(sample_pdf)
    entries = re.findall(r"^([一二三四五六七八九十]+、\S+?) ?\.+ ?(\d+)$", pages[1], re.M)
    assert [title for title, _ in entries] == [h for h in HEADINGS if "、" in h]
    for title, page in entries:
        assert title in pages[int(page) - 1], (title, page)


def test_pages_after_the_contents_carry_a_dashed_page_number(sample_pdf):
    pages = pages_text(sample_pdf)
    assert "— 1 —" not in pages[0]
    for number, text in enumerate(pages[2:], start=3):
        assert f"— {number} —" in text


def test_a_long_table_repeats_its_header_on_the_next_page(sample_pdf):
    header = "服务项 工单量（件） 及时率"
    with_header = [i for i, text in enumerate(pages_text(sample_pdf)) if header in text]
    assert len(with_header) >= 2
    assert "服务项 40" in pages_text(sample_pdf)[with_header[-1]]


def test_the_chinese_fonts_are_embedded(sample_pdf):
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font: Any = ref.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    names = " ".join(fonts)
    assert "Serif-CJK-SC" in names and "Sans-CJK-SC" in names


def test_the_dispatcher_names_the_file():
    exported = export(sample_document() | {"sections": []}, "pdf")
    assert exported.content_type == "application/pdf"
    assert exported.filename == "2026年11月运营服务月报-draft.pdf"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "file://localhost/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "ftp://example.com/x",
    ],
)
def test_the_fetcher_refuses_anything_but_data_uris(url):
    with pytest.raises(pdf.ForbiddenURL):
        pdf.fetch(url)


def test_the_fetcher_reads_data_uris():
    response = pdf.fetch("data:text/plain;base64,b2s=")
    assert response.read() == b"ok"


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the export's fetcher for, and whether it was refused."""
    seen: list[tuple[str, bool]] = []
    original = pdf.GuardedFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except pdf.ForbiddenURL:
            seen.append((url, False))
            raise
        seen.append((url, True))
        return response

    monkeypatch.setattr(pdf.GuardedFetcher, "fetch", spy)
    return seen


INJECTED = (
    '<img src="http://127.0.0.1:1/x"><link rel="stylesheet" href="file:///etc/passwd">'
    "<style>@import url(http://127.0.0.1:1/y); body { background: url(file:///etc/passwd) }"
    "</style>"
)


def test_markup_in_user_text_prints_as_text_and_fetches_nothing(fetched):
    document = sample_document()
    document["title"] = "月报" + INJECTED
    document["sections"] = document["sections"][:3]
    document["sections"][0]["title"] = "概述" + INJECTED
    document["sections"][0]["narrative"]["text"] = "本月" + INJECTED
    document["sections"][1]["blocks"][0]["table"]["rows"][0][0]["text"] = INJECTED

    text = "\n".join(pages_text(pdf.render(document)))

    assert '<img src="http://127.0.0.1:1/x">' in text.replace("\n", "")
    fonts = pdf.GuardedFetcher().font_urls  # the cut-down fonts, when `make setup` made them
    assert all(url.startswith("data:image/png;base64,") or url in fonts for url, _ok in fetched), (
        fetched
    )


def test_urls_in_the_markup_itself_are_refused(fetched):
    HTML(string=f"<p>x</p>{INJECTED}", url_fetcher=pdf.GuardedFetcher()).write_pdf()

    asked = {url for url, ok in fetched if not ok}
    assert {"http://127.0.0.1:1/x", "file:///etc/passwd", "http://127.0.0.1:1/y"} <= asked
    assert not [url for url, ok in fetched if ok]


def short_document(**layout):
    document = sample_document()
    document["sections"] = document["sections"][:1]
    document["layout"] = layout
    return document


def test_a_template_may_change_the_page_numbers_and_drop_the_cover():
    pages = pages_text(pdf.render(short_document(page_number_format="第{n}页", cover=False)))
    assert pages[0].startswith("目录")
    assert "第2页" in pages[1] and "一、概述" in pages[1]


def test_a_page_number_format_cannot_break_out_of_the_style_sheet():
    evil = '"}</style>X{n}'
    pages = pages_text(pdf.render(short_document(page_number_format=evil)))
    assert '"}</style>X3' in pages[2]


def test_the_cover_words_follow_the_document_language():
    document = short_document() | {"version": 3, "published_at": "2026-12-05T10:00:00+08:00"}
    cover = pages_text(pdf.render(document))[0]
    assert "报告期" in cover and "第3版" in cover and "2026年12月5日" in cover
    assert "草稿" not in cover
    english = pages_text(pdf.render(short_document() | {"language": "en"}))
    assert "Period" in english[0] and "Draft" in english[0] and "Contents" in english[1]


def test_control_characters_from_pasted_text_are_dropped():
    document = short_document()
    document["sections"][0]["narrative"]["text"] = "本月\x00共受理\x1b工单"
    assert "本月共受理工单" in pages_text(pdf.render(document))[2]
