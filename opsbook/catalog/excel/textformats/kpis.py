"""KPIs: a name, at least or at most, a target with its unit, and a remark.

学员满意度≥95%；平均响应时长≤30秒（每月统计）
"""

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from ...choices import KpiDirection
from .common import TextFormatError, alternation, peel_parentheses, split_entries

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
_NUMBER = r"(?P<target>\d+(?:\.\d+)?)"
_UNIT = r"(?P<unit>[^\d≥≤<>＜＞]*?)"
_AFTER = rf"(?P<after>{alternation(_AT_LEAST_AFTER + _AT_MOST_AFTER)})?"
_KPI_WITH_OPERATOR = re.compile(
    rf"^(?P<name>.+?)\s*(?P<op>{alternation(_AT_LEAST_OPS + _AT_MOST_OPS)})\s*{_NUMBER}\s*"
    rf"{_UNIT}\s*{_AFTER}$"
)
_KPI_WITH_WORD_AFTER = re.compile(
    rf"^(?P<name>.+?)\s*{_NUMBER}\s*{_UNIT}\s*"
    rf"(?P<after>{alternation(_AT_LEAST_AFTER + _AT_MOST_AFTER)})$"
)


class KpiSpec(NamedTuple):
    name: str
    target: Decimal
    unit: str = ""
    direction: str = KpiDirection.AT_LEAST
    description: str = ""


def _parse_kpi(entry: str) -> KpiSpec:
    body, groups = peel_parentheses(entry)
    if len(groups) > 1:
        raise TextFormatError(
            _("%(text)s: only one remark in brackets is allowed.") % {"text": entry}
        )
    match = _KPI_WITH_OPERATOR.match(body) or _KPI_WITH_WORD_AFTER.match(body)
    if not match:
        raise TextFormatError(
            _("%(text)s: write a KPI as name, ≥ or ≤ and a target, e.g. 学员满意度≥95%%.")
            % {"text": entry}
        )
    op = match.groupdict().get("op")
    if op:
        direction = KpiDirection.AT_LEAST if op in _AT_LEAST_OPS else KpiDirection.AT_MOST
    else:
        after = match["after"]
        direction = KpiDirection.AT_LEAST if after in _AT_LEAST_AFTER else KpiDirection.AT_MOST
    try:
        target = Decimal(match["target"])
    except InvalidOperation:
        raise TextFormatError(
            _("%(text)s: the target is not a number.") % {"text": entry}
        ) from None
    exponent = target.normalize().as_tuple().exponent
    if target >= 10**10 or not isinstance(exponent, int) or exponent < -4:
        raise TextFormatError(
            _("%(text)s: a target has at most 10 digits before the point and 4 after.")
            % {"text": entry}
        )
    name, unit = match["name"].strip(), match["unit"].strip()
    if len(name) > 100 or len(unit) > 20:
        raise TextFormatError(
            _("%(text)s: a KPI name is at most 100 characters and a unit at most 20.")
            % {"text": entry}
        )
    return KpiSpec(
        name=name,
        target=target,
        unit=unit,
        direction=direction,
        description=groups[0] if groups else "",
    )


def parse_kpis(text: str) -> tuple[KpiSpec, ...]:
    return tuple(_parse_kpi(entry) for entry in split_entries(text))


def format_kpi(spec: KpiSpec) -> str:
    op = "≥" if spec.direction == KpiDirection.AT_LEAST else "≤"
    text = f"{spec.name}{op}{format(spec.target.normalize(), 'f')}{spec.unit}"
    return text + (f"（{spec.description}）" if spec.description else "")


def format_kpis(specs) -> str:
    return "；".join(format_kpi(s) for s in specs)
