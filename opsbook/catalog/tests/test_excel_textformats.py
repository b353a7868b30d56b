from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opsbook.catalog.choices import Channel, KpiDirection, Priority, ResourceKind, TimeBasis
from opsbook.catalog.excel import textformats as tf
from opsbook.catalog.excel.textformats import (
    CheckpointSpec,
    KpiSpec,
    ResourceSpec,
    StandardSpec,
    TextFormatError,
)

# --- Service standards ------------------------------------------------------------------------


def bare(parse):
    """``parse`` with the verbatim text left out of each spec: these tests are about the
    structure read from the text (issue 8 added ``text``)."""

    def without_text(value):
        specs = parse(value)
        return tuple(
            spec._replace(text="", metric="") if hasattr(spec, "metric") else spec._replace(text="")
            for spec in specs
        )

    return without_text


def test_standards_read_channel_priority_targets_and_time_basis():
    text = (
        "电话：响应≤5分钟，解决≤4小时（工作时间）；邮件：响应≤24小时（日历时间）；"
        "在线客服/紧急：响应≤1分钟"
    )

    assert bare(tf.parse_standards)(text) == (
        StandardSpec("phone", "", 5, 240, "business"),
        StandardSpec("email", "", 1440, None, "calendar"),
        StandardSpec("chat", "urgent", 1, None, "business"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话5分钟内响应", StandardSpec("phone", response_minutes=5)),
        ("邮件24小时内回复", StandardSpec("email", response_minutes=1440)),
        ("现场：2天内解决（日历时间）", StandardSpec("onsite", resolution_minutes=2880,
                                               time_basis="calendar")),
        ("门户：响应≤2h，3个工作日内解决", StandardSpec("portal", "", 120, 1440)),
        ("企业微信/高：响应<=15min", StandardSpec("wecom", "high", 15)),
        ("API：响应不超过120秒", StandardSpec("api", response_minutes=2)),
        ("phone/urgent: response<=5min, resolution<=4h (calendar)",
         StandardSpec("phone", "urgent", 5, 240, "calendar")),
        ("E-mail: reply within 1 d", StandardSpec("email", response_minutes=1440)),
        ("其他：响应≤1小时（工作时间）（节假日顺延）",
         StandardSpec("other", response_minutes=60, description="节假日顺延")),
    ],
)  # fmt: skip
def test_standards_accept_common_phrasings(text, expected):
    assert bare(tf.parse_standards)(text) == (expected,)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("电报：响应≤5分钟", "start with a channel"),
        ("电话：尽快", "cannot read 尽快"),
        ("电话：响应≤30秒", "whole minutes"),
        ("API：响应不超过90秒", "whole minutes"),
        ("电话", "give a response or resolution target"),
        ("电话：响应≤5分钟（备注一）（备注二）（备注三）", "only one remark"),
    ],
)
def test_standards_the_strict_grammar_cannot_read_are_kept_as_written(text, hint):
    # Issue 8: the strict grammar is one way of writing, not the only one; what it cannot read
    # is read as a sentence, or kept as text only, never refused.
    (spec,) = tf.parse_standards(text)
    assert spec.text == text


def test_standards_format_canonically_with_hours_in_business_time_and_days_in_calendar_time():
    specs = (
        StandardSpec(Channel.EMAIL, "", 1440, 2880, TimeBasis.BUSINESS),
        StandardSpec(Channel.CHAT, Priority.URGENT, 1, None, TimeBasis.CALENDAR, "夜间值班"),
        StandardSpec(Channel.PHONE, "", None, 2880, TimeBasis.CALENDAR),
    )

    assert tf.format_standards(specs) == (
        "邮件：响应≤24小时，解决≤48小时（工作时间）；"
        "在线客服/紧急：响应≤1分钟（日历时间）（夜间值班）；"
        "电话：解决≤2天（日历时间）"
    )


# --- KPIs -------------------------------------------------------------------------------------


def test_kpis_read_name_direction_target_and_unit():
    assert bare(tf.parse_kpis)("学员满意度≥95%；投诉处理及时率≥98%；平均响应时长≤30秒") == (
        KpiSpec("学员满意度", Decimal("95"), "%", "at_least"),
        KpiSpec("投诉处理及时率", Decimal("98"), "%", "at_least"),
        KpiSpec("平均响应时长", Decimal("30"), "秒", "at_most"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("满意度不低于90%", KpiSpec("满意度", Decimal(90), "%", "at_least")),
        ("回访量不少于200次", KpiSpec("回访量", Decimal(200), "次", "at_least")),
        ("满意度95%以上", KpiSpec("满意度", Decimal(95), "%", "at_least")),
        ("满意度达到4.5分", KpiSpec("满意度", Decimal("4.5"), "分", "at_least")),
        ("投诉率不高于0.5%", KpiSpec("投诉率", Decimal("0.5"), "%", "at_most")),
        ("单次成本不超过200元", KpiSpec("单次成本", Decimal(200), "元", "at_most")),
        ("响应时长30秒以内", KpiSpec("响应时长", Decimal(30), "秒", "at_most")),
        ("差评2次以下", KpiSpec("差评", Decimal(2), "次", "at_most")),
        ("7日留存率>=40%", KpiSpec("7日留存率", Decimal(40), "%", "at_least")),
        ("NPS≥50（季度调研）", KpiSpec("NPS", Decimal(50), "", "at_least", "季度调研")),
    ],
)
def test_kpis_accept_chinese_comparison_words(text, expected):
    assert bare(tf.parse_kpis)(text) == (expected,)


@pytest.mark.parametrize("text", ["满意度很高", "≥95%", "满意度≥"])
def test_kpis_without_a_readable_target_are_kept_as_written(text):
    # Issue 8: a KPI with no readable target is qualitative, not refused.
    (spec,) = tf.parse_kpis(text)
    assert spec.text == text


def test_a_kpi_target_that_cannot_be_stored_is_refused():
    with pytest.raises(TextFormatError):
        tf.parse_kpis("满意度≥12345678901%")


def test_kpis_format_canonically():
    specs = (
        KpiSpec("学员满意度", Decimal("95.0000"), "%", KpiDirection.AT_LEAST),
        KpiSpec("平均响应时长", Decimal("30"), "秒", KpiDirection.AT_MOST, "每月统计"),
    )
    assert tf.format_kpis(specs) == "学员满意度≥95%；平均响应时长≤30秒（每月统计）"


# --- Checkpoints and resources ----------------------------------------------------------------


def test_checkpoints_read_dates_titles_and_done_marks():
    text = (
        "2026-03-31 完成招生方案；2026/6/30 中期评估✓\n"
        "2026年9月1日 开学（已完成）；期末总结 2027.1.15"
    )

    assert tf.parse_checkpoints(text) == (
        CheckpointSpec(date(2026, 3, 31), "完成招生方案"),
        CheckpointSpec(date(2026, 6, 30), "中期评估", done=True),
        CheckpointSpec(date(2026, 9, 1), "开学", done=True),
        CheckpointSpec(date(2027, 1, 15), "期末总结"),
    )
    assert tf.format_checkpoints(tf.parse_checkpoints(text)) == (
        "2026-03-31 完成招生方案；2026-06-30 中期评估✓；2026-09-01 开学✓；2027-01-15 期末总结"
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2026年2月30日 中期评估", "not a real date"),
        ("下周 中期评估", "write a checkpoint as a date"),
        ("2026-03-31", "say what is due"),
    ],
)
def test_bad_checkpoints_are_refused(text, hint):
    with pytest.raises(TextFormatError, match=hint):
        tf.parse_checkpoints(text)


def test_resources_read_their_kind_and_default_to_other():
    assert tf.parse_resources("人员：3名客服；预算：5万元/年；工具：工单系统；场地：会议室") == (
        ResourceSpec("people", "3名客服"),
        ResourceSpec("budget", "5万元/年"),
        ResourceSpec("tool", "工单系统"),
        ResourceSpec("other", "场地：会议室"),
    )
    assert tf.format_resources([ResourceSpec(ResourceKind.OTHER, "场地：会议室")]) == (
        "其他：场地：会议室"
    )


# --- Dates and names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["2026-03-01", "2026/3/1", "2026年3月1日", "2026.3.1", "2026-03-01 00:00:00", 46082]
)
def test_dates_are_read_in_every_common_form(value):
    assert tf.parse_date(value) == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("value", "hint"),
    [("2026年2月30日", "not a real date"), ("下个月", "not a date"), (12, "not a date")],
)
def test_impossible_or_unreadable_dates_are_refused(value, hint):
    with pytest.raises(TextFormatError, match=hint):
        tf.parse_date(value)


def test_names_split_on_every_usual_separator():
    assert tf.split_names("张三、李四,王五，赵六;钱七；孙八/周九\n吴十") == [
        "张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十",
    ]  # fmt: skip


# --- Round trips ------------------------------------------------------------------------------

_text = st.text(
    alphabet=st.sampled_from("服务质量满意度回访工单系统客户ABCxyz的一二三"),
    min_size=1,
    max_size=12,
)
_minutes = st.integers(min_value=1, max_value=60 * 24 * 30)
standards = st.builds(
    StandardSpec,
    channel=st.sampled_from(list(Channel)),
    priority=st.sampled_from(["", *Priority]),
    response_minutes=_minutes,
    resolution_minutes=st.none() | _minutes,
    time_basis=st.sampled_from(list(TimeBasis)),
    description=st.just("") | _text,
    calendar=st.none(),  # standards that name a calendar: test_excel_standard_calendar.py
    followup_minutes=st.none(),
    lead_days=st.none(),
    due_day=st.none(),
    min_staff=st.none(),
    text=st.just(""),  # no sentence: the canonical text is written
)
kpis = st.builds(
    KpiSpec,
    name=_text,
    target=st.decimals(min_value=0, max_value=10**9, places=2).map(lambda d: d.normalize()),
    unit=st.sampled_from(["", "%", "秒", "分钟", "次", "元", "分"]),
    direction=st.sampled_from(list(KpiDirection)),
    description=st.just("") | _text,
    metric=st.just(""),
    text=st.just(""),
)
checkpoints = st.builds(
    CheckpointSpec,
    due_date=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    title=_text,
    done=st.booleans(),
)
resources = st.builds(ResourceSpec, kind=st.sampled_from(list(ResourceKind)), description=_text)


@given(st.lists(standards, max_size=4))
def test_standards_survive_format_then_parse(specs):
    assert bare(tf.parse_standards)(tf.format_standards(specs)) == tuple(specs)


@given(st.lists(kpis, max_size=4))
def test_kpis_survive_format_then_parse(specs):
    assert bare(tf.parse_kpis)(tf.format_kpis(specs)) == tuple(specs)


@given(st.lists(checkpoints, max_size=4))
def test_checkpoints_survive_format_then_parse(specs):
    assert tf.parse_checkpoints(tf.format_checkpoints(specs)) == tuple(specs)


@given(st.lists(resources, max_size=4))
def test_resources_survive_format_then_parse(specs):
    assert tf.parse_resources(tf.format_resources(specs)) == tuple(specs)


@pytest.mark.parametrize(
    ("parse", "format_", "text"),
    [
        (tf.parse_standards, tf.format_standards, "电话5分钟内响应；邮件24小时内回复，3天内解决"),
        (tf.parse_kpis, tf.format_kpis, "满意度不低于90%；响应时长30秒以内"),
        (tf.parse_checkpoints, tf.format_checkpoints, "中期评估 2026/6/30（已完成）"),
        (tf.parse_resources, tf.format_resources, "人力：3人；系统：CRM"),
    ],
)
def test_formatting_a_parsed_cell_gives_a_canonical_form_that_formats_to_itself(
    parse, format_, text
):
    canonical = format_(parse(text))
    if parse in (tf.parse_standards, tf.parse_kpis):
        assert canonical == text  # issue 8: standards and KPIs are exported as written
    else:
        assert canonical != text
    assert format_(parse(canonical)) == canonical
