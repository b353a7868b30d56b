from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.catalog.testing import make_category, make_content, make_item
from opsbook.metrics import engine
from opsbook.metrics.periods import month
from opsbook.metrics.registry import NONE_CODE, metrics
from opsbook.routines.models import Occurrence
from opsbook.tickets.models import Comment, FollowUp

from .helpers import at, ticket

NOV = month(2026, 11)
NOW = datetime(2027, 1, 10, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def figure(key, period=NOV, **kw):
    return engine.evaluate([key], period, now=NOW, **kw).figures[key]


def test_sla_met_counts_at_the_outcome_and_breached_at_the_due_instant():
    # Met: replied in November (due in December does not matter).
    ticket(
        at(2026, 10, 30), first_response_at=at(2026, 11, 1, 0, 0), response_due_at=at(2026, 12, 2)
    )
    # Breached: due in November although the reply came in December.
    ticket(
        at(2026, 11, 29), first_response_at=at(2026, 12, 2),
        response_due_at=at(2026, 11, 30, 18), response_breached=True,
    )  # fmt: skip
    # Due at December's first instant: December's breach.
    ticket(at(2026, 11, 29), response_due_at=at(2026, 12, 1, 0, 0), response_breached=True)
    # Still running, and cancelled before any outcome: not counted.
    ticket(at(2026, 11, 29), response_due_at=at(2027, 2, 1))
    ticket(at(2026, 11, 2), (at(2026, 11, 2, 13), "cancelled"), response_due_at=at(2026, 11, 3))
    # No target: a reply without a due instant is not "met".
    ticket(at(2026, 11, 2), first_response_at=at(2026, 11, 3))
    f = figure("sla.response.met_rate")
    assert (f.numerator, f.denominator, f.value) == (1, 2, 0.5)
    assert figure("sla.response.breached").value == 1
    assert figure("sla.response.breached", month(2026, 12)).value == 1
    assert figure("sla.resolution.met_rate").value is None


def test_resolution_met_counts_at_the_latest_resolution():
    ticket(
        at(2026, 11, 2), (at(2026, 11, 3), "resolved"),
        resolved_at=at(2026, 11, 3), resolution_due_at=at(2026, 11, 5),
    )  # fmt: skip
    # Reopened and resolved again in December: its latest resolution is December's.
    ticket(
        at(2026, 11, 2), (at(2026, 11, 3), "resolved"), (at(2026, 11, 4), "in_progress"),
        (at(2026, 12, 3), "resolved"),
        resolved_at=at(2026, 12, 3), resolution_due_at=at(2026, 12, 9),
    )  # fmt: skip
    f = figure("sla.resolution.met_rate")
    assert (f.numerator, f.denominator) == (1, 1)
    assert figure("sla.resolution.met_rate", month(2026, 12)).numerator == 1


@pytest.mark.parametrize(
    ("seconds", "median", "p90"),
    [
        ([10, 20, 30, 40], 25.0, 37.0),  # even: interpolated
        ([10, 20, 30], 20.0, 28.0),  # odd
        ([7], 7.0, 7.0),
    ],
)
def test_percentiles_interpolate_like_percentile_cont(seconds, median, p90):
    for s in seconds:
        ticket(at(2026, 11, 2), first_response_at=at(2026, 11, 3), response_business_seconds=s)
    ticket(at(2026, 11, 2), first_response_at=at(2026, 12, 3), response_business_seconds=999)
    ticket(at(2026, 11, 2), first_response_at=at(2026, 11, 3))  # no duration: left out
    assert figure("tickets.first_response.median").value == pytest.approx(median)
    assert figure("tickets.first_response.p90").value == pytest.approx(p90)
    mean = figure("tickets.first_response.mean")
    assert mean.value == pytest.approx(sum(seconds) / len(seconds))
    assert figure("tickets.first_response.median").previous is None


def test_percentiles_by_a_dimension_and_the_total():
    fast = make_item(code="FAST", name="快")
    for s, item in ((100, fast), (300, fast), (1000, None)):
        ticket(
            at(2026, 10, 2), resolved_at=at(2026, 11, 3), resolution_business_seconds=s, item=item
        )
    f = figure("tickets.resolution_time.median", by="item")
    assert f.value == 300
    assert f.by["FAST"].value == 200
    assert f.by[NONE_CODE].value == 1000


def test_csat_and_complaint_followups_are_over_the_latest_resolution():
    resolved = {"resolved_at": at(2026, 11, 20), "status": "resolved"}
    ticket(at(2026, 11, 1), rating=5, **resolved)
    ticket(at(2026, 11, 1), rating=2, **resolved)
    ticket(at(2026, 11, 1), **resolved)
    visited = ticket(at(2026, 11, 1), type="complaint", rating=4, **resolved)
    FollowUp.objects.create(ticket=visited, at=at(2026, 11, 21), method="phone", outcome="已解决")
    ticket(at(2026, 11, 1), type="complaint", **resolved)
    ticket(at(2026, 11, 1), rating=1, resolved_at=at(2026, 12, 1, 0, 0))  # December
    assert figure("csat.average").value == pytest.approx(11 / 3)
    assert figure("csat.satisfied_share").value == pytest.approx(2 / 3)
    assert figure("csat.response_rate").value == pytest.approx(3 / 5)
    assert figure("complaints.followup_rate").value == 0.5


def test_first_contact_resolution_needs_one_reply_at_most_and_no_reopen():
    resolved = {"resolved_at": at(2026, 11, 20), "status": "resolved"}
    one = ticket(at(2026, 11, 1), **resolved)
    Comment.objects.create(ticket=one, body="好了", is_public=True)
    Comment.objects.create(ticket=one, body="谢谢", is_public=True, by_customer=True)
    Comment.objects.create(ticket=one, body="内部", is_public=False)
    two = ticket(at(2026, 11, 1), **resolved)
    for body in ("a", "b"):
        Comment.objects.create(ticket=two, body=body, is_public=True)
    ticket(at(2026, 11, 1), reopened_count=1, **resolved)
    f = figure("tickets.first_contact_resolution_rate")
    assert (f.numerator, f.denominator) == (1, 3)


def test_routines_on_time_and_coverage():
    item = make_item(code="R1")
    content = make_content(item, code="R1-1")
    due = at(2026, 11, 10, 18)

    def occ(status, **kw):
        return Occurrence.objects.create(
            content=content, period_start=NOV.start, period_end=NOV.last_day,
            planned_on=due.date(), due_on=due.date(), due_at=kw.pop("due_at", due),
            status=status, source="manual", **kw,
        )  # fmt: skip

    occ("done", completed_at=at(2026, 11, 10, 17))
    occ("done", completed_at=at(2026, 11, 11, 9))  # late
    occ("open")
    occ("skipped", skip_reason="停电")  # left out of on-time
    occ("skipped")
    occ("done", completed_at=at(2026, 12, 1), due_at=at(2026, 12, 1, 0, 0))  # December
    on_time = figure("routines.on_time_rate")
    assert (on_time.numerator, on_time.denominator) == (1, 4)
    coverage = figure("routines.coverage", by="content")
    assert (coverage.numerator, coverage.denominator) == (2, 5)
    assert coverage.by["R1-1"].value == coverage.value


def test_codes_of_a_cut_sum_to_the_total_and_scope_filters(personas):
    cat = make_category("热线")
    item = make_item(code="HOT", category=cat)
    ticket(at(2026, 11, 2), item=item, channel="phone", assignee=personas.alice)
    ticket(at(2026, 11, 3), item=item, channel="wechat", customer=personas.customer_a)
    ticket(at(2026, 11, 4), channel="phone")
    ov = engine.evaluate(None, NOV, by="category", now=NOW)
    for key, f in ov.figures.items():
        if f.metric.unit == "count" and f.by is not None:
            assert sum(b.value or 0 for b in f.by.values()) == f.value, key
    created = ov.figures["tickets.created"]
    assert created.by is not None
    assert created.by[str(cat.code)].value == 2 and created.by[NONE_CODE].value == 1
    owner = figure("tickets.created", by="owner")
    assert owner.by is not None
    assert owner.by == {"alice": owner.by["alice"], NONE_CODE: owner.by[NONE_CODE]}
    assert figure("tickets.created", scope={"item": "HOT"}).value == 2
    assert figure("tickets.created", scope={"item": NONE_CODE}).value == 1
    both = {"category": str(cat.code), "channel": "phone"}
    assert figure("tickets.created", scope=both).value == 1
    assert figure("tickets.created", scope={"customer": "xinghuo"}).value == 1
    assert figure("tickets.created", scope={"customer": NONE_CODE}).value == 2
    # Routines cannot be cut by customer: no value rather than a wrong one.
    assert figure("routines.coverage", scope={"customer": "xinghuo"}).value is None


def test_evaluate_issues_a_fixed_number_of_queries_whatever_the_rows(personas):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            engine.evaluate(None, NOV, by="owner", now=NOW)
        return len(ctx.captured_queries)

    few = queries()
    for n in range(12):
        ticket(
            at(2026, 11, 2 + n), (at(2026, 11, 3 + n), "resolved"),
            assignee=personas.alice if n % 2 else personas.bob, resolved_at=at(2026, 11, 3 + n),
            resolution_business_seconds=60 * n, rating=1 + n % 5,
        )  # fmt: skip
    assert queries() == few
    # One scan per family (tickets, SLA, CSAT, routines, manual, surveys) and its helpers.
    assert few <= 18


def test_every_metric_has_a_definition_and_a_unit():
    for m in metrics():
        assert str(m.definition) and m.unit and str(m.name), m.key


def test_tickets_created_by_hour_of_day_in_the_organisation_s_zone():
    ticket(at(2026, 11, 2, 9, 5))
    ticket(at(2026, 11, 3, 9, 59))
    ticket(at(2026, 11, 3, 23, 30))  # 15:30 UTC: still 23 in Shanghai
    ticket(at(2026, 11, 4, 0, 0))
    f = figure("tickets.created", by="hour")
    assert f.by is not None
    assert {code: b.value for code, b in f.by.items()} == {"09": 2, "23": 1, "00": 1}
    assert figure("tickets.created", scope={"hour": "09"}).value == 2
    rows = engine.rows("tickets.created", NOV, scope={"hour": "23"}, now=NOW)
    assert rows.count() == 1
    # Other metrics cannot be cut by hour: no per-code figures.
    assert figure("tickets.resolved", by="hour").by is None
