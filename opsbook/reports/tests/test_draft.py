"""The automatic draft: a document built from tickets has the figures the metrics engine
gives for the same month and scope (organisation and one customer), links to their
drill-downs, every default block, a bounded number of queries; and the report services."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.accounts.models import Customer
from opsbook.accounts.testing import make_user
from opsbook.catalog.testing import make_category, make_item
from opsbook.goals.models import Goal, GoalCheckpoint
from opsbook.metrics import engine
from opsbook.metrics.periods import month, org_tz
from opsbook.metrics.tests.helpers import at, ticket
from opsbook.problems.models import Action, ActionEffect, Problem, ProblemTicket
from opsbook.reports import drafting
from opsbook.reports.defaults import create_customer_template, ensure_default_template
from opsbook.reports.models import Report

NOV = month(2026, 11)
NOW = datetime(2026, 12, 2, 2, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    acme = Customer.objects.create(code="acme", name="Acme")
    beta = Customer.objects.create(code="beta", name="Beta")
    net = make_category(name="网络")
    item = make_item(name="网络故障", category=net)
    for m, n in ((11, 5), (10, 3), (9, 4)):
        for i in range(n):
            ticket(
                at(2026, m, 3 + i), (at(2026, m, 4 + i), "resolved"),
                customer=acme if i % 2 else beta, item=item, channel="phone" if i % 3 else "web",
                resolved_at=at(2026, m, 4 + i), first_response_at=at(2026, m, 3 + i, 13),
                response_due_at=at(2026, m, 3 + i, 14 if i % 2 else 12),
                response_breached=not i % 2,
            )  # fmt: skip
    ticket(at(2025, 11, 5), customer=acme, item=item)
    return {"acme": acme, "beta": beta, "item": item}


def test_organisation_document_figures_equal_the_engine(data):
    template = ensure_default_template(now=NOW)
    doc = drafting.build_document(template, NOV, now=NOW)
    assert doc["title"] == "2026年11月运营服务月报"
    assert [s["key"] for s in doc["sections"]] == [
        "overview", "kpis", "problems", "actions", "outlook", "appendix",
    ]  # fmt: skip
    keys = [k for k in doc["figures"] if "@" not in k and not k.startswith("report.")]
    truth = engine.evaluate(keys, NOV, now=NOW).figures
    for key in keys:
        fig, want = doc["figures"][key], truth[key]
        assert (fig["value"], fig["previous"], fig["last_year"]) == (
            want.value, want.previous, want.last_year,
        ), key  # fmt: skip
        assert fig["link"] == engine.drill_url(key, NOV)
    created = doc["figures"]["tickets.created"]
    assert (created["value"], created["previous"], created["last_year"]) == (5, 3, 1)
    assert created["display"] == {
        "value": "5", "previous": "3", "change": "+2", "change_pct": "+66.7%",
        "last_year": "1", "target": "—",
    }  # fmt: skip
    # A breakdown figure carries its full scope and links to its rows.
    web = doc["figures"]["sla.response.met_rate@channel=web"]
    by = engine.evaluate(["sla.response.met_rate"], NOV, by="channel", now=NOW)
    assert web["value"] == (by.figures["sla.response.met_rate"].by or {})["web"].value
    assert web["link"] == engine.drill_url("sla.response.met_rate", NOV, scope={"channel": "web"})


def test_customer_document_shows_only_that_customer(data):
    template = create_customer_template(data["acme"], actor=None, now=NOW)
    doc = drafting.build_document(template, NOV, now=NOW)
    assert doc["title"] == "2026年11月Acme服务报告"
    assert doc["scope"] == {"customer": "acme"}
    created = doc["figures"]["tickets.created"]
    want = engine.evaluate(["tickets.created"], NOV, scope={"customer": "acme"}, now=NOW)
    assert created["value"] == want.figures["tickets.created"].value == 2
    assert created["scope"] == {"customer": "acme"}
    assert "customer=acme" in created["link"]
    assert not any(k.startswith("routines.") for k in doc["figures"])


def test_every_cell_with_a_ref_names_a_figure_and_links(data):
    doc = drafting.build_document(ensure_default_template(now=NOW), NOV, now=NOW)
    seen = 0
    for section in doc["sections"]:
        for block in section["blocks"]:
            for row in block.get("table", {}).get("rows", []):
                for c in row:
                    if c.get("ref"):
                        seen += 1
                        figure = doc["figures"][c["ref"]]
                        assert c["text"] == figure["display"][c["part"]]
                        assert c.get("link") == figure["link"]
    assert seen > 20


def _problems_and_goals(n, acme, item):
    owner = make_user(f"owner{n}")
    for i in range(n):
        p = Problem.objects.create(title=f"问题{n}-{i}", raised_at=at(2026, 10, 1))
        t = ticket(at(2026, 11, 10), customer=acme, item=item, type="complaint")
        ProblemTicket.objects.create(problem=p, ticket=t)
        a = Action.objects.create(
            title=f"措施{n}-{i}", problem=p, owner=owner, created_at=at(2026, 10, 2)
        )
        ActionEffect.objects.create(action=a, period="2026-10", verdict="improved")
        g = Goal.objects.create(title=f"目标{n}-{i}", start=date(2026, 1, 1), owner=owner)
        GoalCheckpoint.objects.create(goal=g, date=date(2026, 12, 1), expected=1)


def test_the_draft_runs_a_bounded_number_of_queries(data):
    template = ensure_default_template(now=NOW)
    _problems_and_goals(2, data["acme"], data["item"])
    drafting.build_document(template, NOV, now=NOW)  # warm caches
    with CaptureQueriesContext(connection) as few:
        drafting.build_document(template, NOV, now=NOW)
    for m in range(1, 13):
        ticket(at(2026, m, 9), customer=data["acme"], item=data["item"])
    _problems_and_goals(6, data["acme"], data["item"])
    with CaptureQueriesContext(connection) as more:
        drafting.build_document(template, NOV, now=NOW)
    assert len(more) == len(few)
    assert len(few) < 120


def test_create_report_copies_sections_and_sets_the_deadline(data):
    template = ensure_default_template(now=NOW)
    report = drafting.do_create_report(template, "2026-09", actor=None, now=NOW)
    assert report.title == "2026年9月运营服务月报"
    # 5th working day of October 2026: 8, 9, 10 (make-up Saturday), 12, 13.
    assert report.deadline == date(2026, 10, 13)
    assert [s.key for s in report.sections.all()] == [
        "overview", "kpis", "problems", "actions", "outlook", "appendix",
    ]  # fmt: skip
    assert report.document["period"]["code"] == "2026-09"
    assert report.drafted_at == NOW
    with pytest.raises(drafting.DraftError):
        drafting.do_create_report(template, "2026-09", actor=None, now=NOW)
    with pytest.raises(drafting.DraftError):
        drafting.do_create_report(template, "2027-01", actor=None, now=NOW)
    assert Report.objects.count() == 1


def test_a_month_in_progress_is_drafted_to_date(data):
    template = ensure_default_template(now=NOW)
    doc = drafting.build_document(template, month(2026, 12), now=NOW)
    assert doc["to_date"] is True
    report = drafting.do_create_report(template, month(2026, 12), actor=None, now=NOW)
    overview = next(s for s in report.document["sections"] if s["key"] == "overview")
    day = NOW.astimezone(org_tz())
    assert overview["narrative"]["text"].startswith(f"截至{day.month}月{day.day}日，本月")
    assert overview["narrative"]["warnings"] == []
    closed = drafting.do_create_report(template, NOV, actor=None, now=NOW)
    overview = next(s for s in closed.document["sections"] if s["key"] == "overview")
    assert overview["narrative"]["text"].startswith("本月")


def test_rebuild_only_while_editable(data):
    template = ensure_default_template(now=NOW)
    report = drafting.do_create_report(template, NOV, actor=None, now=NOW)
    later = datetime(2026, 12, 3, tzinfo=UTC)
    ticket(at(2026, 11, 20), customer=data["acme"], item=data["item"])
    report = drafting.do_build_draft(report, actor=None, now=later)
    assert report.drafted_at == later
    assert report.document["figures"]["tickets.created"]["value"] == 6
    report.status = "published"
    report.save()
    with pytest.raises(drafting.DraftError):
        drafting.do_build_draft(report, actor=None, now=later)


def test_the_engine_runs_once_per_scope_and_dimension(data, monkeypatch):
    calls = []
    real = engine.evaluate

    def counted(keys, period, **kw):
        calls.append((tuple(keys or ()), kw.get("by")))
        return real(keys, period, **kw)

    monkeypatch.setattr(engine, "evaluate", counted)
    drafting.build_document(ensure_default_template(now=NOW), NOV, now=NOW)
    assert sorted(str(by) for _keys, by in calls) == ["None", "category", "channel", "item", "team"]


def test_an_english_document(data):
    doc = drafting.build_document(ensure_default_template(now=NOW), NOV, now=NOW, language="en")
    assert doc["title"] == "Operations service report, November 2026"
    assert doc["scope_label"] == "All services"
    rate = doc["figures"]["sla.response.met_rate"]
    assert rate["display"]["change"].endswith(" pp")
