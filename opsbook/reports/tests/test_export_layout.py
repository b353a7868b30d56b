from opsbook.reports.export.layout import DEFAULT, css_font_family, layout_for, pdf_fonts
from opsbook.reports.testing import sample_document


def test_the_default_is_the_gbt_9704_house_style():
    layout = layout_for(sample_document())
    assert layout == DEFAULT
    assert (layout.page_width_mm, layout.page_height_mm) == (210, 297)
    assert (layout.margin_top_mm, layout.margin_left_mm) == (37, 28)
    assert (layout.text_width_mm, layout.text_height_mm) == (156, 225)
    assert layout.body.family == "仿宋" and layout.body.size_pt == 16
    assert layout.title.size_pt == 22 and layout.title.bold
    assert [layout.heading(n).family for n in (1, 2, 3, 4)] == ["黑体", "楷体", "仿宋", "仿宋"]
    assert layout.heading(3).bold and not layout.heading(4).bold
    assert layout.page_number_text(3) == "— 3 —"
    assert layout.notes == ()


def test_a_templates_overrides_apply_and_bad_ones_keep_the_default_with_a_note():
    document = sample_document()
    document["layout"] = {
        "body_font": "宋体",
        "body_size_pt": 14,
        "paper": "a3",
        "colour": "red",
        "line_spacing_pt": "wide",
        "heading1_font": 'x"; } body { color: red',
        "toc": False,
    }
    layout = layout_for(document)
    assert layout.body.family == "宋体" and layout.body.size_pt == 14
    assert (layout.page_width_mm, layout.page_height_mm) == (297, 420)
    assert layout.toc is False
    assert layout.line_spacing_pt == 28
    assert layout.heading(1).family == "黑体"
    assert len(layout.notes) == 3
    assert any("colour" in note for note in layout.notes)


def test_margins_that_leave_no_text_block_fall_back():
    layout = layout_for({"layout": {"margin_left_mm": 100, "margin_right_mm": 100}})
    assert layout.text_width_mm == 156
    assert layout.notes


def test_a_layout_that_is_not_an_object_is_ignored():
    assert layout_for({"layout": ["x"]}) == DEFAULT


def test_the_pdf_embeds_an_installed_cjk_face_for_every_family():
    fonts = pdf_fonts(DEFAULT)
    assert {"仿宋", "黑体", "楷体", "宋体:bold"} <= set(fonts)
    assert "Sans" in fonts["黑体"].name and "Serif" in fonts["仿宋"].name
    assert css_font_family("黑体").endswith("sans-serif")
