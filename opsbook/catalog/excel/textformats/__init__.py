"""Small grammars for the cells that hold several things: service standards, KPIs, checkpoints,
resources, plus dates and lists of names.

Each grammar has ``parse_*`` (text → tuple of specs, raising ``TextFormatError`` with a message a
user can act on) and ``format_*`` (specs → canonical text). ``format(parse(x))`` is the canonical
form of ``x`` and ``parse(format(specs)) == specs``. Specs are named tuples in the order of the
model's fields, so they compare equal to rows loaded with ``values_list``. Entries are separated
by ；, ; or a new line.

    服务标准  电话：响应≤5分钟，解决≤4小时（工作时间）；在线客服/紧急：响应≤1分钟（日历时间）
              邮件：响应≤24小时（工作时间）（日历：上海客服日历）（节假日顺延）
    考核指标  学员满意度≥95%；平均响应时长≤30秒（每月统计）
    检查点    2026-03-31 完成招生方案；2026-06-30 中期评估✓
    资源      人员：3名客服；预算：5万元/年；工具：工单系统

One module per grammar: ``common`` (the error, splitting, brackets, word lookups), ``dates``,
``durations``, ``standards``, ``kpis``, ``checkpoints``, ``resources``; this package re-exports
what the rest of the code uses, and ``PARSERS`` / ``FORMATTERS`` by part kind.
"""

from .checkpoints import CheckpointSpec, format_checkpoint, format_checkpoints, parse_checkpoints
from .common import (
    ENTRY_SEPARATOR,
    NAME_SEPARATOR,
    TextFormatError,
    join_entries,
    join_names,
    quote,
    split_entries,
    split_names,
)
from .dates import EXCEL_EPOCH, EXCEL_SERIALS, parse_date
from .durations import format_minutes
from .kpis import KpiSpec, format_kpi, format_kpis, parse_kpi, parse_kpis
from .resources import (
    RESOURCE_LABELS,
    RESOURCE_WORDS,
    ResourceSpec,
    format_resource,
    format_resources,
    parse_resources,
)
from .standards import (
    BASIS_LABELS,
    BASIS_WORDS,
    CALENDAR_LABEL,
    CALENDAR_WORDS,
    CHANNEL_LABELS,
    CHANNEL_WORDS,
    PRIORITY_LABELS,
    PRIORITY_WORDS,
    StandardSpec,
    format_standard,
    format_standards,
    parse_standard,
    parse_standards,
)

PARSERS = {
    "standards": parse_standards,
    "kpis": parse_kpis,
    "checkpoints": parse_checkpoints,
    "resources": parse_resources,
}
FORMATTERS = {
    "standards": format_standards,
    "kpis": format_kpis,
    "checkpoints": format_checkpoints,
    "resources": format_resources,
}

__all__ = [
    "BASIS_LABELS",
    "BASIS_WORDS",
    "CALENDAR_LABEL",
    "CALENDAR_WORDS",
    "CHANNEL_LABELS",
    "CHANNEL_WORDS",
    "ENTRY_SEPARATOR",
    "EXCEL_EPOCH",
    "EXCEL_SERIALS",
    "FORMATTERS",
    "NAME_SEPARATOR",
    "PARSERS",
    "PRIORITY_LABELS",
    "PRIORITY_WORDS",
    "RESOURCE_LABELS",
    "RESOURCE_WORDS",
    "CheckpointSpec",
    "KpiSpec",
    "ResourceSpec",
    "StandardSpec",
    "TextFormatError",
    "format_checkpoint",
    "format_checkpoints",
    "format_kpi",
    "format_kpis",
    "format_minutes",
    "format_resource",
    "format_resources",
    "format_standard",
    "format_standards",
    "join_entries",
    "join_names",
    "parse_checkpoints",
    "parse_date",
    "parse_kpi",
    "parse_kpis",
    "parse_resources",
    "parse_standard",
    "parse_standards",
    "quote",
    "split_entries",
    "split_names",
]
