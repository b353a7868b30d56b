"""The measurable metrics a KPI can be tied to: one registry, keyed by a stable code.

A KPI written by a team (学员满意度九成以上, 投诉率不超过1%) is matched to a metric by the words
of its name, so that it can later be computed from tickets and surveys (issue 10 adds the
computations; they look metrics up here by ``key``). A KPI that matches none keeps
``metric = ""`` and is only compared by hand.

Adding a metric means adding one ``Metric`` to ``METRICS``: its key is stored in ``Kpi.metric``,
so keys never change once released.
"""

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    key: str
    label: object  # a lazy translation
    unit: str  # the unit it is measured in: "%" or "分钟"
    higher_is_better: bool
    words: tuple[str, ...]  # Chinese and English words a KPI's name may use for it


METRICS: tuple[Metric, ...] = (
    Metric(
        "first_contact_resolution",
        _("First-contact resolution rate"),
        "%",
        True,
        ("一次解决率", "首次解决率", "首解率", "一次性解决率", "一次办结率",
         "first contact resolution", "first-contact resolution", "fcr"),
    ),
    Metric(
        "response_on_time",
        _("Response within SLA rate"),
        "%",
        True,
        ("响应及时率", "及时响应率", "响应达标率", "响应率", "response on time",
         "response within sla", "response rate"),
    ),
    Metric(
        "resolution_on_time",
        _("Resolution within SLA rate"),
        "%",
        True,
        ("解决及时率", "处理及时率", "及时解决率", "办结及时率", "resolution on time",
         "resolution within sla"),
    ),
    Metric(
        "resolution_rate",
        _("Resolution rate"),
        "%",
        True,
        ("解决率", "办结率", "处理率", "结案率", "resolution rate", "resolved rate"),
    ),
    Metric(
        "on_time_completion",
        _("On-time completion rate"),
        "%",
        True,
        ("按期完成率", "按时完成率", "准时完成率", "完成率", "on-time completion",
         "on time completion", "completion rate"),
    ),
    Metric(
        "satisfaction",
        _("Satisfaction rate"),
        "%",
        True,
        ("满意度", "满意率", "好评率", "satisfaction", "csat"),
    ),
    Metric(
        "complaint_rate",
        _("Complaint rate"),
        "%",
        False,
        ("投诉率", "有效投诉率", "complaint rate", "complaints rate"),
    ),
    Metric(
        "follow_up_rate",
        _("Follow-up rate"),
        "%",
        True,
        ("回访率", "回访完成率", "follow-up rate", "follow up rate"),
    ),
    Metric(
        "error_rate",
        _("Error rate"),
        "%",
        False,
        ("差错率", "错误率", "出错率", "error rate"),
    ),
    Metric(
        "mean_handling_minutes",
        _("Mean handling time"),
        "分钟",
        False,
        ("平均处理时长", "平均处理时间", "平均解决时长", "平均解决时间", "平均办结时长",
         "mean handling time", "average handling time", "aht"),
    ),
    Metric(
        "mean_response_minutes",
        _("Mean response time"),
        "分钟",
        False,
        ("平均响应时长", "平均响应时间", "平均应答时长", "mean response time",
         "average response time"),
    ),
)  # fmt: skip

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
KpiMetric = enum.StrEnum("KpiMetric", {m.key.upper(): m.key for m in METRICS})  # type: ignore[misc]
CHOICES: list[tuple[str, object]] = [(m.key, m.label) for m in METRICS]

# Longest words first, so 一次解决率 wins over 解决率 and 响应及时率 over 响应率.
_WORDS: list[tuple[str, Metric]] = sorted(
    ((w.casefold(), m) for m in METRICS for w in m.words), key=lambda pair: -len(pair[0])
)


def match_metric(name: str) -> Metric | None:
    """The metric a KPI's name speaks of, or None. The longest matching word wins."""
    folded = name.casefold()
    for word, metric in _WORDS:
        if word in folded:
            return metric
    return None


def get(key: str) -> Metric | None:
    return BY_KEY.get(key)
