"""Issue 8: standards and KPIs as teams write them are kept verbatim and read into structure."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opsbook.catalog.choices import Channel, KpiDirection, Priority, TimeBasis
from opsbook.catalog.excel import textformats as tf
from opsbook.catalog.excel.textformats import TextFormatError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("接到报修后2小时内到场", {"channel": Channel.ONSITE, "response_minutes": 120}),
        ("工作日2小时内响应，24小时内解决", {"response_minutes": 120, "resolution_minutes": 1440}),
        ("紧急故障15分钟内响应", {"priority": Priority.URGENT, "response_minutes": 15}),
        ("投诉1个工作日内回复", {"response_minutes": 480, "time_basis": TimeBasis.BUSINESS}),
        ("3个工作日内回访", {"followup_minutes": 1440}),
        ("节假日值班不少于2人", {"min_staff": 2}),
        ("材料提前3天发布", {"lead_days": 3}),
        ("每月5日前提交月报", {"due_day": 5}),
        ("每月底前完成", {"due_day": 31}),
        ("合同到期前30天提醒", {"lead_days": 30}),
        ("1个工作日内开通", {"resolution_minutes": 480}),
        ("3天内解决", {"resolution_minutes": 4320, "time_basis": TimeBasis.CALENDAR}),
        ("两小时内上门", {"channel": Channel.ONSITE, "response_minutes": 120}),
        ("热线电话30分钟内响应", {"channel": Channel.PHONE, "response_minutes": 30}),
        (
            "电话：响应≤5分钟，解决≤4小时（工作时间）",
            {"channel": Channel.PHONE, "resolution_minutes": 240},
        ),
    ],
)
def test_sentences_are_read_into_structure_and_kept_verbatim(text, expected):
    (spec,) = tf.parse_standards(text)
    assert spec.text == text
    for name, value in expected.items():
        assert getattr(spec, name) == value, name
    assert tf.format_standards((spec,)) == text


@pytest.mark.parametrize("text", ["服务态度良好", "7×24小时响应", "按要求做好服务"])
def test_sentences_with_nothing_measurable_are_text_only(text):
    (spec,) = tf.parse_standards(text)
    assert spec.text == text
    assert not spec.has_structure
    assert spec.response_minutes is None  # 7×24 is coverage, not a 24-hour target


@pytest.mark.parametrize("text", ["每月32日前提交", "每年2月30日前提交", "2026-02-30前完成"])
def test_an_impossible_date_is_an_error(text):
    with pytest.raises(TextFormatError):
        tf.parse_standards(text)


@pytest.mark.parametrize(
    ("text", "name", "direction", "target", "unit", "metric"),
    [
        ("学员满意度九成以上", "学员满意度", KpiDirection.AT_LEAST, "90", "%",
         "csat.satisfied_share"),
        ("差错率低于千分之一", "差错率", KpiDirection.AT_MOST, "0.1", "%", ""),
        ("满意度≥95%", "满意度", KpiDirection.AT_LEAST, "95", "%", "csat.satisfied_share"),
        ("投诉率不超过1%", "投诉率", KpiDirection.AT_MOST, "1", "%", "tickets.complaint_rate"),
        ("响应及时率100%", "响应及时率", KpiDirection.AT_LEAST, "100", "%",
         "sla.response.met_rate"),
        ("平均处理时长30分钟以内", "平均处理时长", KpiDirection.AT_MOST, "30", "分钟",
         "tickets.resolution_time.mean"),
        ("一次解决率≥80%", "一次解决率", KpiDirection.AT_LEAST, "80", "%",
         "tickets.first_contact_resolution_rate"),
        ("客户满意度应达到百分之九十五", "客户满意度", KpiDirection.AT_LEAST, "95", "%",
         "csat.satisfied_share"),
        ("每月巡检不少于4次", "每月巡检", KpiDirection.AT_LEAST, "4", "次", ""),
    ],
)  # fmt: skip
def test_kpis_are_read_as_teams_write_them(text, name, direction, target, unit, metric):
    (spec,) = tf.parse_kpis(text)
    assert (spec.name, spec.direction, spec.target, spec.unit, spec.metric) == (
        name,
        direction,
        Decimal(target),
        unit,
        metric,
    )
    assert spec.text == text


@pytest.mark.parametrize("text", ["按期完成", "服务态度良好"])
def test_kpis_without_a_target_are_qualitative(text):
    (spec,) = tf.parse_kpis(text)
    assert spec.target is None and spec.text == text


@pytest.mark.parametrize("text", ["满意度≥95%且≤90%", "满意度不低于95%以下"])
def test_a_target_that_contradicts_itself_is_an_error(text):
    with pytest.raises(TextFormatError, match="contradicts"):
        tf.parse_kpis(text)


def test_separators_inside_an_entry_survive_export_and_import():
    kpis = tf.parse_kpis(tf.format_kpis([tf.KpiSpec("接通率;首解率", Decimal(90), "%")]))
    assert [k.name for k in kpis] == ["接通率;首解率"]
    checkpoints = tf.format_checkpoints(
        [tf.CheckpointSpec(__import__("datetime").date(2026, 3, 31), "完成A；完成B")]
    )
    assert [c.title for c in tf.parse_checkpoints(checkpoints)] == ["完成A；完成B"]


_sentence = st.text(
    alphabet=st.sampled_from(
        list(
            '满意度响应解决回访电话；;\n、，"()（）≥≤%0123456789天小时分钟内以上不超过九成千分之一'
        )
    ),
    min_size=1,
    max_size=30,
)


@given(st.lists(_sentence, min_size=1, max_size=4))
def test_what_import_reads_export_writes_back_unchanged(texts):
    for parse, format_ in (
        (tf.parse_standards, tf.format_standards),
        (tf.parse_kpis, tf.format_kpis),
    ):
        try:
            specs = parse(tf.join_entries(t.strip() for t in texts if t.strip()))
        except TextFormatError:
            continue
        assert parse(format_(specs)) == specs


def test_the_metric_registry_has_unique_keys_and_prefers_the_longest_word():
    from opsbook.catalog import kpi_metrics

    keys = list(kpi_metrics.KEYS)
    assert len(keys) == len(set(keys)) and "" not in keys

    def key(name: str) -> str | None:
        metric = kpi_metrics.match_metric(name)
        return metric.key if metric else None

    assert key("一次解决率") == "tickets.first_contact_resolution_rate"
    assert key("工单解决率") == "tickets.resolution_rate"
    assert key("Customer satisfaction") == "csat.satisfied_share"
    assert kpi_metrics.match_metric("网络可用率") is None
    assert key("差错率") == ""  # recognised (a lower value is better), not measured
    assert {value for value, _label in kpi_metrics.CHOICES} == set(keys)
