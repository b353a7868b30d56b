"""The demo checklist, part one: 课程开发 and 学员管理."""

from opsbook.catalog.choices import (
    Channel,
    ResourceKind,
    Tier,
)

from .specs import (
    NEXT_BUSINESS_DAY,
    Content,
    Item,
    checkpoint,
    kpi,
    owners,
    resource,
    standard,
)


def learning_items() -> list[Item]:
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
    ]
