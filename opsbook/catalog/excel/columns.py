"""The checklist sheet's columns, declared once for the importer, the exporter and the template,
and how its file is opened (sheet names, limits). Headers are matched by ``core.tabular.headers``.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opsbook.core.tabular import headers as tabular
from opsbook.core.tabular.files import Limits
from opsbook.core.tabular.headers import normalize, words
from opsbook.core.tabular.reading import SheetRules

from ..choices import DeliveryMode, Status, Tier

__all__ = ["normalize", "words"]

SHEET_NAME = "服务清单"
HELP_SHEET_NAME = "说明"
SHEET_NAMES = ("服务清单", "服务内容清单", "运营服务清单", "清单", "service checklist", "checklist")
MAX_ROWS = 50_000
MAX_COLUMNS = 52  # up to column AZ
MAX_UNCOMPRESSED = 200 * 1024 * 1024


def sheet_rules() -> SheetRules:
    """How a checklist file is opened (read when called, so settings and tests apply)."""
    return SheetRules(
        names=SHEET_NAMES,
        limits=Limits(rows=MAX_ROWS, columns=MAX_COLUMNS, uncompressed=MAX_UNCOMPRESSED),
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=MAX_ROWS,
        ignored=(HELP_SHEET_NAME, "instructions", "readme", "help"),
    )


@dataclass(frozen=True, kw_only=True)
class Column(tabular.Column):
    level: str  # "category", "item", "row" or "ignored"
    # How a cell is read: line (one line), text, code, tier, status, delivery, months, date,
    # owners, ...
    kind: str
    item_field: str | None = None  # the ServiceItem field (or part kind) it fills
    content_field: str | None = None  # the ServiceContent field (or part kind) on a content row


def _category(level: int, zh: str, en: str, synonyms: tuple[str, ...], **kw: Any) -> Column:
    return Column(
        key=f"category{level}",
        zh=zh,
        en=en,
        level="category",
        kind="line",
        synonyms=synonyms,
        max_length=100,
        width=14,
        **kw,
    )


CATEGORY_COLUMNS = (
    _category(
        1,
        "一级分类",
        "Category",
        (
            "大类",
            "服务类别",
            "类别",
            "服务分类",
            "分类",
            "一级类别",
            "Category 1",
            "Level 1 category",
        ),
        required=True,
        help=_("Top-level category. Required; an empty cell repeats the row above."),
    ),
    _category(
        2,
        "二级分类",
        "Subcategory",
        ("子类", "小类", "二级类别", "Sub-category", "Category 2", "Level 2 category"),
        help=_("Category under the first level. Optional."),
    ),
    _category(
        3,
        "三级分类",
        "Category level 3",
        ("三级类别", "Category 3", "Level 3 category"),
        help=_("Category under the second level. Optional."),
    ),
    _category(
        4,
        "四级分类",
        "Category level 4",
        ("四级类别", "Category 4", "Level 4 category"),
        help=_("Category under the third level. Optional."),
    ),
    _category(
        5,
        "五级分类",
        "Category level 5",
        ("五级类别", "Category 5", "Level 5 category"),
        help=_("Category under the fourth level. Optional."),
    ),
)

ITEM_COLUMNS = (
    Column(
        "item_code",
        "项目编号",
        "Item code",
        level="item",
        kind="code",
        synonyms=("服务项目编号", "项目代码", "Item ID"),
        item_field="code",
        max_length=40,
        width=12,
        help=_("Empty for a new item: a code such as SVC-0001 is generated."),
    ),
    Column(
        "item_name",
        "服务项目",
        "Service item",
        level="item",
        kind="line",
        synonyms=("项目名称", "服务名称", "项目", "Item", "Item name", "Service"),
        item_field="name",
        max_length=200,
        required=True,
        width=20,
        help=_("The service item's name. Required."),
    ),
    Column(
        "item_description",
        "项目说明",
        "Item description",
        level="item",
        kind="text",
        synonyms=("项目描述", "服务说明", "服务描述"),
        item_field="description",
        width=30,
    ),
    Column(
        "tier",
        "服务层级",
        "Tier",
        level="item",
        kind="tier",
        synonyms=("层级", "服务等级", "Service tier"),
        item_field="tier",
        width=10,
        help=_("基础, 高级 or 定制 (basic, advanced, custom)."),
    ),
    Column(
        "target_customers",
        "服务对象",
        "Target customers",
        level="item",
        kind="line",
        synonyms=("目标客户", "服务客户", "客户对象", "Customers"),
        item_field="target_customers",
        max_length=200,
        width=16,
    ),
    Column(
        "service_hours",
        "服务时间",
        "Service hours",
        level="item",
        kind="line",
        synonyms=("服务时段", "Hours"),
        item_field="service_hours",
        max_length=100,
        width=16,
    ),
    Column(
        "delivery_mode",
        "服务方式",
        "Delivery",
        level="item",
        kind="delivery",
        synonyms=("交付方式", "服务形式", "Delivery mode"),
        item_field="delivery_mode",
        width=10,
        help=_("远程, 现场 or 远程+现场 (remote, on-site, hybrid)."),
    ),
    Column(
        "region",
        "服务区域",
        "Region",
        level="item",
        kind="line",
        synonyms=("区域", "服务范围", "Area"),
        item_field="region",
        max_length=100,
        width=12,
    ),
    Column(
        "item_owners",
        "项目负责人",
        "Item owners",
        level="item",
        kind="owners",
        synonyms=("项目责任人", "服务负责人", "Item owner"),
        item_field="owners",
        width=16,
        help=_(
            "Usernames, display names or team names separated by 、 or commas; the first is "
            "the primary owner."
        ),
    ),
    Column(
        "item_status",
        "项目状态",
        "Item status",
        level="item",
        kind="status",
        synonyms=("服务状态",),
        item_field="status",
        width=10,
        help=_("草稿, 启用 or 停用 (draft, active, retired)."),
    ),
    Column(
        "review_cycle_months",
        "复审周期（月）",
        "Review cycle (months)",
        level="item",
        kind="months",
        synonyms=("复审周期", "评审周期", "评审周期（月）", "Review cycle"),
        item_field="review_cycle_months",
        width=12,
    ),
    Column(
        "next_review_date",
        "下次复审日期",
        "Next review date",
        level="item",
        kind="date",
        synonyms=("下次评审日期", "复审日期", "Next review"),
        item_field="next_review_date",
        width=14,
    ),
)

ROW_COLUMNS = (
    Column(
        "content_code",
        "内容编号",
        "Content code",
        level="row",
        kind="code",
        synonyms=("服务内容编号", "Content ID"),
        content_field="code",
        max_length=40,
        width=14,
        help=_("Empty for new content: a code such as SVC-0001-01 is generated."),
    ),
    Column(
        "content_name",
        "服务内容",
        "Service content",
        level="row",
        kind="line",
        synonyms=("具体内容", "工作内容", "内容名称", "Content"),
        content_field="name",
        max_length=200,
        width=24,
        help=_("Empty: the row describes the service item itself."),
    ),
    Column(
        "content_description",
        "内容说明",
        "Content description",
        level="row",
        kind="text",
        synonyms=("内容描述", "工作说明", "Description"),
        item_field="description",
        content_field="description",
        width=30,
    ),
    Column(
        "frequency",
        "服务频率",
        "Frequency",
        level="row",
        kind="frequency",
        synonyms=("频次", "频率", "执行频率", "服务频次"),
        item_field="frequency_text",
        content_field="frequency_text",
        max_length=100,
        width=12,
        help=_("As the team writes it: 每日, 每周两次, 每月5日前, 按需 …"),
    ),
    Column(
        "owners",
        "责任人",
        "Owners",
        level="row",
        kind="owners",
        synonyms=("负责人", "执行人", "Owner"),
        item_field="owners",
        content_field="owners",
        width=16,
        help=_(
            "Usernames, display names or team names separated by 、 or commas; the first is "
            "the primary owner."
        ),
    ),
    Column(
        "standards",
        "服务标准",
        "Service standards",
        level="row",
        kind="standards",
        synonyms=("服务承诺", "响应标准", "SLA", "Standards"),
        item_field="standards",
        content_field="standards",
        width=36,
        help=_(
            "电话：响应≤5分钟，解决≤4小时（工作时间）；邮件：响应≤24小时（日历时间）；"
            "在线客服：响应≤1分钟（工作时间）（日历：上海客服日历）"
        ),
    ),
    Column(
        "kpis",
        "考核指标",
        "KPIs",
        level="row",
        kind="kpis",
        synonyms=("评价指标", "KPI", "绩效指标", "考核标准"),
        item_field="kpis",
        content_field="kpis",
        width=30,
        help=_("学员满意度≥95%；平均响应时长≤30秒"),
    ),
    Column(
        "start_date",
        "开始时间",
        "Start date",
        level="row",
        kind="date",
        synonyms=("开始日期", "起始日期", "Start"),
        item_field="start_date",
        content_field="start_date",
        width=12,
    ),
    Column(
        "end_date",
        "结束时间",
        "End date",
        level="row",
        kind="date",
        synonyms=("结束日期", "截止日期", "End"),
        item_field="end_date",
        content_field="end_date",
        width=12,
    ),
    Column(
        "checkpoints",
        "检查点",
        "Checkpoints",
        level="row",
        kind="checkpoints",
        synonyms=("里程碑", "关键节点", "Milestones"),
        item_field="checkpoints",
        content_field="checkpoints",
        width=30,
        help=_("2026-03-31 完成招生方案；2026-06-30 中期评估✓ (✓ means done)"),
    ),
    Column(
        "resources",
        "资源",
        "Resources",
        level="row",
        kind="resources",
        synonyms=("所需资源", "资源需求", "资源配置"),
        item_field="resources",
        content_field="resources",
        width=30,
        help=_("人员：3名客服；预算：5万元/年；工具：工单系统"),
    ),
    Column(
        "notes",
        "备注",
        "Notes",
        level="row",
        kind="text",
        synonyms=("经验总结", "Remarks", "Note"),
        item_field="notes",
        content_field="notes",
        width=20,
    ),
    Column(
        "status",
        "状态",
        "Status",
        level="row",
        kind="status",
        synonyms=("内容状态", "Content status"),
        item_field="status",
        content_field="status",
        width=8,
        help=_("草稿, 启用 or 停用 (draft, active, retired)."),
    ),
)

IGNORED_COLUMNS = (
    Column(
        "row_number",
        "序号",
        "No.",
        ("行号", "#", "No"),
        level="ignored",
        kind="ignored",
        ignored=True,
    ),
    # Written by the export beside 考核指标, read by people, never imported: the actual of each
    # measured KPI this month and whether it met its target, in the order of the KPI cell.
    Column(
        "kpi_actuals",
        "本月实际",
        "KPI actual this month",
        ("实际值", "本月实际值", "考核指标本月实际", "KPI actual", "Actual this month"),
        level="ignored",
        kind="ignored",
        ignored=True,
        width=18,
        help=_("Written by the export: each measured KPI's value this month. Not imported."),
    ),
    Column(
        "kpi_status",
        "达标状态",
        "KPI status",
        ("考核状态", "指标状态", "本月达标", "KPI status", "Target met"),
        level="ignored",
        kind="ignored",
        ignored=True,
        width=14,
        help=_("Written by the export: 达标, 未达标 or 无数据 per measured KPI. Not imported."),
    ),
)

COLUMNS = CATEGORY_COLUMNS + ITEM_COLUMNS + ROW_COLUMNS + IGNORED_COLUMNS
BY_KEY = {c.key: c for c in COLUMNS}

HEADERS = tabular.Headers(COLUMNS)


def column_for_header(label: str) -> Column | None:
    return HEADERS.match(label)


TIER_WORDS: dict[str, tuple[str, ...]] = {
    Tier.BASIC: ("基础", "基础服务", "基本", "标准"),
    Tier.ADVANCED: ("高级", "增值", "增值服务", "高级服务"),
    Tier.CUSTOM: ("定制", "定制服务", "个性化"),
}
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: ("草稿", "待启用", "筹备"),
    Status.ACTIVE: ("启用", "有效", "在用", "生效", "正常", "进行中"),
    Status.RETIRED: ("停用", "已停用", "退役", "废止", "inactive"),
}
DELIVERY_WORDS: dict[str, tuple[str, ...]] = {
    DeliveryMode.REMOTE: ("远程", "线上", "在线", "online"),
    DeliveryMode.ONSITE: ("现场", "线下", "上门", "on-site", "on site"),
    DeliveryMode.HYBRID: (
        "远程+现场",
        "远程和现场",
        "远程/现场",
        "现场+远程",
        "线上+线下",
        "混合",
        "both",
        "remote+onsite",
        "remote and on-site",
    ),
}
ENUM_WORDS: dict[str, dict[str, str]] = {
    "tier": words(TIER_WORDS),
    "status": words(STATUS_WORDS),
    "delivery": words(DELIVERY_WORDS),
}
# The word the exporter writes for each stored value.
ENUM_LABELS: dict[str, dict[str, str]] = {
    "tier": {v: ws[0] for v, ws in TIER_WORDS.items()},
    "status": {v: ws[0] for v, ws in STATUS_WORDS.items()},
    "delivery": {v: ws[0] for v, ws in DELIVERY_WORDS.items()},
}
