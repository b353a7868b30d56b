"""The demo checklist, part two: 技术支持, 客户服务 and 市场推广."""

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

from .specs import (
    ALWAYS,
    NEXT_BUSINESS_DAY,
    Content,
    Item,
    checkpoint,
    kpi,
    owners,
    resource,
    standard,
)


def operations_items() -> list[Item]:
    return [
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
