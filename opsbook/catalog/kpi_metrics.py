"""The measurable metrics a KPI can be tied to, keyed by the metrics registry's keys.

A KPI written by a team (学员满意度九成以上, 投诉率不超过1%) is matched to a metric by the words
of its name, so that its actual value is computed from tickets, follow-ups and routine work by
the metrics engine (``opsbook.metrics``, registered under these very keys; a test there checks
that each key below is one of its keys). A KPI that matches none keeps ``metric = ""`` and is
only compared by hand. A KPI cell may also name its key outright: ``首次响应及时率≥98%
[sla.response.met_rate]``.

The catalog sits below the metrics app, so the keys are kept here as plain strings; it never
imports ``opsbook.metrics``. Keys are stored in ``Kpi.metric``: they never change once released
(migration 0008 moved the first release's own keys to the registry's).

A word may be recognised without being measured (差错率: no record in Opsbook says what an
error is): its entry has ``key = ""``, so the KPI keeps no metric, but the word still tells that
a lower value is better (差错率1% means at most 1 %).
"""

import enum
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    key: str  # the metrics registry's key; "" for a word recognised but not measured
    label: object  # a lazy translation
    unit: str  # the unit a KPI usually states it in: "%" or "分钟"
    higher_is_better: bool
    words: tuple[str, ...]  # Chinese and English words a KPI's name may use for it


METRICS: tuple[Metric, ...] = (
    Metric(
        "tickets.first_contact_resolution_rate",
        _("First-contact resolution rate"),
        "%",
        True,
        ("一次解决率", "首次解决率", "首解率", "一次性解决率", "一次办结率",
         "first contact resolution", "first-contact resolution", "fcr"),
    ),
    Metric(
        "sla.response.met_rate",
        _("Response within SLA rate"),
        "%",
        True,
        ("响应及时率", "及时响应率", "响应达标率", "响应率", "response on time",
         "response within sla", "response rate"),
    ),
    Metric(
        "sla.resolution.met_rate",
        _("Resolution within SLA rate"),
        "%",
        True,
        ("解决及时率", "处理及时率", "及时解决率", "办结及时率", "resolution on time",
         "resolution within sla"),
    ),
    Metric(
        "tickets.resolution_rate",
        _("Resolution rate"),
        "%",
        True,
        ("解决率", "办结率", "处理率", "结案率", "resolution rate", "resolved rate"),
    ),
    Metric(
        "routines.on_time_rate",
        _("On-time completion rate"),
        "%",
        True,
        ("按期完成率", "按时完成率", "准时完成率", "完成率", "on-time completion",
         "on time completion", "completion rate"),
    ),
    Metric(
        "csat.satisfied_share",
        _("Satisfaction rate"),
        "%",
        True,
        ("满意度", "满意率", "好评率", "satisfaction", "csat"),
    ),
    Metric(
        "tickets.complaint_rate",
        _("Complaint rate"),
        "%",
        False,
        ("投诉率", "有效投诉率", "complaint rate", "complaints rate"),
    ),
    Metric(
        "complaints.followup_rate",
        _("Follow-up rate"),
        "%",
        True,
        ("回访率", "回访完成率", "follow-up rate", "follow up rate"),
    ),
    Metric(
        "",
        _("Error rate"),
        "%",
        False,
        ("差错率", "错误率", "出错率", "error rate"),
    ),
    Metric(
        "tickets.resolution_time.mean",
        _("Mean handling time"),
        "分钟",
        False,
        ("平均处理时长", "平均处理时间", "平均解决时长", "平均解决时间", "平均办结时长",
         "mean handling time", "average handling time", "aht"),
    ),
    Metric(
        "tickets.first_response.mean",
        _("Mean response time"),
        "分钟",
        False,
        ("平均响应时长", "平均响应时间", "平均应答时长", "mean response time",
         "average response time"),
    ),
)  # fmt: skip

MEASURED: tuple[Metric, ...] = tuple(m for m in METRICS if m.key)
KEYS: tuple[str, ...] = tuple(m.key for m in MEASURED)
BY_KEY: dict[str, Metric] = {m.key: m for m in MEASURED}
KpiMetric = enum.StrEnum(  # type: ignore[misc]
    "KpiMetric", {m.key.upper().replace(".", "_"): m.key for m in MEASURED}
)
CHOICES: list[tuple[str, object]] = [(m.key, m.label) for m in MEASURED]

# The first release's keys, and the registry key each became (migration 0008).
RENAMED: dict[str, str] = {
    "first_contact_resolution": "tickets.first_contact_resolution_rate",
    "response_on_time": "sla.response.met_rate",
    "resolution_on_time": "sla.resolution.met_rate",
    "resolution_rate": "tickets.resolution_rate",
    "on_time_completion": "routines.on_time_rate",
    "satisfaction": "csat.satisfied_share",
    "complaint_rate": "tickets.complaint_rate",
    "follow_up_rate": "complaints.followup_rate",
    "error_rate": "",  # recognised, not measured
    "mean_handling_minutes": "tickets.resolution_time.mean",
    "mean_response_minutes": "tickets.first_response.mean",
}

# Longest words first, so 一次解决率 wins over 解决率 and 响应及时率 over 响应率.
_WORDS: list[tuple[str, Metric]] = sorted(
    ((w.casefold(), m) for m in METRICS for w in m.words), key=lambda pair: -len(pair[0])
)

# A key written after a KPI, in brackets: 首次响应及时率≥98% [sla.response.met_rate].
KEY_SUFFIX = re.compile(r"\s*[\[【［]\s*(?P<key>[A-Za-z][A-Za-z0-9_.-]*)\s*[\]】］]\s*$")


def match_metric(name: str) -> Metric | None:
    """The metric a KPI's name speaks of, or None. The longest matching word wins; a word
    recognised but not measured gives a metric whose key is ""."""
    folded = name.casefold()
    for word, metric in _WORDS:
        if word in folded:
            return metric
    return None


def get(key: str) -> Metric | None:
    return BY_KEY.get(key)


def split_key(text: str) -> tuple[str, str | None]:
    """``首次响应及时率≥98% [sla.response.met_rate]`` → (the text before, the key); a text with
    no key in brackets at its end → (the text, None). The key is not checked here."""
    match = KEY_SUFFIX.search(text)
    if not match:
        return text, None
    return text[: match.start()].rstrip(), match["key"]


def with_key(text: str, key: str) -> str:
    """The KPI's text with its key written after it: what ``split_key`` reads back."""
    return f"{text} [{key}]" if key else text
