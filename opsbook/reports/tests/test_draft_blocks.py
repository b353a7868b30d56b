"""Each block of the draft on data a user would recognise: problems, complaints and their
causes, improvement actions carried over and proposed, goals, anomalies, fixed text; the
customer report sees only that customer's; an edited narrative keeps its words and links."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from opsbook.accounts.models import Customer
from opsbook.accounts.testing import make_user
from opsbook.goals.models import Goal, GoalCheckpoint
from opsbook.metrics.periods import month
from opsbook.metrics.tests.helpers import at, ticket
from opsbook.problems.choices import ActionStatus, CauseCategory, Effect, ProblemStatus
from opsbook.problems.models import Action, ActionEffect, Problem, ProblemTicket
from opsbook.reports import drafting
from opsbook.reports.blocks import BlockError
from opsbook.reports.defaults import create_customer_template, ensure_default_template
from opsbook.reports.models import ReportTemplate, TemplateSection

NOV = month(2026, 11)
NOW = datetime(2026, 12, 2, 2, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def one_block(type_, options=None, *, template=None, key="custom", period=NOV, now=NOW):
    template = template or ReportTemplate.objects.create(code=f"t-{type_}-{key}", name="t")
    TemplateSection.objects.create(
        template=template, key=key, title="节", blocks=[{"type": type_, "options": options or {}}]
    )
    doc = drafting.build_document(template, period, now=now)
    (section,) = [s for s in doc["sections"] if s["key"] == key]
    return doc, section["blocks"]


def zh(label) -> str:
    """A label as the Chinese report prints it (whatever the catalogue holds today)."""
    with translation.override("zh-hans"):
        return str(label)


def texts(block):
    return [[c["text"] for c in row] for row in block["table"]["rows"]]


@pytest.fixture
def acme():
    return Customer.objects.create(code="acme", name="Acme")


@pytest.fixture
def beta():
    return Customer.objects.create(code="beta", name="Beta")


def test_problems_complaints_and_actions(acme, beta):
    owner = make_user("zhang", display_name="张三")
    nov = [
        ticket(at(2026, 11, d), customer=acme, type="complaint", root_cause="夜班无人")
        for d in (2, 3, 4)
    ]
    oct_ = [ticket(at(2026, 10, 5), customer=beta)]
    night = Problem.objects.create(
        title="夜间微信咨询无人值守", raised_at=at(2026, 10, 1), cause_category="people",
        root_cause="排班未覆盖 18:00 后",
    )  # fmt: skip
    for t in nov + oct_:
        ProblemTicket.objects.create(problem=night, ticket=t)
    old = Action.objects.create(
        title="增加夜班值守", problem=night, owner=owner, due=date(2026, 11, 20),
        created_at=at(2026, 10, 5),
    )  # fmt: skip
    ActionEffect.objects.create(action=old, period="2026-10", verdict="improved")
    _doc, (table,) = one_block("problems")
    assert texts(table) == [
        [f"P{night.pk}", "夜间微信咨询无人值守", "3", "+2", zh(CauseCategory.PEOPLE.label),
         "排班未覆盖 18:00 后", zh(ProblemStatus.OPEN.label)],
    ]  # fmt: skip
    acted, blocks = one_block("actions")
    actions, *_proposed = blocks
    assert texts(actions) == [
        ["增加夜班值守", "张三", "2026年11月20日", zh(ActionStatus.PLANNED.label) + "（已逾期）",
         "延续", zh(Effect.IMPROVED.label)],
    ]  # fmt: skip
    doc, (causes,) = one_block("complaints")
    assert texts(causes)[0][:2] == [zh(CauseCategory.PEOPLE.label), "3"]
    assert "夜班无人" in texts(causes)[0][2]
    assert texts(causes)[-1][:2] == ["合计", "3"]
    assert acted["figures"]["report.open_actions"]["value"] == 1
    assert acted["figures"]["report.overdue_actions"]["display"]["value"] == "1"
    assert "report.open_actions" not in doc["figures"]  # no actions block, no such count


def test_a_customer_report_shows_only_that_customers_problems(acme, beta):
    mine = Problem.objects.create(title="Acme 登录失败", raised_at=at(2026, 10, 1))
    theirs = Problem.objects.create(title="Beta 打印机", raised_at=at(2026, 10, 1))
    ProblemTicket.objects.create(problem=mine, ticket=ticket(at(2026, 11, 3), customer=acme))
    ProblemTicket.objects.create(problem=theirs, ticket=ticket(at(2026, 11, 3), customer=beta))
    template = create_customer_template(acme, actor=None, now=NOW)
    doc = drafting.build_document(template, NOV, now=NOW)
    (problems,) = [s for s in doc["sections"] if s["key"] == "problems"]
    (table,) = [b for b in problems["blocks"] if b["type"] == "problems"]
    shown = [row[1]["text"] for row in table["table"]["rows"]]
    assert shown == ["Acme 登录失败"]
    assert doc["figures"]["tickets.created"]["value"] == 1


def test_goals_and_next_months_goals(acme):
    Goal.objects.create(
        title="首次响应及时率达到 95%", metric="sla.response.met_rate", target=0.95,
        start=date(2026, 7, 1), deadline=date(2026, 12, 31), current_value=0.93, progress=0.6,
        status="at_risk",
    )  # fmt: skip
    Goal.objects.create(title="Acme 满意度", scope={"customer": "acme"}, start=date(2026, 1, 1))
    Goal.objects.create(title="已结束", start=date(2026, 1, 1), deadline=date(2026, 6, 30))
    checked = Goal.objects.create(title="季度检查", start=date(2026, 1, 1))
    GoalCheckpoint.objects.create(goal=checked, date=date(2026, 12, 15), expected=1)
    _doc, (table,) = one_block("goals")
    rows = texts(table)
    # The organisation's report: every goal running in November (the ended one is not).
    assert {r[0] for r in rows} == {"首次响应及时率达到 95%", "季度检查", "Acme 满意度"}
    first = next(r for r in rows if r[0].startswith("首次"))
    assert first[2:6] == ["93.0%", "95.0%", "60.0%", "2026年12月31日"]
    _doc, (nxt,) = one_block("next_goals")
    assert {r[0] for r in texts(nxt)} == {"首次响应及时率达到 95%", "季度检查"}
    # A customer's report: only the goals within that customer's scope.
    template = create_customer_template(acme, actor=None, now=NOW)
    _doc, (mine,) = one_block("goals", template=template, key="goals2")
    assert [r[0] for r in texts(mine)] == ["Acme 满意度"]


def test_an_anomaly_is_flagged_with_its_range(acme):
    for m in range(1, 11):
        for d in range(1, 11):
            ticket(at(2026, m, d + 5), customer=acme)
    for d in range(1, 41):
        ticket(at(2026, 11, 1 + d % 28), customer=acme)
    doc, (block,) = one_block("anomalies", {"metrics": ["tickets.created"]})
    (paragraph,) = block["paragraphs"]
    assert "40" in paragraph and "高于" in paragraph and "5–15" in paragraph
    assert doc["figures"]["report.anomalies"]["value"] == 1
    # The month in progress is not judged.
    _doc, (block,) = one_block(
        "anomalies", {"metrics": ["tickets.created"]}, key="now", period=month(2026, 12)
    )
    assert "尚未结束" in block["paragraphs"][0]


def test_text_trend_and_bad_options():
    _doc, (block,) = one_block("text", {"text": "第一段。\n\n第二段。", "title": "说明"})
    assert block["paragraphs"] == ["第一段。", "第二段。"]
    _doc, (chart,) = one_block("trend", {"metrics": ["tickets.created"]}, key="trend")
    assert len(chart["chart"]["categories"]) == 12 and chart["chart"]["categories"][-1] == "11月"
    with pytest.raises(BlockError):
        one_block("figures", {"metrics": ["no.such"]}, key="bad")
    with pytest.raises(BlockError):
        one_block("nonsense", key="bad2")
    with pytest.raises(BlockError):
        one_block("breakdown", {"metric": "surveys.nps", "by": "channel"}, key="bad3")


def test_an_edited_narrative_is_kept_and_checked_on_rebuild(acme):
    ticket(at(2026, 10, 3), customer=acme)
    ticket(at(2026, 11, 3), customer=acme)
    template = ensure_default_template(now=NOW)
    report = drafting.do_create_report(template, NOV, actor=None, now=NOW)
    overview = report.document["sections"][0]
    assert overview["narrative"]["source"].count("{{tickets.created:value}}") == 1
    row = report.sections.get(key="overview")
    row.edited = "本月工单 {{tickets.created:value}} 件，较上月下降 {{tickets.created:change}} 件。"
    row.is_edited = True
    row.save()
    for d in (4, 5):
        ticket(at(2026, 11, d), customer=acme)
    report = drafting.do_build_draft(report, actor=None, now=datetime(2026, 12, 3, tzinfo=UTC))
    narrative = report.document["sections"][0]["narrative"]
    assert narrative["edited"] is True
    assert narrative["text"] == "本月工单 3 件，较上月下降 +2 件。"
    assert narrative["warnings"]  # it went up from 1 to 3
    row.refresh_from_db()
    assert "{{tickets.created:value}}" in row.generated
