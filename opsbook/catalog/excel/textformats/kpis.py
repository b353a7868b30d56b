"""KPIs: first of all the team's own sentence (``text``); where it states a target, the name,
at least or at most, the target with its unit, a remark, and the metric it can be measured by.

学员满意度≥95%；平均响应时长≤30秒（每月统计）；学员满意度九成以上；差错率低于千分之一；按期完成

九成 = 90 %; 千分之一 = 0.1 %; 100% with no sign means at least 100 % (at most for a rate that
should stay low, such as 投诉率); 低于 / 不超过 / 以内 mean at most; 以上 / 不低于 / 达到 mean
at least. A KPI with no number is qualitative (target None).

The metric a KPI is measured by is found from the words of its name (``kpi_metrics``), or named
in brackets at the end: ``首次响应及时率≥98% [sla.response.met_rate]``; a key Opsbook does not
know is an error. The export writes the key back only where the words would not find it.
"""

import re
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from ... import kpi_metrics
from ...choices import KpiDirection
from ...kpi_metrics import Metric, match_metric
from .common import TextFormatError, alternation, join_entries, peel_parentheses, split_entries
from .numbers import NUMBER, percent_of_ratio, to_decimal

_AT_LEAST_OPS = (
    "≥",
    ">=",
    "＞＝",
    "＞=",
    ">＝",
    "大于等于",
    "不低于",
    "不少于",
    "不小于",
    "达到",
    "至少",
    ">",
    "＞",
    "高于",
    "大于",
)
_AT_MOST_OPS = (
    "≤",
    "<=",
    "＜＝",
    "＜=",
    "<＝",
    "小于等于",
    "不高于",
    "不超过",
    "不大于",
    "不多于",
    "至多",
    "<",
    "＜",
    "低于",
    "小于",
)
_AT_LEAST_AFTER = ("以上", "及以上")
_AT_MOST_AFTER = ("以内", "以下", "及以下", "之内")
_UNIT = r"(?P<unit>%|％|‰|[^\d≥≤<>＜＞=＝，,。；;以及之内上下（()）]{0,8}?)"
_AFTER_WORDS = alternation(_AT_LEAST_AFTER + _AT_MOST_AFTER)
_OPS = alternation(_AT_LEAST_OPS + _AT_MOST_OPS)
_VALUE = (
    rf"(?:(?P<ratio>[百千万])分之\s*(?P<numerator>{NUMBER})"
    rf"|(?P<target>{NUMBER})\s*(?P<tenths>成)?)"
)
_KPI = re.compile(
    rf"^(?P<name>.+?)\s*(?P<op>{_OPS})?\s*{_VALUE}\s*{_UNIT}\s*(?P<after>{_AFTER_WORDS})?\s*$"
)
_COMPARISON = re.compile(rf"(?P<op>{_OPS})\s*{_VALUE}")
# Words between a KPI's name and its comparison that are not part of the name.
_NAME_TAIL = re.compile(r"(?:应当|应该|必须|须|需|要|应|保持在|控制在|保持|维持在|在|为|达|均)+$")


class KpiSpec(NamedTuple):
    name: str
    target: Decimal | None  # None: a qualitative KPI
    unit: str = ""
    direction: str = KpiDirection.AT_LEAST
    description: str = ""
    metric: str = ""  # a key of kpi_metrics.METRICS, "" when none matches
    text: str = ""  # the KPI as written

    @property
    def is_qualitative(self) -> bool:
        return self.target is None


def _value(match: re.Match, entry: str) -> tuple[Decimal, str | None]:
    """The target and, for 九成 / 千分之一, its unit (%)."""
    if match["ratio"]:
        value = percent_of_ratio(match["ratio"], match["numerator"])
        unit: str | None = "%"
    else:
        value = to_decimal(match["target"])
        unit = "%" if match["tenths"] else None
        if value is not None and match["tenths"]:
            value *= 10
    if value is None:
        raise _Unreadable
    return value, unit


class _Unreadable(Exception):
    pass


def _direction(op: str | None, after: str | None, metric) -> str:
    if op:
        return KpiDirection.AT_LEAST if op in _AT_LEAST_OPS else KpiDirection.AT_MOST
    if after:
        return KpiDirection.AT_LEAST if after in _AT_LEAST_AFTER else KpiDirection.AT_MOST
    if metric is not None and not metric.higher_is_better:
        return KpiDirection.AT_MOST  # 投诉率1%: a rate that should stay low
    return KpiDirection.AT_LEAST  # 响应及时率100%: no sign means at least


def _check_contradiction(entry: str, body: str) -> None:
    """满意度≥95%且≤90%: a target that contradicts itself is an error."""
    lowest = highest = None
    for match in _COMPARISON.finditer(body):
        try:
            value, _unit = _value(match, entry)
        except _Unreadable:
            continue
        if match["op"] in _AT_LEAST_OPS:
            lowest = value if lowest is None else max(lowest, value)
        else:
            highest = value if highest is None else min(highest, value)
    if lowest is not None and highest is not None and lowest > highest:
        raise TextFormatError(
            _("%(text)s: the target contradicts itself (at least %(low)s and at most %(high)s).")
            % {
                "text": entry,
                "low": format(lowest.normalize(), "f"),
                "high": format(highest.normalize(), "f"),
            }
        )


def _check_size(entry: str, target: Decimal) -> None:
    exponent = target.normalize().as_tuple().exponent
    if abs(target) >= 10**10 or not isinstance(exponent, int) or exponent < -4:
        raise TextFormatError(
            _("%(text)s: a target has at most 10 digits before the point and 4 after.")
            % {"text": entry}
        )


def _qualitative(entry: str, body: str, chosen: Metric | None) -> KpiSpec:
    metric = chosen or match_metric(body)
    return KpiSpec(
        name=body[:100].strip() or entry[:100], target=None, metric=metric.key if metric else ""
    )


def _chosen_metric(entry: str) -> tuple[str, Metric | None]:
    """The KPI without the key written after it, and the metric of that key (None: no key)."""
    text, key = kpi_metrics.split_key(entry.strip())
    if key is None:
        return text, None
    metric = kpi_metrics.get(key)
    if metric is None:
        raise TextFormatError(
            _("%(text)s: %(key)s is not a metric Opsbook measures; known metrics: %(keys)s.")
            % {"text": entry, "key": key, "keys": ", ".join(kpi_metrics.KEYS)}
        )
    if not text:
        raise TextFormatError(_("%(text)s: write the KPI before its metric.") % {"text": entry})
    return text, metric


def parse_kpi(entry: str) -> KpiSpec:
    """One KPI as written: name, comparison, target and unit where it states them (九成以上,
    低于千分之一, ≥95%, 30分钟以内), else a qualitative KPI; the metric named in brackets at
    its end, else the one its words speak of. Raises TextFormatError when the target
    contradicts itself or cannot be stored, or the metric named is unknown. ``text`` is the KPI
    as written, without the metric's key."""
    entry, chosen = _chosen_metric(entry)
    body, groups = peel_parentheses(entry)
    description = groups[0] if len(groups) == 1 else ""
    if len(groups) > 1:
        body = entry
    _check_contradiction(entry, body)
    match = _KPI.match(body)
    if not match:
        return _qualitative(entry, body, chosen)._replace(text=entry)
    try:
        target, unit = _value(match, entry)
    except _Unreadable:
        return _qualitative(entry, body, chosen)._replace(text=entry)
    unit = unit or match["unit"].strip()
    if unit == "％":
        unit = "%"
    elif unit == "‰":
        target, unit = target / 10, "%"
    if unit and (len(unit) > 20 or not _plausible_unit(unit)):
        return _qualitative(entry, body, chosen)._replace(text=entry)
    name = match["name"].strip()
    if not (match["op"] or "").startswith(("≥", "≤", ">", "<", "＞", "＜")):
        # 满意度应达到95%: 应 is not part of the name (a name written before ≥ is kept whole).
        name = _NAME_TAIL.sub("", name).strip() or name
    if match["op"] and match["after"]:
        op_up = match["op"] in _AT_LEAST_OPS
        after_up = match["after"] in _AT_LEAST_AFTER
        if op_up != after_up:
            raise TextFormatError(
                _("%(text)s: the target contradicts itself (at least and at most).")
                % {"text": entry}
            )
    _check_size(entry, target)
    if len(name) > 100:
        return _qualitative(entry, body, chosen)._replace(text=entry)
    metric = chosen or match_metric(name)
    return KpiSpec(
        name=name,
        target=Decimal(int(target)) if target == target.to_integral_value() else target,
        unit=unit,
        direction=_direction(match["op"], match["after"], metric),
        description=description,
        metric=metric.key if metric else "",
        text=entry,
    )


def _plausible_unit(unit: str) -> bool:
    """A unit is short: %, 分钟, 次/月, 人次, 个工作日; not the rest of a sentence."""
    return len(unit) <= 6


def parse_kpis(text: str) -> tuple[KpiSpec, ...]:
    return tuple(parse_kpi(entry) for entry in split_entries(text))


def format_kpi(spec: KpiSpec) -> str:
    """The canonical text of a KPI that has no sentence of its own."""
    if spec.target is None:
        text = spec.name
    else:
        op = "≥" if spec.direction == KpiDirection.AT_LEAST else "≤"
        text = f"{spec.name}{op}{format(Decimal(spec.target).normalize(), 'f')}{spec.unit}"
    return text + (f"（{spec.description}）" if spec.description else "")


def canonical_text(spec: KpiSpec) -> str:
    return format_kpi(spec)


def format_kpis(specs) -> str:
    """The cell: each KPI's own text (quoted if it holds a separator), else its canonical text."""
    return join_entries(_text_of(s) for s in specs)


def _text_of(spec) -> str:
    """The KPI's text, with its metric's key where reading the text back would not find it."""
    spec = spec if isinstance(spec, KpiSpec) else KpiSpec(*spec)
    text = spec.text or format_kpi(spec)
    if spec.metric and _read_metric(text) != spec.metric:
        text = kpi_metrics.with_key(text, spec.metric)
    return text


def _read_metric(text: str) -> str | None:
    try:
        return parse_kpi(text).metric
    except TextFormatError:
        return None
