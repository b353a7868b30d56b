"""The columns of a ticket history file and the words accepted in them, declared once.

Headers are matched by ``core.tabular.headers`` (its Chinese name, English name or a synonym,
ignoring spaces, case, full-width forms and required marks); values of the enumerated columns
are compared in the same normalized form.
"""

from opsbook.catalog.excel.textformats import CHANNEL_WORDS, PRIORITY_WORDS
from opsbook.core.tabular.headers import Column, Headers, normalize, words

from ..choices import Status, TicketType

TICKET_SHEET_NAMES = ("工单", "工单列表", "工单记录", "历史工单", "tickets", "ticket")
STATUS_SHEET_NAMES = (
    "状态变更",
    "状态记录",
    "状态历史",
    "状态变更记录",
    "status changes",
    "status history",
    "statuses",
)
IGNORED_SHEET_NAMES = ("说明", "instructions", "readme", "help")


EXTERNAL_ID_NAMES = (
    "工单编号", "工单号", "单号", "原编号", "原工单号", "外部编号", "ID", "ticket id", "ticket no",
    "ticket number", "number", "external id",
)  # fmt: skip

TICKET_COLUMNS = (
    Column("external_id", "编号", "External ID", EXTERNAL_ID_NAMES, required=True, max_length=64),
    Column(
        "title", "标题", "Title", ("主题", "工单标题", "问题标题", "摘要", "subject", "summary"),
        required=True, max_length=200,
    ),
    Column(
        "description", "描述", "Description",
        ("问题描述", "详细描述", "工单内容", "内容", "详情", "details"),
    ),
    Column("type", "类型", "Type", ("工单类型", "问题类型", "ticket type")),
    Column(
        "channel", "渠道", "Channel", ("来源渠道", "受理渠道", "反馈渠道", "来源", "source"),
        required=True,
    ),
    Column("priority", "优先级", "Priority", ("紧急程度", "紧急度", "级别")),
    Column(
        "item", "服务项目", "Service item",
        ("服务", "服务项目编号", "项目编号", "服务项目名称", "项目", "service", "item", "item code",
         "service code"),
    ),
    Column(
        "customer", "客户", "Customer",
        ("客户名称", "客户编号", "客户单位", "单位", "机构", "组织", "organisation", "organization",
         "customer code", "customer name"),
    ),
    Column(
        "created_at", "创建时间", "Created at",
        ("创建日期", "提交时间", "登记时间", "开单时间", "报告时间", "created", "opened",
         "opened at", "submitted at", "created time"),
        required=True,
    ),
    Column(
        "first_response_at", "首次响应时间", "First response at",
        ("响应时间", "首次回复时间", "首响时间", "first response", "first response time",
         "responded at"),
    ),
    Column(
        "resolved_at", "解决时间", "Resolved at",
        ("完成时间", "处理完成时间", "解决日期", "resolved", "resolution time", "solved at"),
    ),
    Column(
        "closed_at", "关闭时间", "Closed at",
        ("结案时间", "关单时间", "关闭日期", "closed", "closed time"),
    ),
    Column(
        "assignee", "处理人", "Assignee",
        ("负责人", "经办人", "受理人", "处理人员", "assigned to", "owner", "agent"),
    ),
    Column(
        "rating", "满意度", "Satisfaction",
        ("满意度评分", "评分", "客户评分", "rating", "satisfaction rating", "CSAT", "score"),
    ),
    Column(
        "rating_comment", "满意度评价", "Satisfaction comment",
        ("评价内容", "客户评价", "评价说明", "rating comment"),
    ),
    Column("row_number", "序号", "No.", ("行号", "#", "No"), ignored=True),
)  # fmt: skip

STATUS_COLUMNS = (
    Column("external_id", "编号", "External ID", EXTERNAL_ID_NAMES, required=True, max_length=64),
    Column(
        "at", "时间", "At",
        ("变更时间", "状态变更时间", "操作时间", "发生时间", "日期时间", "changed at", "time",
         "timestamp", "date"),
        required=True,
    ),
    Column(
        "status", "新状态", "New status",
        ("状态", "变更后状态", "目标状态", "变更为", "status", "to status", "to"),
        required=True,
    ),
    Column(
        "from_status", "原状态", "Old status",
        ("变更前状态", "from status", "from", "previous status"),
        ignored=True,
    ),
    Column("note", "备注", "Note", ("说明", "原因", "comment", "remark"), max_length=1000),
    Column("row_number", "序号", "No.", ("行号", "#", "No"), ignored=True),
)  # fmt: skip


TICKET_HEADERS = Headers(TICKET_COLUMNS)
STATUS_HEADERS = Headers(STATUS_COLUMNS)


TYPE_WORDS: dict[str, tuple[str, ...]] = {
    TicketType.CONSULTATION: (
        "咨询/请求", "咨询", "请求", "服务请求", "咨询类", "问询", "consultation", "request",
        "service request", "question", "consultation/request",
    ),
    TicketType.INCIDENT: (
        "故障", "故障/事件", "事件", "报修", "故障报修", "incident", "fault", "fault/incident",
        "outage",
    ),
    TicketType.COMPLAINT: ("投诉", "complaint"),
    TicketType.SUGGESTION: (
        "建议", "建议/反馈", "反馈", "意见", "意见建议", "suggestion", "feedback",
        "suggestion/feedback",
    ),
}  # fmt: skip
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    Status.NEW: (
        "新建", "新", "新工单", "待受理", "未受理", "待处理", "已创建", "创建", "new", "created",
    ),
    Status.ACKNOWLEDGED: (
        "已受理", "受理", "已确认", "确认", "已接单", "接单", "已分派", "已派单", "acknowledged",
        "accepted", "assigned",
    ),
    Status.IN_PROGRESS: (
        "处理中", "进行中", "正在处理", "跟进中", "重新打开", "重开", "已重开", "in progress",
        "processing", "working", "reopened",
    ),
    Status.WAITING: (
        "等待客户", "等待客户反馈", "待客户反馈", "待反馈", "等待中", "等待", "挂起", "暂停",
        "waiting", "waiting on customer", "waiting for customer", "pending", "on hold", "paused",
    ),
    Status.RESOLVED: (
        "已解决", "解决", "已处理", "处理完成", "已完成", "完成", "resolved", "solved", "done",
        "fixed",
    ),
    Status.CLOSED: (
        "已关闭", "关闭", "已关单", "关单", "结案", "已结案", "办结", "已办结", "归档", "已归档",
        "closed",
    ),
    Status.CANCELLED: (
        "已取消", "取消", "作废", "已作废", "撤销", "已撤销", "无效", "cancelled", "canceled",
        "void", "withdrawn",
    ),
}  # fmt: skip
EXTRA_CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "phone": ("来电", "电话咨询"),
    "email": ("电邮",),
    "chat": ("在线客服", "网聊"),
    "portal": ("web portal", "客户门户", "自助门户"),
    "wecom": ("企微",),
    "onsite": ("现场服务", "on site"),
}

CHOICES: dict[str, dict[str, str]] = {
    "type": words(TYPE_WORDS),
    "channel": words(CHANNEL_WORDS) | words(EXTRA_CHANNEL_WORDS),
    "priority": words(PRIORITY_WORDS),
    "status": words(STATUS_WORDS),
}
# The words shown in "is not one of …" messages: the first Chinese word of each value.
CHOICE_LABELS = {
    "type": [ws[0] for ws in TYPE_WORDS.values()],
    "channel": [ws[0] for ws in CHANNEL_WORDS.values()],
    "priority": [ws[0] for ws in PRIORITY_WORDS.values()],
    "status": [ws[0] for ws in STATUS_WORDS.values()],
}


def choice(kind: str, text: str) -> str | None:
    """The stored value for a word of ``kind`` (type, channel, priority, status), or None."""
    return CHOICES[kind].get(normalize(text))
