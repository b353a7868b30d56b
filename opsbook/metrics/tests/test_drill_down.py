from datetime import UTC, datetime

import pytest

from opsbook.catalog.testing import make_content, make_item
from opsbook.metrics import engine
from opsbook.metrics.periods import month
from opsbook.metrics.registry import metrics
from opsbook.routines.models import Occurrence
from opsbook.tickets.models import Comment, FollowUp

from .helpers import at, ticket

pytestmark = pytest.mark.django_db
NOV = month(2026, 11)
NOW = datetime(2027, 1, 10, tzinfo=UTC)


def world():
    item = make_item(code="D1")
    for day, kind in enumerate(["incident", "complaint", "consultation", "complaint"], start=2):
        t = ticket(
            at(2026, 11, day), (at(2026, 11, day + 1), "resolved"),
            (at(2026, 11, day + 2), "in_progress"), (at(2026, 11, day + 3), "resolved"),
            type=kind, item=item if day % 2 else None, resolved_at=at(2026, 11, day + 3),
            first_response_at=at(2026, 11, day, 14), response_business_seconds=600 * day,
            resolution_business_seconds=3600 * day, response_due_at=at(2026, 11, day, 15),
            resolution_due_at=at(2026, 11, day + 2), resolution_breached=day == 3,
            rating=day, reopened_count=1 if day == 4 else 0,
        )  # fmt: skip
        Comment.objects.create(ticket=t, body="好", is_public=True)
        if kind == "complaint" and day == 3:
            FollowUp.objects.create(ticket=t, at=at(2026, 11, 9), method="phone", outcome="好")
    ticket(at(2026, 10, 20))  # backlog
    ticket(at(2026, 11, 20), response_due_at=at(2026, 11, 21), response_breached=True)
    content = make_content(item, code="D1-1")
    for status, done in (("done", at(2026, 11, 5, 9)), ("done", at(2026, 11, 7)), ("open", None)):
        Occurrence.objects.create(
            content=content, period_start=NOV.start, period_end=NOV.last_day,
            planned_on=NOV.start, due_on=NOV.start, due_at=at(2026, 11, 5, 18), status=status,
            completed_at=done, source="manual",
        )  # fmt: skip


@pytest.mark.parametrize("scope", [{}, {"item": "D1"}])
def test_the_drill_down_lists_as_many_rows_as_the_figure_counts(scope):
    world()
    ov = engine.evaluate(None, NOV, scope=scope, now=NOW)
    for m in metrics():
        f = ov.figures[m.key]
        if scope and not set(scope) <= m.dimensions:
            continue
        value_rows = engine.rows(m.key, NOV, scope=scope, part="value", now=NOW).count()
        if m.unit == "count":
            assert value_rows == f.value, m.key
        elif m.unit == "ratio":
            below = engine.rows(m.key, NOV, scope=scope, part="denominator", now=NOW).count()
            assert (value_rows, below) == (f.numerator, f.denominator), m.key
        else:  # means and percentiles: the rows they are taken over
            assert value_rows == (f.count or 0), m.key
    url = engine.drill_url("tickets.created", NOV, scope={"item": "D1"})
    assert "metric=tickets.created" in url and "period=2026-11" in url and "item=D1" in url
