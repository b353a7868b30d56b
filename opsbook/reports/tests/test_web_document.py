"""The document as a web page (``reports/web.py``): numbers, links, charts; pure functions."""

from opsbook.reports import web
from opsbook.reports.testing import sample_document


def test_sections_and_blocks_are_numbered_the_chinese_way():
    shown = web.present(sample_document())

    assert [s["number"] for s in shown["sections"]] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
    ]
    assert [b["number"] for b in shown["sections"][1]["blocks"]] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
    ]


def test_a_figure_cell_links_to_its_drill_down_and_other_cells_do_not():
    row = web.present(sample_document())["sections"][1]["blocks"][0]["table"]["rows"][1]

    assert row[1]["link"] == "/dashboards/drill/?metric=sla.response_rate&period=2026-11"
    assert (row[1]["text"], row[1]["align"]) == ("95.2%", "right")
    assert row[0]["link"] is None  # the name
    assert row[3]["link"] is None  # last month's value is not this month's drill-down


def test_only_paths_of_this_site_become_links():
    document = sample_document()
    rows = document["sections"][1]["blocks"][0]["table"]["rows"]
    rows[0][1]["link"] = "https://evil.example/"
    rows[1][1]["link"] = "//evil.example/x"
    for figure in document["figures"].values():
        figure["link"] = "javascript:alert(1)"

    shown = web.present(document)["sections"][1]["blocks"][0]["table"]["rows"]

    assert shown[0][1]["link"] is None and shown[1][1]["link"] is None


def test_a_narrative_links_its_numbers_and_escapes_the_rest():
    document = sample_document()
    narrative = document["sections"][2]["narrative"]
    narrative["source"] = "<b>微信</b>渠道 {{sla.response_rate@channel=wechat:value}}。"
    narrative["text"] = "<b>微信</b>渠道 90.0%。"

    html = web.linked_narrative(narrative, document["figures"])

    assert html == (
        "&lt;b&gt;微信&lt;/b&gt;渠道 "
        '<a class="report-figure" href="/dashboards/drill/?metric=sla.response_rate&amp;'
        'period=2026-11" data-ref="sla.response_rate@channel=wechat" data-part="value">'
        "90.0%</a>。"
    )


def test_a_narrative_that_does_not_match_its_source_is_shown_as_stored():
    document = sample_document()
    narrative = {"text": "本月 <i>1,234</i> 件。", "source": "本月 {{no.such:value}} 件。"}

    assert (
        web.linked_narrative(narrative, document["figures"]) == "本月 &lt;i&gt;1,234&lt;/i&gt; 件。"
    )


def test_charts_carry_their_data_and_ids_in_order():
    shown = web.present(sample_document(), chart_prefix="c")

    assert [c["id"] for c in shown["charts"]] == ["c-1", "c-2"]
    assert shown["charts"][0]["series"][0]["values"][-1] == 1234.0
    assert shown["sections"][1]["blocks"][1]["chart_id"] == "c-1"


def test_definitions_get_their_own_appendix_only_when_the_document_has_none():
    document = sample_document()
    assert web.present(document)["definitions"] == []
    document["sections"] = document["sections"][:2]

    shown = web.present(document)

    assert [d["key"] for d in shown["definitions"]] == ["tickets.created", "sla.response_rate"]
    assert shown["appendix_number"] == "三、"


def test_a_cell_without_a_number_has_no_link():
    document = sample_document()
    row = document["sections"][1]["blocks"][0]["table"]["rows"][0]
    row[2]["link"] = "/dashboards/drill/?metric=tickets.created&period=2026-11"  # target "—"

    shown = web.present(document)["sections"][1]["blocks"][0]["table"]["rows"][0]

    assert shown[2]["text"] == "—" and shown[2]["link"] is None
    assert shown[1]["link"] is not None
