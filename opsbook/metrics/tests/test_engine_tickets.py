from datetime import UTC, datetime

import pytest

from opsbook.metrics import engine
from opsbook.metrics.periods import month

from .helpers import at, ticket

NOV = month(2026, 11)
NOW = datetime(2027, 1, 10, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def figure(key, period=NOV, **kw):
    return engine.evaluate([key], period, now=kw.pop("now", NOW), **kw).figures[key]


def test_a_ticket_created_at_midnight_shanghai_belongs_to_the_next_month():
    ticket(at(2026, 11, 1, 0, 0))  # first instant of November
    ticket(at(2026, 11, 30, 23, 59, 59))
    ticket(at(2026, 12, 1, 0, 0))  # first instant of December: not November
    ticket(at(2026, 10, 31, 23, 59, 59))  # October
    ticket(at(2025, 11, 15))  # last year
    f = figure("tickets.created")
    assert (f.value, f.previous, f.last_year) == (2, 1, 1)
    assert f.change == 1 and f.change_pct == 1.0
    assert figure("tickets.created", month(2026, 12)).value == 1


def test_complaint_rate_is_complaints_over_created_and_null_without_tickets():
    ticket(at(2026, 11, 3), type="complaint")
    ticket(at(2026, 11, 4))
    ticket(at(2026, 11, 5), ("cancelled", "cancelled") and (at(2026, 11, 5, 13), "cancelled"))
    f = figure("tickets.complaint_rate")
    assert f.value == pytest.approx(1 / 3)
    assert f.previous is None and f.change is None and f.change_pct is None


def test_resolved_counts_each_resolution_and_reopen_rate_divides_by_them():
    ticket(
        at(2026, 11, 2),
        (at(2026, 11, 3), "resolved"),
        (at(2026, 11, 4), "in_progress"),
        (at(2026, 11, 5), "resolved"),
        (at(2026, 11, 6), "closed"),
    )
    ticket(at(2026, 11, 2), (at(2026, 11, 10), "resolved"))
    ticket(at(2026, 10, 2), (at(2026, 10, 30), "resolved"))  # October
    assert figure("tickets.resolved").value == 3
    reopen = figure("tickets.reopen_rate")
    assert reopen.value == pytest.approx(1 / 3)
    assert (reopen.numerator, reopen.denominator) == (1, 3)
    assert figure("tickets.resolved").previous == 1


def test_resolution_rate_uses_the_status_at_the_end_of_the_period():
    # Resolved in November, reopened in December: it was resolved at the end of November.
    ticket(at(2026, 11, 2), (at(2026, 11, 20), "resolved"), (at(2026, 12, 2), "in_progress"))
    # Resolved exactly at the first instant of December: not resolved at November's end.
    ticket(at(2026, 11, 2), (at(2026, 12, 1, 0, 0), "resolved"))
    ticket(at(2026, 11, 2), (at(2026, 11, 3), "resolved"), (at(2026, 11, 4), "closed"))
    ticket(at(2026, 11, 2), (at(2026, 11, 3), "cancelled"))
    f = figure("tickets.resolution_rate")
    assert (f.numerator, f.denominator) == (2, 4)
    assert f.value == 0.5


def test_backlog_counts_tickets_open_at_the_end_of_the_period():
    ticket(at(2026, 10, 20))  # open since October: in both backlogs
    ticket(at(2026, 10, 20), (at(2026, 12, 3), "resolved"))  # open until December
    ticket(at(2026, 11, 20), (at(2026, 11, 25), "waiting"))
    ticket(at(2026, 11, 20), (at(2026, 11, 21), "resolved"))  # done before the end
    ticket(at(2026, 11, 20), (at(2026, 11, 21), "cancelled"))
    ticket(at(2026, 12, 1, 0, 0))  # created at December's first instant
    # Resolved in October, reopened in November: open at November's end.
    ticket(
        at(2026, 10, 1), (at(2026, 10, 2), "resolved"), (at(2026, 11, 2), "in_progress"),
        (at(2026, 12, 5), "resolved"),
    )  # fmt: skip
    f = figure("tickets.backlog")
    assert f.value == 4
    assert f.previous == 2
    assert f.live  # a closed month computed without a snapshot says so


def test_breached_open_counts_backlog_with_a_breach_due_before_the_end():
    ticket(at(2026, 11, 2), response_breached=True, response_due_at=at(2026, 11, 2, 14))
    ticket(at(2026, 11, 2), resolution_breached=True, resolution_due_at=at(2026, 12, 2))
    ticket(
        at(2026, 11, 2), (at(2026, 11, 9), "resolved"),
        response_breached=True, response_due_at=at(2026, 11, 2, 14),
    )  # fmt: skip
    assert figure("tickets.breached_open").value == 1
