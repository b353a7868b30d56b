"""Demo data: the service checklist of an online-education operations team (在线教育运营团队).

``load_demo()`` is idempotent: people are found by username, teams by name, customers by code,
categories by name under their parent, items and content by code; whatever exists is left as it
is. Every catalog row is written through ``opsbook.catalog.services`` by the operations manager,
so the audit trail reads like real use (source "demo").
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from opsbook.accounts.access import can_manage_catalog
from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.calendars.sync import do_sync_china_calendar
from opsbook.catalog import services
from opsbook.catalog.choices import (
    Channel,
    DeliveryMode,
    KpiDirection,
    Priority,
    ResourceKind,
    Status,
    Tier,
    TimeBasis,
)
from opsbook.catalog.models import (
    Category,
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)
from opsbook.tickets.demo import load_demo_tickets

PASSWORD = "opsbook-demo"
SOURCE = "demo"

CUSTOMERS = [
    ("xinghuo", "星火教育集团", "华东地区 K12 连锁教育机构，合作 3 年，按月结算。"),
    ("mingyuan", "明远实验学校", "民办完全中学，2026 年春季起使用直播课堂。"),
]

# username, display name, role, team, customer code, extra fields
PEOPLE = [
    ("admin", "系统管理员", Role.ADMIN, None, None, {"is_superuser": True}),
    ("manager", "王芳", Role.MANAGER, "课程运营部", None, {"first_name": "芳", "last_name": "王"}),
    ("alice", "张三", Role.AGENT, "学员服务部", None, {}),
    ("bob", "李四", Role.AGENT, "市场部", None, {}),
    ("carol", "赵敏", Role.AGENT, "技术支持部", None, {}),
    ("viewer", "刘洋", Role.VIEWER, None, None, {}),
    ("chenjing", "陈静", Role.CUSTOMER, None, "xinghuo", {}),
    ("zhouqiang", "周强", Role.CUSTOMER, None, "mingyuan", {}),
]

# name, lead, description
TEAMS = [
    ("课程运营部", "manager", "课程设计、更新与排课。"),
    ("学员服务部", "alice", "招生咨询、学籍、学习跟踪与客户服务。"),
    ("技术支持部", "carol", "学习平台、直播课堂与故障处理。"),
    ("市场部", "bob", "招生活动与新媒体渠道。"),
]

CATEGORIES = [
    ("课程开发", ["课程设计", "课程更新"]),
    ("学员管理", ["招生与注册", "学习跟踪"]),
    ("技术支持", ["平台运维", "故障处理"]),
    ("客户服务", ["热线与在线客服", "投诉与回访"]),
    ("市场推广", ["活动策划", "渠道运营"]),
]

WORKDAYS = "工作日 9:00–18:00"
ALWAYS = "7×24"
NEXT_BUSINESS_DAY = 9 * 60  # one working day of 9:00–18:00, in business minutes


def owners(*names: str) -> list[tuple[str, bool]]:
    """Owner names (usernames or team names); the first one is the primary owner."""
    return [(name, i == 0) for i, name in enumerate(names)]


def standard(
    channel, response=None, resolution=None, *, priority="", basis=TimeBasis.BUSINESS, text=""
):
    return ServiceStandard(
        channel=channel,
        priority=priority,
        response_minutes=response,
        resolution_minutes=resolution,
        time_basis=basis,
        description=text,
    )


def kpi(name, target, unit="%", direction=KpiDirection.AT_LEAST, text=""):
    return Kpi(name=name, target=Decimal(target), unit=unit, direction=direction, description=text)


def checkpoint(due: str, title: str, done: bool = False):
    return Checkpoint(due_date=date.fromisoformat(due), title=title, done=done)


def resource(kind, text):
    return Resource(kind=kind, description=text)


@dataclass
class Content:
    code: str
    name: str
    frequency: str
    description: str = ""
    owners: list = field(default_factory=list)
    standards: list = field(default_factory=list)
    kpis: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    resources: list = field(default_factory=list)
    notes: str = ""


@dataclass
class Item:
    code: str
    category: tuple[str, str]
    name: str
    frequency: str
    description: str
    owners: list
    contents: list[Content]
    tier: str = Tier.BASIC
    service_hours: str = WORKDAYS
    delivery_mode: str = DeliveryMode.REMOTE
    target_customers: str = "全体学员"
    region: str = "全国"
    review_cycle_months: int | None = 12
    review_in_days: int | None = None
    standards: list = field(default_factory=list)
    kpis: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    resources: list = field(default_factory=list)
    notes: str = ""
    status: str = Status.ACTIVE
    start_date: str | None = "2026-01-01"


def service_items() -> list[Item]:
    """The checklist. ``review_in_days`` is counted from the day the demo is loaded (negative:
    the review is overdue), so "due for review" always has something to show."""
    return [
        # --- 课程开发 -------------------------------------------------------------------------
        Item(
            "DEV-001",
            ("课程开发", "课程设计"),
            "新课程设计与开发",
            "每季度",
            "按季度规划并开发新课程，从需求调研到课件上线。",
            owners("manager", "课程运营部"),
            tier=Tier.ADVANCED,
            review_cycle_months=6,
            review_in_days=45,
            kpis=[kpi("课程完课率", "80", text="新课程上线首期学员的完课比例")],
            checkpoints=[
                checkpoint("2026-03-31", "春季新课上线", done=True),
                checkpoint("2026-08-25", "秋季新课上线", done=True),
                checkpoint("2026-12-20", "寒假集训课程定稿"),
            ],
            resources=[
                resource(ResourceKind.PEOPLE, "课程设计师 3 人，学科顾问 2 人（兼职）"),
                resource(ResourceKind.BUDGET, "年度课程开发预算 20 万元"),
                resource(ResourceKind.TOOL, "希沃白板、剪映专业版"),
            ],
            notes="经验教训：2025 年秋季新课因样课试听不足导致首月退课率偏高，"
            "现要求每门新课上线前至少完成两轮样课试听。",
            contents=[
                Content(
                    "DEV-001-01",
                    "学员需求调研",
                    "每季度",
                    "问卷与访谈，覆盖在读及潜在学员。",
                    owners=owners("manager"),
                ),
                Content(
                    "DEV-001-02",
                    "课程大纲评审",
                    "每季度",
                    "教研组与学科顾问联合评审。",
                    owners=owners("manager", "课程运营部"),
                    checkpoints=[checkpoint("2026-06-15", "秋季课程大纲评审会", done=True)],
                ),
                Content(
                    "DEV-001-03",
                    "课件与微课制作",
                    "按需",
                    "按评审通过的大纲制作课件、微课视频。",
                    owners=owners("课程运营部"),
                ),
            ],
        ),
        Item(
            "DEV-002",
            ("课程开发", "课程更新"),
            "课程内容更新维护",
            "每月",
            "根据教材变化、学员反馈和错误报告持续更新在售课程。",
            owners("课程运营部", "manager"),
            review_cycle_months=6,
            review_in_days=-12,
            kpis=[kpi("勘误处理及时率", "95", text="勘误自登记起 5 个工作日内修订上线")],
            contents=[
                Content(
                    "DEV-002-01",
                    "勘误修订",
                    "每周",
                    "汇总本周勘误并修订课件。",
                    owners=owners("课程运营部"),
                ),
                Content(
                    "DEV-002-02",
                    "学员反馈整理",
                    "每两周",
                    "整理课程评价与答疑中的共性问题。",
                    owners=owners("alice", "学员服务部"),
                ),
                Content(
                    "DEV-002-03",
                    "教材版本同步",
                    "每半年",
                    "对照新版教材调整章节与习题。",
                    owners=owners("manager"),
                ),
            ],
        ),
        Item(
            "DEV-003",
            ("课程开发", "课程更新"),
            "直播课排课",
            "每周",
            "安排下周直播课时间、讲师与教室，并通知学员。",
            owners("manager", "课程运营部"),
            review_cycle_months=3,
            review_in_days=20,
            contents=[
                Content(
                    "DEV-003-01",
                    "下周课表发布",
                    "每周",
                    "每周五 17:00 前发布下周课表。",
                    owners=owners("manager"),
                ),
                Content(
                    "DEV-003-02",
                    "讲师排班确认",
                    "每周一、三、五",
                    "与讲师确认课时与备课进度。",
                    owners=owners("课程运营部"),
                ),
                Content(
                    "DEV-003-03",
                    "临时调课通知",
                    "按需",
                    "讲师请假或平台故障时调课并通知学员。",
                    owners=owners("alice"),
                    standards=[
                        standard(
                            Channel.PORTAL, response=240, text="调课确定后 4 小时内发出站内通知"
                        )
                    ],
                ),
            ],
        ),
        # --- 学员管理 -------------------------------------------------------------------------
        Item(
            "STU-001",
            ("学员管理", "招生与注册"),
            "招生咨询与报名",
            "工作日每天",
            "解答报名咨询，审核报名资料，确认缴费并开通课程。",
            owners("alice", "学员服务部", "bob"),
            review_cycle_months=6,
            review_in_days=-3,
            standards=[
                standard(Channel.PHONE, response=5, text="工作时间内 5 分钟内接听或回电"),
                standard(Channel.CHAT, response=1, text="在线咨询 1 分钟内首次回复"),
            ],
            kpis=[
                kpi("首次响应及时率", "98"),
                kpi("咨询转化率", "25", text="咨询后 30 天内报名的比例"),
            ],
            checkpoints=[
                checkpoint("2026-02-20", "春季招生咨询高峰排班", done=True),
                checkpoint("2026-08-15", "秋季招生咨询高峰排班", done=True),
            ],
            resources=[resource(ResourceKind.PEOPLE, "咨询顾问 4 人，招生高峰期增派 2 人")],
            contents=[
                Content("STU-001-01", "报名咨询接待", "工作日每天", owners=owners("alice")),
                Content(
                    "STU-001-02",
                    "报名资料审核",
                    "每日",
                    "核对身份信息与入学测试结果。",
                    owners=owners("学员服务部"),
                ),
                Content(
                    "STU-001-03",
                    "缴费确认与开课",
                    "每日",
                    "到账后 1 个工作日内开通课程权限。",
                    owners=owners("alice"),
                    standards=[
                        standard(
                            Channel.PORTAL,
                            resolution=NEXT_BUSINESS_DAY,
                            text="到账后下一个工作日内开通课程",
                        )
                    ],
                ),
            ],
        ),
        Item(
            "STU-002",
            ("学员管理", "招生与注册"),
            "学籍注册与分班",
            "每月",
            "为新学员建立学籍档案，按测试成绩和上课时间分班。",
            owners("学员服务部", "alice"),
            review_in_days=120,
            contents=[
                Content(
                    "STU-002-01",
                    "学籍建档",
                    "每月5日前",
                    "上月新报名学员的学籍资料归档。",
                    owners=owners("alice"),
                ),
                Content(
                    "STU-002-02",
                    "分班与调班",
                    "每两周",
                    "依据测评与学员申请调整班级。",
                    owners=owners("学员服务部"),
                ),
            ],
        ),
        Item(
            "STU-003",
            ("学员管理", "学习跟踪"),
            "学习进度跟踪",
            "每周",
            "跟踪学员到课、作业与测验情况，及时提醒并由班主任回访。",
            owners("alice", "学员服务部"),
            review_cycle_months=3,
            review_in_days=-40,
            kpis=[
                kpi("课程完课率", "80"),
                kpi("作业提交率", "90"),
            ],
            notes="学员反馈：提醒过于频繁会被视为骚扰，"
            "未完课提醒每周不超过两次，晚上 21:00 后不发送。",
            contents=[
                Content(
                    "STU-003-01",
                    "学习数据周报",
                    "每周",
                    "每周一发布上周到课与作业数据。",
                    owners=owners("alice"),
                ),
                Content(
                    "STU-003-02",
                    "未完课学员提醒",
                    "每周两次",
                    "短信与站内信提醒未完成课时的学员。",
                    owners=owners("学员服务部"),
                ),
                Content(
                    "STU-003-03",
                    "班主任电话回访",
                    "每月",
                    "对连续两周未到课的学员电话回访。",
                    owners=owners("alice", "bob"),
                ),
            ],
        ),
        Item(
            "STU-004",
            ("学员管理", "学习跟踪"),
            "学员满意度调查",
            "每季度",
            "每季度对在读学员和家长开展满意度调查，并跟进改进措施。",
            owners("manager", "学员服务部"),
            tier=Tier.ADVANCED,
            review_in_days=200,
            kpis=[kpi("学员满意度", "95", text="满意及非常满意的比例")],
            checkpoints=[
                checkpoint("2026-04-10", "第一季度满意度报告", done=True),
                checkpoint("2026-07-10", "第二季度满意度报告", done=True),
                checkpoint("2026-10-10", "第三季度满意度报告", done=True),
                checkpoint("2027-01-10", "第四季度满意度报告"),
            ],
            contents=[
                Content("STU-004-01", "问卷设计与发放", "每季度", owners=owners("alice")),
                Content("STU-004-02", "结果分析与报告", "每季度", owners=owners("manager")),
                Content(
                    "STU-004-03",
                    "改进措施跟进",
                    "每月",
                    "对低分项逐项落实责任人和完成时间。",
                    owners=owners("manager", "课程运营部"),
                ),
            ],
        ),
        # --- 技术支持 -------------------------------------------------------------------------
        Item(
            "TEC-001",
            ("技术支持", "平台运维"),
            "学习平台日常运维",
            "每日",
            "保障学习平台（网站、App、小程序）稳定运行。",
            owners("carol", "技术支持部"),
            tier=Tier.ADVANCED,
            service_hours=ALWAYS,
            review_cycle_months=6,
            review_in_days=30,
            standards=[
                standard(Channel.PORTAL, response=240, text="平台工单 4 小时内响应"),
            ],
            kpis=[kpi("系统可用性", "99.9", text="按月统计，不含计划内维护窗口")],
            resources=[
                resource(ResourceKind.PEOPLE, "运维工程师 2 人，7×24 轮值"),
                resource(ResourceKind.TOOL, "Prometheus 与 Grafana 监控、阿里云日志服务"),
                resource(ResourceKind.BUDGET, "云资源费用每月约 3.5 万元"),
            ],
            contents=[
                Content(
                    "TEC-001-01",
                    "系统巡检",
                    "每日",
                    "检查服务器、数据库与 CDN 状态。",
                    owners=owners("carol"),
                ),
                Content(
                    "TEC-001-02",
                    "数据备份与校验",
                    "每日",
                    "数据库全量备份并抽样校验可恢复性。",
                    owners=owners("技术支持部"),
                ),
                Content(
                    "TEC-001-03",
                    "安全补丁更新",
                    "每月",
                    "在周日凌晨维护窗口内完成。",
                    owners=owners("carol"),
                ),
                Content(
                    "TEC-001-04",
                    "容灾演练",
                    "每半年",
                    owners=owners("carol", "技术支持部"),
                    checkpoints=[
                        checkpoint("2026-05-16", "上半年容灾演练", done=True),
                        checkpoint("2026-11-28", "下半年容灾演练"),
                    ],
                ),
            ],
        ),
        Item(
            "TEC-002",
            ("技术支持", "平台运维"),
            "直播课堂技术保障",
            "每周一、三、五",
            "直播课开课前调试设备，课中监控音视频质量，课后上传回放。",
            owners("技术支持部", "carol"),
            service_hours="周一、三、五 18:30–21:30",
            review_in_days=-8,
            kpis=[kpi("直播卡顿率", "1", direction=KpiDirection.AT_MOST)],
            contents=[
                Content(
                    "TEC-002-01",
                    "课前设备调试",
                    "每周一、三、五",
                    "开课前 30 分钟完成讲师端调试。",
                    owners=owners("carol"),
                ),
                Content(
                    "TEC-002-02", "直播质量监控", "每周一、三、五", owners=owners("技术支持部")
                ),
                Content(
                    "TEC-002-03",
                    "课程回放上传",
                    "按需",
                    "课后 2 小时内上传回放。",
                    owners=owners("技术支持部"),
                ),
            ],
        ),
        Item(
            "TEC-003",
            ("技术支持", "故障处理"),
            "故障受理与处理",
            "按需",
            "受理平台、直播与账号故障，按优先级响应和解决，并定期复盘。",
            owners("carol", "技术支持部"),
            tier=Tier.ADVANCED,
            service_hours=ALWAYS,
            delivery_mode=DeliveryMode.HYBRID,
            review_cycle_months=3,
            review_in_days=10,
            standards=[
                standard(
                    Channel.PHONE,
                    15,
                    240,
                    priority=Priority.URGENT,
                    basis=TimeBasis.CALENDAR,
                    text="全站不可用或直播中断",
                ),
                standard(
                    Channel.PORTAL,
                    30,
                    480,
                    priority=Priority.HIGH,
                    basis=TimeBasis.CALENDAR,
                    text="核心功能受影响",
                ),
                standard(
                    Channel.PORTAL,
                    120,
                    1440,
                    priority=Priority.NORMAL,
                    text="个别用户受影响，有替代办法",
                ),
                standard(Channel.EMAIL, 240, 4320, priority=Priority.LOW, text="咨询与优化建议"),
                standard(
                    Channel.ONSITE, NEXT_BUSINESS_DAY, text="合作校区设备故障，下一个工作日上门"
                ),
            ],
            kpis=[
                kpi("故障按时解决率", "95"),
                kpi("紧急故障平均恢复时长", "120", unit="分钟", direction=KpiDirection.AT_MOST),
            ],
            notes="经验教训：2026 年 3 月直播中断 40 分钟，原因是证书过期未告警；"
            "已将证书到期检查加入每日巡检。",
            contents=[
                Content("TEC-003-01", "故障登记与分派", "按需", owners=owners("carol")),
                Content(
                    "TEC-003-02",
                    "故障复盘",
                    "每月",
                    "对紧急和高优先级故障编写复盘报告。",
                    owners=owners("carol", "manager"),
                ),
                Content("TEC-003-03", "常见问题库维护", "每两周", owners=owners("技术支持部")),
            ],
        ),
        # --- 客户服务 -------------------------------------------------------------------------
        Item(
            "CS-001",
            ("客户服务", "热线与在线客服"),
            "客服热线",
            "工作日每天",
            "400 客服热线，受理学员与家长的咨询、求助和投诉。",
            owners("学员服务部", "alice", "bob"),
            review_cycle_months=6,
            review_in_days=60,
            standards=[
                standard(Channel.PHONE, response=5, text="工作时间内来电 5 分钟内接听或回电")
            ],
            kpis=[
                kpi("平均响应时长", "30", unit="秒", direction=KpiDirection.AT_MOST),
                kpi("首次响应及时率", "98"),
                kpi("学员满意度", "95"),
            ],
            resources=[
                resource(ResourceKind.PEOPLE, "热线坐席 6 人，两班倒"),
                resource(ResourceKind.TOOL, "呼叫中心系统与通话录音质检"),
            ],
            notes="经验教训：开学第一周来电量约为平时的 2.5 倍，"
            "需提前两周增加排班并开启语音导航分流。",
            contents=[
                Content(
                    "CS-001-01",
                    "来电接听",
                    "工作日每天",
                    owners=owners("alice", "bob"),
                    kpis=[kpi("接通率", "95")],
                ),
                Content(
                    "CS-001-02",
                    "通话质检",
                    "每周",
                    "每周抽检 5% 通话录音。",
                    owners=owners("alice"),
                ),
                Content("CS-001-03", "话术与知识更新", "每月", owners=owners("学员服务部")),
            ],
        ),
        Item(
            "CS-002",
            ("客户服务", "热线与在线客服"),
            "在线客服与邮件支持",
            "每日",
            "官网、App 在线客服与客服邮箱。",
            owners("alice", "学员服务部"),
            service_hours="在线客服 每日 8:00–22:00；邮件 7×24 受理",
            review_in_days=150,
            standards=[
                standard(Channel.CHAT, response=1, text="在线咨询 1 分钟内首次回复"),
                standard(
                    Channel.EMAIL,
                    response=1440,
                    basis=TimeBasis.CALENDAR,
                    text="邮件 24 小时内回复",
                ),
                standard(Channel.PORTAL, response=240, text="留言与工单 4 小时内响应"),
            ],
            kpis=[kpi("首次响应及时率", "98"), kpi("学员满意度", "95")],
            contents=[
                Content("CS-002-01", "在线咨询", "每日", owners=owners("学员服务部")),
                Content("CS-002-02", "邮件回复", "每日", owners=owners("alice")),
                Content(
                    "CS-002-03",
                    "知识库更新",
                    "每两周",
                    "把高频问题整理成自助答案。",
                    owners=owners("alice", "carol"),
                ),
            ],
        ),
        Item(
            "CS-003",
            ("客户服务", "投诉与回访"),
            "投诉处理",
            "按需",
            "受理投诉，限时处理并回访，每月汇总分析。",
            owners("manager", "学员服务部"),
            tier=Tier.ADVANCED,
            review_cycle_months=3,
            review_in_days=-25,
            standards=[
                standard(Channel.PHONE, response=5, resolution=1440, text="投诉 5 分钟内响应"),
                standard(Channel.EMAIL, response=1440, resolution=2880, text="书面投诉"),
            ],
            kpis=[kpi("投诉回访率", "100"), kpi("投诉按时办结率", "95")],
            contents=[
                Content("CS-003-01", "投诉受理与分派", "按需", owners=owners("alice")),
                Content(
                    "CS-003-02",
                    "投诉回访",
                    "按需",
                    "办结后 3 个工作日内电话回访。",
                    owners=owners("manager"),
                ),
                Content("CS-003-03", "投诉分析月报", "每月5日前", owners=owners("manager")),
            ],
        ),
        Item(
            "CS-004",
            ("客户服务", "投诉与回访"),
            "重点客户服务与回访",
            "每季度",
            "面向合作学校与教育集团的专属服务：定期回访、年度评审和专属需求对接。",
            owners("manager", "alice", "学员服务部"),
            tier=Tier.CUSTOM,
            delivery_mode=DeliveryMode.HYBRID,
            region="华东",
            target_customers="星火教育集团、明远实验学校",
            review_in_days=90,
            standards=[
                standard(Channel.PHONE, response=5, text="专属客服热线"),
                standard(Channel.ONSITE, response=NEXT_BUSINESS_DAY, text="下一个工作日上门"),
            ],
            kpis=[kpi("学员满意度", "95"), kpi("投诉回访率", "100")],
            notes="特殊需求：星火教育集团要求每月 5 日前提供上月服务报告，并指定专属客服对接；"
            "明远实验学校的直播课只能安排在放学后（16:30 以后）。",
            contents=[
                Content(
                    "CS-004-01",
                    "季度回访",
                    "每季度",
                    owners=owners("manager"),
                    checkpoints=[
                        checkpoint("2026-03-25", "第一季度回访", done=True),
                        checkpoint("2026-06-24", "第二季度回访", done=True),
                        checkpoint("2026-09-24", "第三季度回访", done=True),
                        checkpoint("2026-12-23", "第四季度回访"),
                    ],
                ),
                Content(
                    "CS-004-02",
                    "年度服务评审",
                    "每年",
                    owners=owners("manager"),
                    checkpoints=[checkpoint("2026-12-30", "2026 年度服务评审会")],
                ),
                Content("CS-004-03", "服务月报", "每月5日前", owners=owners("alice")),
            ],
        ),
        # --- 市场推广 -------------------------------------------------------------------------
        Item(
            "MKT-001",
            ("市场推广", "活动策划"),
            "招生活动策划",
            "每季度",
            "策划并执行季度招生活动（公开课、体验营、校园宣讲）。",
            owners("bob", "市场部"),
            delivery_mode=DeliveryMode.HYBRID,
            review_in_days=75,
            kpis=[kpi("活动报名转化率", "15")],
            resources=[resource(ResourceKind.BUDGET, "每季度活动预算 8 万元")],
            checkpoints=[checkpoint("2026-07-01", "暑期体验营启动", done=True)],
            contents=[
                Content("MKT-001-01", "活动方案策划", "每季度", owners=owners("bob")),
                Content("MKT-001-02", "活动执行", "按需", owners=owners("市场部")),
                Content("MKT-001-03", "效果复盘", "每季度", owners=owners("bob", "manager")),
            ],
        ),
        Item(
            "MKT-002",
            ("市场推广", "渠道运营"),
            "新媒体渠道运营",
            "每日",
            "运营公众号、视频号与学员社群。",
            owners("bob", "市场部"),
            review_cycle_months=6,
            review_in_days=100,
            status=Status.DRAFT,
            kpis=[kpi("公众号月度新增关注", "3000", unit="人")],
            contents=[
                Content("MKT-002-01", "公众号推文", "每周两次", owners=owners("bob")),
                Content("MKT-002-02", "学员社群运营", "工作日每天", owners=owners("市场部")),
                Content("MKT-002-03", "渠道数据分析", "每周", owners=owners("bob")),
            ],
        ),
    ]


@dataclass
class Summary:
    users: int = 0
    teams: int = 0
    customers: int = 0
    categories: int = 0
    items: int = 0
    contents: int = 0
    tickets: int = 0

    @property
    def created_anything(self) -> bool:
        return any(vars(self).values())


class _Loader:
    def __init__(self, today: date):
        self.today = today
        self.summary = Summary()
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.categories: dict[tuple[str, str], Category] = {}
        self.actor: User | None = None

    def run(self) -> Summary:
        customers = {code: self._customer(code, name, notes) for code, name, notes in CUSTOMERS}
        for name, _lead, description in TEAMS:
            self.teams[name] = self._team(name, description)
        for username, label, role, team, customer, extra in PEOPLE:
            self.users[username] = self._user(
                username, label, role, self.teams.get(team), customers.get(customer), extra
            )
        for name, lead, _description in TEAMS:
            team = self.teams[name]
            if team.lead_id is None:
                team.lead = self.users[lead]
                team.save(update_fields=["lead"])
        # Services check their actor: a "manager" who exists without that role loads as the system.
        manager = self.users["manager"]
        self.actor = manager if can_manage_catalog(manager) else None
        for position, (root_name, children) in enumerate(CATEGORIES):
            root = self._category(root_name, None, position)
            for child_position, child_name in enumerate(children):
                self.categories[root_name, child_name] = self._category(
                    child_name, root, child_position
                )
        for position, item in enumerate(service_items()):
            self._item(item, position)
        return self.summary

    def _customer(self, code, name, notes) -> Customer:
        customer, created = Customer.objects.get_or_create(
            code=code, defaults={"name": name, "notes": notes}
        )
        self.summary.customers += created
        return customer

    def _team(self, name, description) -> Team:
        team, created = Team.objects.get_or_create(name=name, defaults={"description": description})
        self.summary.teams += created
        return team

    def _user(self, username, label, role, team, customer, extra) -> User:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        user = User(
            username=username,
            display_name=label,
            role=role,
            team=team,
            customer=customer,
            email=f"{username}@example.com",
            **extra,
        )
        user.set_password(PASSWORD)
        user.full_clean()
        user.save()
        self.summary.users += 1
        return user

    def _category(self, name, parent, position) -> Category:
        category = Category.objects.filter(name=name, parent=parent).first()
        if category is not None:
            return category
        self.summary.categories += 1
        return services.do_create_category(
            self.actor, name=name, parent=parent, sort_order=position, source=SOURCE
        )

    def _parts(self, spec) -> services.Parts:
        return services.Parts(
            owners=[self._owner(name, primary) for name, primary in spec.owners] or None,
            standards=spec.standards or None,
            kpis=spec.kpis or None,
            checkpoints=spec.checkpoints or None,
            resources=spec.resources or None,
        )

    def _owner(self, name: str, primary: bool) -> Ownership:
        if name in self.users:
            return Ownership(user=self.users[name], is_primary=primary)
        return Ownership(team=self.teams[name], is_primary=primary)

    def _item(self, spec: Item, position: int) -> None:
        item = ServiceItem.objects.filter(code=spec.code).first()
        if item is None:
            next_review = (
                self.today + timedelta(days=spec.review_in_days)
                if spec.review_in_days is not None
                else None
            )
            item = services.do_create_item(
                self.actor,
                parts=self._parts(spec),
                source=SOURCE,
                code=spec.code,
                category=self.categories[spec.category],
                name=spec.name,
                description=spec.description,
                frequency_text=spec.frequency,
                tier=spec.tier,
                service_hours=spec.service_hours,
                delivery_mode=spec.delivery_mode,
                target_customers=spec.target_customers,
                region=spec.region,
                review_cycle_months=spec.review_cycle_months,
                next_review_date=next_review,
                start_date=date.fromisoformat(spec.start_date) if spec.start_date else None,
                notes=spec.notes,
                status=spec.status,
                sort_order=position,
            )
            self.summary.items += 1
        for content_position, content in enumerate(spec.contents):
            if ServiceContent.objects.filter(code=content.code).exists():
                continue
            services.do_create_content(
                self.actor,
                item,
                parts=self._parts(content),
                source=SOURCE,
                code=content.code,
                name=content.name,
                description=content.description,
                frequency_text=content.frequency,
                notes=content.notes,
                status=spec.status,
                sort_order=content_position,
            )
            self.summary.contents += 1


@transaction.atomic
def load_demo(today: date | None = None) -> Summary:
    """Create whatever of the demo data is missing; returns what was created."""
    loader = _Loader(today or timezone.localdate())
    summary = loader.run()
    # The China business calendar (statutory holidays and 调休) that SLA clocks will run on.
    do_sync_china_calendar(actor=loader.actor, source="demo")
    summary.tickets = load_demo_tickets()
    return summary
