"""The narrative paragraphs: generated from the figures (every number a token, direction words
from the sign of the change), edited as plain text and linked back, checked against the data."""

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsbook.reports import narrative
from opsbook.reports.narrative import check, generate, link, render, tokens
from opsbook.reports.testing import sample_document

NAMES = ["工单量", "首次响应及时率", "满意度", "投诉量", "解决及时率", "回访率", "平均处理时长"]
DIGIT = re.compile(r"[0-9０-９]")
TOKEN = narrative.TOKEN


def derived(ref, value, name):
    shown = "—" if value is None else f"{value:,.0f}"
    return {
        "ref": ref,
        "key": ref,
        "name": name,
        "unit": "count",
        "higher_is_better": None,
        "scope": {},
        "value": value,
        "previous": None,
        "change": None,
        "change_pct": None,
        "last_year": None,
        "target": None,
        "status": None,
        "display": {p: "—" for p in narrative.PARTS} | {"value": shown},
        "link": "",
    }


def figures(**extra):
    out = copy.deepcopy(sample_document()["figures"])
    for ref, value in extra.items():
        ref = "report." + ref
        out[ref] = derived(ref, value, ref)
    return out


def number_free(source):
    """The source without its tokens: what the generator wrote itself."""
    return TOKEN.sub("", source)


# --- Generation on the sample document ---------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("key", ["overview", "kpis", "problems", "actions", "outlook", "custom"])
def test_each_section_writes_only_numbers_from_the_figures_and_nothing_to_warn(key, language):
    figs = figures(targets_met=2, targets_missed=1, anomalies=3, open_actions=4, overdue_actions=1)
    source = generate(key, list(figs), figs, language=language, facts={"top_category": "网络服务"})
    assert source
    assert not DIGIT.search(number_free(source))
    assert all(ref in figs for ref, _part in tokens(source))
    assert check(source, figs, language=language) == []
    assert (
        generate(key, list(figs), figs, language=language, facts={"top_category": "网络服务"})
        == source
    )


def test_the_overview_says_what_went_up_and_down_and_which_targets_were_met():
    figs = figures()
    text = render(generate("overview", list(figs), figs), figs)
    assert text.startswith("本月工单量为 1,234，较上月增加（+134，+12.2%）")
    assert "首次响应及时率为 95.2%，较上月下降（-0.9 个百分点），有所恶化" in text
    assert "达到目标（95.0%）" in text
    assert (
        "首次响应及时率（微信）为 90.0%，较上月下降（-5.0 个百分点），有所恶化，未达到目标（95.0%）"
        in text
    )
    assert "满意度为 4.62，较上月上升（+0.07，+1.5%），有所改善，达到目标（4.50）" in text


def test_the_overview_in_english():
    figs = figures()
    text = render(generate("overview", list(figs), figs, language="en"), figs)
    assert text.startswith("This month, 工单量 was 1,234, up on last month (+134, +12.2%)")
    assert (
        "down on last month (-5.0 个百分点), a deterioration, missing its target of 95.0%" in text
    )
    assert "meeting its target of 4.50" in text


def test_a_change_that_shows_as_zero_is_unchanged():
    figs = figures()
    rate = figs["sla.response_rate"]
    rate["change"] = 0.0001
    rate["display"]["change"] = "+0.0 个百分点"
    zh = render(generate("overview", ["sla.response_rate"], figs), figs)
    en = render(generate("overview", ["sla.response_rate"], figs, language="en"), figs)
    assert "与上月持平" in zh and "上升" not in zh and "改善" not in zh
    assert "unchanged from last month" in en and " up " not in en


def test_a_figure_without_a_value_is_left_out():
    figs = figures()
    figs["csat.score"]["value"] = None
    source = generate("overview", ["csat.score", "tickets.created", "nowhere"], figs)
    assert "满意度" not in source and "工单量" in source
    assert generate("overview", ["csat.score"], figs) == ""


def test_the_kpis_count_targets_met_and_missed_and_name_the_missed_ones():
    figs = figures(targets_met=3, targets_missed=1)
    text = render(generate("kpis", list(figs), figs), figs)
    assert text == (
        "本月 3 项指标达到目标。1 项指标未达到目标：首次响应及时率（微信）（90.0%，目标 95.0%）。"
    )
    figs = figures(targets_met=3, targets_missed=0)
    assert render(generate("kpis", list(figs), figs), figs) == "本月 3 项指标全部达到目标。"


def test_without_the_derived_counts_the_kpis_name_the_figures():
    figs = figures()
    text = render(generate("kpis", list(figs), figs), figs)
    assert text == (
        "本月达到目标的指标：首次响应及时率、满意度。"
        "未达到目标的指标：首次响应及时率（微信）（90.0%，目标 95.0%）。"
    )


def test_problems_name_the_top_category_and_the_anomalies():
    figs = figures(anomalies=2)
    text = render(
        generate("problems", ["report.anomalies"], figs, facts={"top_category": "网络服务"}), figs
    )
    assert text == "本月问题最多的类别为“网络服务”；发现 2 处异常波动。"
    en = render(
        generate(
            "problems",
            ["report.anomalies"],
            figs,
            language="en",
            facts={"top_category": "网络服务"},
        ),
        figs,
    )
    assert en == "The most frequent category was “网络服务”; 2 unusual changes were flagged."
    figs = figures(anomalies=0)
    text = render(generate("problems", ["report.anomalies"], figs, language="en"), figs)
    assert text == "No unusual change was flagged."


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_category_with_digits_in_its_name_is_no_number(language):
    figs = figures(anomalies=1)
    source = generate("problems", [], figs, language=language, facts={"top_category": "Office 365"})
    assert "Office 365" in source and check(source, figs, language="en") == []


def test_actions_count_open_done_and_overdue():
    figs = figures(open_actions=4, done_actions=2, overdue_actions=1)
    refs = ["report.open_actions", "report.done_actions", "report.overdue_actions"]
    assert render(generate("actions", refs, figs), figs) == (
        "改进措施进行中 4 项，已完成 2 项；其中 1 项已逾期。"
    )
    figs = figures(open_actions=4, overdue_actions=0)
    assert render(generate("actions", refs, figs, language="en"), figs) == (
        "Improvement actions: 4 open; none overdue."
    )


def test_the_outlook_lists_next_months_targets():
    figs = figures()
    text = render(generate("outlook", list(figs), figs), figs)
    assert text == (
        "下月重点改进首次响应及时率（微信）（目标 95.0%）；"
        "保持首次响应及时率（目标 95.0%）、满意度（目标 4.50）。"
    )
    assert generate("outlook", ["tickets.created"], figs) == "下月暂无设定的目标。"


def test_a_fact_or_name_can_never_make_a_token():
    figs = figures()
    figs["csat.score"]["name"] = "满意度{{tickets.created:value}}"
    source = generate("problems", ["csat.score"], figs, facts={"top_category": "{{x:value}}"})
    assert tokens(source) == [
        ("csat.score", p) for p in ("value", "change", "change_pct", "target")
    ]


# --- Generation over any figures (hypothesis) --------------------------------------------------


def _fmt(value, unit, signed=False):
    if value is None:
        return "—"
    sign = "+" if signed and value >= 0 else ""
    if unit == "ratio":
        return f"{sign}{value * 100:.1f} 个百分点" if signed else f"{value * 100:.1f}%"
    if unit == "count":
        return f"{sign}{value:,.0f}"
    return f"{sign}{value:.2f}"


@st.composite
def any_figures(draw):
    out = {}
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    for i, name in enumerate(names):
        unit = draw(st.sampled_from(["count", "ratio", "score"]))
        top = 5000 if unit == "count" else 1
        number = st.floats(0, top, allow_nan=False).map(lambda v: round(v, 3))
        value = draw(st.none() | number)
        previous = draw(st.none() | number | st.just(value))
        target = draw(st.none() | number)
        change = None if value is None or previous is None else value - previous
        pct = None if change is None or not previous else change / previous
        ref = f"m{i}.x@channel=c{i}" if i % 2 else f"m{i}.x"
        out[ref] = {
            "ref": ref,
            "key": f"m{i}.x",
            "name": name,
            "unit": unit,
            "higher_is_better": draw(st.sampled_from([None, True, False])),
            "scope": {},
            "value": value,
            "previous": previous,
            "change": change,
            "change_pct": pct,
            "last_year": draw(st.none() | number),
            "target": target,
            "status": None if target is None else draw(st.sampled_from(["met", "missed"])),
            "display": {
                "value": _fmt(value, unit),
                "previous": _fmt(previous, unit),
                "change": _fmt(change, unit, signed=True),
                "change_pct": "—" if pct is None else f"{pct * 100:+.1f}%",
                "last_year": "—",
                "target": _fmt(target, unit),
            },
            "link": "",
        }
    for ref in ("targets_met", "targets_missed", "anomalies", "open_actions", "overdue_actions"):
        if draw(st.booleans()):
            out["report." + ref] = derived("report." + ref, draw(st.integers(0, 9)), ref)
    return out


SECTION_KEYS = st.sampled_from(["overview", "kpis", "problems", "actions", "outlook", "other"])
LANGUAGES = st.sampled_from(["zh-hans", "en"])
UP = re.compile(r"(增加|上升)（\{\{([^{}]+):change\}\}|up on last month \(\{\{([^{}]+):change\}\}")
DOWN = re.compile(
    r"(减少|下降)（\{\{([^{}]+):change\}\}|down on last month \(\{\{([^{}]+):change\}\}"
)
FLAT = re.compile(r"\{\{([^{}]+):value\}\}(，与上月持平|, unchanged from last month)")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_figures(), SECTION_KEYS, LANGUAGES)
def test_every_number_generated_comes_from_a_figure(figs, key, language):
    source = generate(key, list(figs), figs, language=language, facts={"top_category": "网络服务"})
    assert not DIGIT.search(number_free(source))
    for ref, part in tokens(source):
        assert figs[ref][part] is not None or part == "value"
        assert render(narrative.token(ref, part), figs) != "—"
    assert check(source, figs, language=language) == []


@settings(max_examples=200, deadline=None)
@given(any_figures(), LANGUAGES)
def test_up_only_when_the_number_went_up(figs, language):
    source = generate("overview", list(figs), figs, language=language)
    for m in UP.finditer(source):
        ref = m.group(2) or m.group(3)
        assert figs[ref]["change"] > 0 and narrative.sign_of(figs[ref]) == 1
    for m in DOWN.finditer(source):
        ref = m.group(2) or m.group(3)
        assert figs[ref]["change"] < 0 and narrative.sign_of(figs[ref]) == -1
    for m in FLAT.finditer(source):
        assert narrative.sign_of(figs[m.group(1)]) == 0
    # Every direction word of the paragraph is one of those, next to its own change.
    words = number_free(source)
    ups = len(re.findall(r"增加|上升" if language == "zh-hans" else r"\bup\b", words))
    downs = len(re.findall(r"减少|下降" if language == "zh-hans" else r"\bdown\b", words))
    flats = len(re.findall(r"持平" if language == "zh-hans" else r"\bunchanged\b", words))
    assert (ups, downs, flats) == (
        len(UP.findall(source)),
        len(DOWN.findall(source)),
        len(FLAT.findall(source)),
    )

    def better(f) -> bool:
        moved = narrative.sign_of(f) if f["display"]["change"] != "—" else None
        if f["value"] is None or f["higher_is_better"] is None or not moved:
            return False
        return (moved > 0) == f["higher_is_better"]

    assert len(re.findall("改善|improvement", words)) == sum(1 for f in figs.values() if better(f))
    went = [r for r, f in figs.items() if f["value"] is not None and not r.startswith("report.")]
    said = len(UP.findall(source)) + len(DOWN.findall(source)) + len(FLAT.findall(source))
    assert said == sum(
        1 for r in went if figs[r]["change"] is not None and figs[r]["display"]["change"] != "—"
    )


@settings(max_examples=200, deadline=None)
@given(any_figures(), SECTION_KEYS, LANGUAGES)
def test_an_unchanged_edit_links_back_to_the_same_tokens(figs, key, language):
    source = generate(key, list(figs), figs, language=language, facts={"top_category": "网络服务"})
    text = render(source, figs)
    linked = link(text, figs, previous_source=source)
    assert render(linked, figs) == text
    assert linked == source


@settings(max_examples=100, deadline=None)
@given(any_figures())
def test_turning_a_direction_word_around_is_always_warned(figs):
    source = generate("overview", list(figs), figs, language="zh-hans")
    text = render(source, figs)
    flipped = re.sub(
        "增加|上升|减少|下降",
        lambda m: {"增加": "减少", "上升": "下降"}.get(m[0], "上升"),
        text,
        count=1,
    )
    if flipped == text:
        return
    warnings = check(link(flipped, figs, previous_source=source), figs, language="en")
    assert any("does not match" in w for w in warnings)


# --- Rendering, tokens -------------------------------------------------------------------------


def test_render_replaces_tokens_and_marks_a_missing_figure():
    figs = figures()
    assert (
        render("工单 {{tickets.created:value}} 件，{{gone.metric:value}}", figs)
        == "工单 1,234 件，—"
    )
    assert render("{{sla.response_rate@channel=wechat:change}}", figs) == "-5.0 个百分点"
    assert tokens("a {{x.y@channel=web:change_pct}} b {{z:value}}") == [
        ("x.y@channel=web", "change_pct"),
        ("z", "value"),
    ]


def test_the_sample_documents_narratives_have_nothing_to_warn():
    doc = sample_document()
    for section in doc["sections"]:
        if section["narrative"]:
            assert check(section["narrative"]["source"], doc["figures"]) == []


# --- Linking an edit ---------------------------------------------------------------------------


def test_an_edit_keeps_its_numbers_linked_in_the_owners_words():
    figs = figures()
    previous = generate("overview", ["tickets.created"], figs)
    linked = link(
        "本月工单 1,234 件，比上月多了 +134 件，涨幅 +12.2%。", figs, previous_source=previous
    )
    assert linked == (
        "本月工单 {{tickets.created:value}} 件，比上月多了 {{tickets.created:change}} 件，"
        "涨幅 {{tickets.created:change_pct}}。"
    )
    figs["tickets.created"]["display"]["value"] = "1,300"
    assert render(linked, figs).startswith("本月工单 1,300 件")


def test_link_reads_full_width_digits_spacing_and_missing_separators():
    figs = figures()
    linked = link(
        "及时率９５．２％，满意度 4.62，工单 1234，微信 90.0 %。", figs, previous_source=""
    )
    assert linked == (
        "及时率{{sla.response_rate:value}}，满意度 {{csat.score:value}}，"
        "工单 {{tickets.created:value}}，微信 {{sla.response_rate@channel=wechat:value}}。"
    )


def test_link_prefers_the_tokens_the_paragraph_had_in_order():
    figs = figures()
    # Both targets display 95.0%: the paragraph's own token wins over the document's first.
    previous = "目标 {{sla.response_rate@channel=wechat:target}}，又 {{sla.response_rate:target}}"
    linked = link("目标 95.0%，又 95.0%，再 95.0%", figs, previous_source=previous)
    assert linked == (
        "目标 {{sla.response_rate@channel=wechat:target}}，又 {{sla.response_rate:target}}，"
        "再 {{sla.response_rate:value}}".replace("value", "target")
    )


def test_other_numbers_stay_as_typed_and_typed_braces_make_no_token():
    figs = figures()
    linked = link(
        "另有 12.5% 的工单来自１８个网点 {{tickets.created:value}}", figs, previous_source=""
    )
    assert linked == "另有 12.5% 的工单来自18个网点 {tickets.created:value}"
    assert tokens(linked) == []


def test_a_composite_display_links_whole():
    figs = figures()
    figs["tickets.created"]["display"]["previous"] = "3 h 20 min"
    assert (
        link("用时 3h 20min。", figs, previous_source="") == "用时 {{tickets.created:previous}}。"
    )


# --- Checking an edit --------------------------------------------------------------------------


def _edited(text, figs=None, language="en"):
    figs = figs or figures()
    source = generate("overview", list(figs), figs)
    return check(link(text, figs, previous_source=source), figs, language=language)


def test_a_number_that_is_no_figure_is_warned():
    assert _edited("工单量 1,234，另有 12.5% 来自微信。") == [
        "“12.5%” does not come from the data."
    ]


def test_dates_codes_and_unsigned_changes_are_not_warned():
    text = (
        "2026年11月工单量 1,234，P12 问题在 18:00 后集中，较上月增加 134 件，"
        "及时率下降 0.9 个百分点。"
    )
    assert _edited(text) == []


def test_down_for_a_figure_that_went_up_is_warned_in_chinese_and_english():
    assert _edited("工单量 1,234，较上月下降（+134）。") == [
        "“下降” does not match 工单量, which went up (+134)."
    ]
    assert _edited("Tickets fell to 1,234 (+134).") == [
        "“fell” does not match 工单量, which went up (+134)."
    ]
    assert _edited("首次响应及时率上涨了 -0.9 个百分点。") == [
        "“上涨” does not match 首次响应及时率, which went down (-0.9 个百分点)."
    ]
    assert _edited("满意度 4.62，持平（+0.07）。") == [
        "“持平” does not match 满意度, which went up (+0.07)."
    ]
    assert _edited("满意度 4.62 rose (+0.07).") == []


def test_a_direction_word_without_its_change_looks_at_the_value_of_its_clause():
    assert _edited("首次响应及时率提升至 95.2%。") == [
        "“提升” does not match 首次响应及时率, which went down (-0.9 个百分点)."
    ]
    assert _edited("首次响应及时率回落至 95.2%。") == []


def test_a_sentence_about_one_figure_is_judged_by_its_change():
    assert _edited("工单量 1,234 件，较上月下降。") == [
        "“下降” does not match 工单量, which went up (+134)."
    ]
    assert _edited("Tickets fell to 1,234.") == [
        "“fell” does not match 工单量, which went up (+134)."
    ]
    # Two figures in the sentence: which one went down is not clear, so nothing is said.
    assert _edited("工单量 1,234 件，满意度 4.62，较上月下降。") == []


def test_a_direction_word_that_is_about_something_else_is_not_judged():
    # "增加夜班值守" is an action, not the volume going up; "follow up" is no change either.
    assert _edited("增加夜班值守，微信渠道 90.0%（-5.0 个百分点）。") == []
    assert _edited("We follow up on 90.0% (-5.0 个百分点) of them; set up a rota.") == []
    assert _edited("工单量 1,234 件，满意度 4.62，较上月下降。") == []


def test_a_negated_direction_word_is_not_judged():
    assert _edited("首次响应及时率未上升，为 95.2%。") == []


def test_better_and_worse_follow_higher_is_better():
    assert _edited("满意度 4.62（+0.07），有所恶化。") == [
        "“恶化” does not match 满意度: its change (+0.07) is for the better."
    ]
    assert _edited("首次响应及时率 95.2%（-0.9 个百分点），有所改善。") == [
        "“改善” does not match 首次响应及时率: its change (-0.9 个百分点) is for the worse."
    ]


def test_met_and_missed_follow_the_status():
    assert _edited("微信渠道 90.0%，达到目标（95.0%）。") == [
        "“达到目标” does not match 首次响应及时率（微信）, which missed its target (95.0%)."
    ]
    assert _edited("首次响应及时率 95.2%，未达到目标 95.0%。") == [
        "“未达到目标” does not match 首次响应及时率, which met its target (95.0%)."
    ]
    assert _edited("满意度 4.62 missed its target of 4.50.") == [
        "“missed its target” does not match 满意度, which met its target (4.50)."
    ]


def test_all_targets_met_while_some_were_missed_is_warned():
    figs = figures(targets_met=3, targets_missed=1)
    assert check("本月各项指标均达到目标。", figs, language="en") == [
        "“达到目标” does not match this report: 1 targets were missed."
    ]
    assert check("All targets met this month.", figs, language="en") == [
        "“targets met” does not match this report: 1 targets were missed."
    ]
    assert check("本月各项指标均达到目标。", figures(targets_met=3, targets_missed=0)) == []


def test_an_unknown_token_is_warned():
    figs = figures()
    assert check("比例 {{gone.metric:value}}，{{csat.score:colour}}", figs, language="en") == [
        "A number refers to a figure this report does not have (gone.metric:value).",
        "A number refers to a figure this report does not have (csat.score:colour).",
    ]


def test_compose_is_the_documents_narrative():
    figs = figures()
    out = narrative.compose(
        "工单量 {{tickets.created:value}} 件，较上月下降。", figs, edited=True, language="en"
    )
    assert out == {
        "text": "工单量 1,234 件，较上月下降。",
        "source": "工单量 {{tickets.created:value}} 件，较上月下降。",
        "edited": True,
        "warnings": ["“下降” does not match 工单量, which went up (+134)."],
    }


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789０１２３４５％%.,，。；+-− 个百分点上升下降持平达到目标未{}:abcupdown")
        ),
        max_size=60,
    )
)
def test_any_typed_text_links_and_checks_without_error(typed):
    figs = figures()
    linked = link(typed, figs, previous_source="")
    assert all(ref in figs for ref, _part in tokens(linked))
    assert isinstance(check(linked, figs, language="en"), list)
    # Only numbers change: text without digits stays as typed (braces made single).
    if not DIGIT.search(typed):
        assert linked == narrative._sanitise(typed)
    else:
        assert TOKEN.sub("", linked).count("。") == typed.count("。")
