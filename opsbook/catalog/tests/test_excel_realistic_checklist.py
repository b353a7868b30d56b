"""Issue 8: a checklist written the way an operations team writes it — not from our docs —
imports with zero errors. Standards and KPIs are kept verbatim; what states something measurable
is also read into structure; the rest is kept as text with a notice.

The workbook has 64 pieces of content under 16 service items, with merged category and item
cells, several owners per cell (、, ，, / and new lines) and the wording of real checklists.
"""

from decimal import Decimal

import pytest

from opsbook.accounts.models import Role
from opsbook.accounts.testing import make_user
from opsbook.catalog.choices import Channel, KpiDirection
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.models import Kpi, ServiceContent, ServiceItem, ServiceStandard

from .excel_helpers import run, xlsx

HEADER = ["序号", "服务类别", "服务项目", "服务内容", "服务频次", "负责人", "服务标准", "考核指标", "备注"]  # fmt: skip  # noqa: E501

# (category, item, [(content, frequency, owners, standard, kpi, remark), …])
CHECKLIST = [
    ("客户服务", "热线服务", [
        ("热线接听", "每天", "王芳、李娜", "7×24小时响应", "接通率不低于95%", ""),
        ("来电登记", "每天", "王芳", "电话：响应≤5分钟，解决≤4小时（工作时间）", "登记完整率100%", ""),  # noqa: E501
        ("疑难问题转派", "按需", "王芳，赵强", "紧急故障15分钟内响应", "一次解决率≥80%", ""),
        ("热线质检", "每周", "质检组", "每周抽检不少于20通", "质检合格率九成以上", "抽检录音"),
    ]),
    ("客户服务", "投诉处理", [
        ("投诉受理", "按需", "李娜", "投诉1个工作日内回复", "投诉率不超过1%", ""),
        ("投诉调查", "按需", "李娜/赵强", "3个工作日内给出处理意见", "按期完成", ""),
        ("投诉回访", "按需", "客服部", "3个工作日内回访", "回访率100%", ""),
        ("投诉分析报告", "每月", "李娜", "每月5日前提交月报", "按期完成", ""),
    ]),
    ("客户服务", "满意度调查", [
        ("问卷设计", "每季度", "刘洋", "问卷提前3天发布", "", ""),
        ("问卷发放", "每季度", "刘洋、陈静", "覆盖全部在读学员", "回收率不低于60%", ""),
        ("结果分析", "每季度", "刘洋", "调查结束后5个工作日内完成分析", "学员满意度九成以上", ""),
        ("改进跟踪", "每季度", "刘洋", "整改措施落实到人", "整改完成率100%", ""),
    ]),
    ("教学支持", "课程保障", [
        ("课前设备检查", "每次课前", "赵强", "课前30分钟完成检查", "设备故障率低于千分之一", ""),
        ("课中技术支持", "每次课", "赵强、孙磊", "接到报修后15分钟内到场", "", ""),
        ("课后教室整理", "每次课后", "后勤组", "服务态度良好", "", ""),
        ("教学资料发放", "每周", "陈静", "材料提前3天发布", "差错率低于千分之一", ""),
    ]),
    ("教学支持", "考务服务", [
        ("考场布置", "每学期", "后勤组、赵强", "考前1天完成布置", "按期完成", ""),
        ("监考安排", "每学期", "陈静", "每个考场监考不少于2人", "", ""),
        ("试卷印制", "每学期", "陈静", "试卷提前2天印制完毕并封存", "差错率为0", "保密"),
        ("成绩录入", "每学期", "陈静，刘洋", "考试结束后7天内录入", "录入准确率100%", ""),
    ]),
    ("教学支持", "学籍管理", [
        ("新生注册", "每学期", "陈静", "开学后2周内完成注册", "注册完成率100%", ""),
        ("学籍异动", "按需", "陈静", "3个工作日内办结", "办结率100%", ""),
        ("证明开具", "按需", "陈静、刘洋", "当天办理", "服务态度良好", ""),
        ("档案归档", "每年", "陈静", "每年6月30日前归档", "按期完成", ""),
    ]),
    ("IT运维", "网络保障", [
        ("网络巡检", "每天", "孙磊", "每日巡检两次", "网络可用率≥99.9%", ""),
        ("故障处理", "按需", "孙磊、技术支持部", "工作日2小时内响应，24小时内解决", "故障解决率≥98%", ""),  # noqa: E501
        ("重大故障应急", "按需", "孙磊\n赵强", "7x24小时服务，重大故障半小时内响应，4小时内恢复", "", ""),  # noqa: E501
        ("网络设备维护", "每月", "孙磊", "每月维护一次", "按期完成", ""),
    ]),
    ("IT运维", "系统运维", [
        ("系统监控", "每天", "技术支持部", "全天候监控", "系统可用率不低于99.5%", ""),
        ("数据备份", "每天", "孙磊", "每日凌晨完成备份", "备份成功率100%", ""),
        ("账号开通", "按需", "孙磊", "1个工作日内开通", "", ""),
        ("系统升级", "每季度", "孙磊、赵强", "升级公告提前3天发布", "升级失败次数为0", ""),
    ]),
    ("IT运维", "桌面支持", [
        ("电脑报修", "按需", "赵强", "接到报修后2小时内到场", "平均处理时长30分钟以内", ""),
        ("软件安装", "按需", "赵强", "4小时内完成", "", ""),
        ("打印机维护", "每周", "赵强", "每周巡检一次", "", ""),
        ("资产盘点", "每年", "赵强、后勤组", "每年12月完成", "账实相符率100%", ""),
    ]),
    ("后勤服务", "安全保卫", [
        ("门岗值守", "每天", "后勤组", "节假日值班不少于2人", "", ""),
        ("巡逻", "每天", "后勤组", "每2小时巡逻一次", "", ""),
        ("消防检查", "每月", "后勤组", "每月5日前完成消防检查", "消防隐患整改率100%", ""),
        ("突发事件处置", "按需", "后勤组、孙磊", "接报后10分钟内到达现场", "", ""),
    ]),
    ("后勤服务", "保洁服务", [
        ("教室保洁", "每天", "后勤组", "每天两次", "保洁满意度≥90%", ""),
        ("卫生间保洁", "每天", "后勤组", "每2小时清洁一次", "", ""),
        ("垃圾清运", "每天", "后勤组", "日产日清", "", ""),
        ("深度清洁", "每月", "后勤组", "每月底前完成", "按期完成", ""),
    ]),
    ("后勤服务", "会务服务", [
        ("会议室预订", "按需", "陈静", "提前1个工作日预订", "", ""),
        ("会场布置", "按需", "后勤组", "会前1小时布置完毕", "", ""),
        ("茶水服务", "按需", "后勤组", "服务热情周到", "服务满意度95%以上", ""),
        ("会议纪要", "按需", "陈静", "会后2个工作日内发出", "按期完成率≥95%", ""),
    ]),
    ("行政管理", "公文处理", [
        ("收文登记", "按需", "陈静", "当日登记", "", ""),
        ("公文流转", "按需", "陈静、刘洋", "一般公文3个工作日内办结", "办结率不低于95%", ""),
        ("发文审核", "按需", "刘洋", "2个工作日内完成审核", "差错率低于千分之一", ""),
        ("公文归档", "每年", "陈静", "次年3月31日前归档", "按期完成", ""),
    ]),
    ("行政管理", "信息报送", [
        ("周报", "每周", "刘洋", "每周五下班前提交", "", ""),
        ("月报", "每月", "刘洋", "每月5日前提交月报", "按时提交率100%", ""),
        ("年度总结", "每年", "刘洋、李娜", "次年1月15日前完成", "", ""),
        ("临时报送", "按需", "刘洋", "按要求时限报送", "", ""),
    ]),
    ("行政管理", "培训服务", [
        ("新员工培训", "按需", "人事组", "入职1周内完成", "培训覆盖率100%", ""),
        ("业务培训", "每季度", "人事组、刘洋", "培训通知提前3天发布", "学员满意度九成以上", ""),
        ("培训评估", "每季度", "人事组", "培训后5个工作日内完成评估", "", ""),
        ("培训档案", "每年", "人事组", "及时更新", "", ""),
    ]),
    ("行政管理", "供应商管理", [
        ("供应商评估", "每年", "李娜", "每年评估一次", "合格供应商占比≥90%", ""),
        ("合同管理", "按需", "李娜、刘洋", "合同到期前30天提醒", "", ""),
        ("付款审核", "每月", "李娜", "每月10日前完成审核", "按期完成", ""),
        ("供应商投诉", "按需", "李娜", "2个工作日内回复供应商", "", ""),
    ]),
]  # fmt: skip

PEOPLE = {"wangfang": "王芳", "lina": "李娜", "zhaoqiang": "赵强", "liuyang": "刘洋",
          "chenjing": "陈静", "sunlei": "孙磊"}  # fmt: skip
TEAMS = ("质检组", "客服部", "后勤组", "技术支持部", "人事组")


def _workbook() -> bytes:
    cells: list[list] = [HEADER]
    merges = []
    number = 0
    row_number = 2
    last_category = None
    category_start = 2
    for category, item, contents in CHECKLIST:
        if category != last_category:
            if last_category is not None and row_number - 1 > category_start:
                merges.append(f"B{category_start}:B{row_number - 1}")
            last_category, category_start = category, row_number
        item_start = row_number
        for index, (content, frequency, owners, standard, kpi, remark) in enumerate(contents):
            number += 1
            cells.append([
                number,
                category if row_number == category_start else "",
                item if index == 0 else "",
                content, frequency, owners, standard, kpi, remark,
            ])  # fmt: skip
            row_number += 1
        merges.append(f"C{item_start}:C{row_number - 1}")
    merges.append(f"B{category_start}:B{row_number - 1}")
    return xlsx(cells, merges=merges)


@pytest.fixture
def team_members(db):
    from opsbook.accounts.models import Team

    for name in TEAMS:
        Team.objects.create(name=name)
    for username, name in PEOPLE.items():
        make_user(username, Role.AGENT, display_name=name)


def test_a_checklist_written_as_a_team_writes_it_imports_with_zero_errors(team_members, capsys):
    assert sum(len(contents) for _c, _i, contents in CHECKLIST) >= 60

    report = run(_workbook())

    assert report.problems == []
    assert report.ok
    assert ServiceContent.objects.count() == 64
    assert ServiceItem.objects.count() == 16
    readings = report.readings
    standards, kpis = readings["standards"], readings["kpis"]
    assert standards["structured"] + standards["text"] == ServiceStandard.objects.count() == 64
    assert kpis["structured"] + kpis["text"] == Kpi.objects.count()
    # Every standard and KPI is kept as written.
    written = {c[3] for _c, _i, contents in CHECKLIST for c in contents}
    assert set(ServiceStandard.objects.values_list("text", flat=True)) == written
    # Text-only ones are notices, not problems.
    assert len(report.notices) == standards["text"] + kpis["text"]
    print(f"\nrealistic checklist: {readings}")
    assert standards["structured"] >= 25
    assert kpis["structured"] >= 30

    repair = ServiceStandard.objects.get(text="接到报修后2小时内到场")
    assert (repair.channel, repair.response_minutes) == (Channel.ONSITE, 120)
    duty = ServiceStandard.objects.get(text="节假日值班不少于2人")
    assert duty.min_staff == 2
    satisfaction = Kpi.objects.filter(text="学员满意度九成以上").first()
    assert satisfaction is not None
    assert (satisfaction.target, satisfaction.unit, satisfaction.direction) == (
        Decimal(90),
        "%",
        KpiDirection.AT_LEAST,
    )
    assert satisfaction.metric == "csat.satisfied_share"
    assert Kpi.objects.get(text="按期完成", content__name="投诉调查").target is None


def test_the_realistic_checklist_exports_and_imports_back_unchanged(team_members):
    assert run(_workbook()).ok
    exported = export_catalog()

    again = run(exported)

    assert again.problems == []
    assert again.summary["items"]["updated"] == 0
    assert again.summary["contents"]["updated"] == 0
