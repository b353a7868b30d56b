"""The governance figures: on time or late by working days, returns, versions and ratings,
month by month."""

from datetime import UTC, date, datetime

import pytest

from opsbook.reports import governance, services
from opsbook.reports.models import Report

from .workflow_helpers import make_report, make_template

pytestmark = pytest.mark.django_db


def publish(report, at, note=""):
    services.do_submit(report, actor=None, now=at)
    services.do_approve(report, actor=None, now=at)
    return services.do_publish(report, actor=None, now=at, change_note=note)


def test_working_days_late_skip_weekends():
    is_working = governance.working_day_test()
    # Deadline Monday 7 December 2026; submitted Friday 11th: 4 working days late.
    friday = datetime(2026, 12, 11, 2, 0, tzinfo=UTC)
    assert governance.working_days_late(date(2026, 12, 7), friday, is_working) == 4
    saturday = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)
    assert governance.working_days_late(date(2026, 12, 7), saturday, is_working) == 4
    assert governance.working_days_late(None, friday, is_working) == 0


def test_month_by_month_with_returns_versions_and_ratings(personas):
    template = make_template(personas)
    november = make_report(template)
    late = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)  # Wednesday: 2 working days late
    services.do_submit(november, actor=None, now=late)
    services.do_return(november, actor=None, now=late, comment="补充")
    first = publish(november, late)
    services.do_start_correction(november, actor=None, now=late, reason="更正")
    second = publish(november, late, note="更正满意度")
    services.do_rate(first, reader=personas.vera, rating=2, comment="有错", now=late)
    services.do_rate(second, reader=personas.vera, rating=4, now=late)
    services.do_rate(second, reader=personas.mia, rating=5, comment="好", now=late)
    october = make_report(template, period="2026-10", deadline=date(2026, 11, 6))
    publish(october, datetime(2026, 11, 5, 2, 0, tzinfo=UTC))

    months = governance.months_for(Report.objects.all())

    assert [m.period for m in months] == ["2026-11", "2026-10"]
    row = months[0].reports[0]
    assert (row.on_time, row.late_working_days, row.returns) == (False, 2, 1)
    assert [(v.number, v.rating_average, v.rating_count) for v in row.versions] == [
        (1, 2.0, 1),
        (2, 4.5, 2),
    ]
    assert (row.rating_average, row.rating_count) == (3.67, 3)
    assert {c[2] for c in row.comments} == {"有错", "好"}
    older = months[1].reports[0]
    assert (older.on_time, older.late_working_days, older.returns) == (True, 0, 0)


def test_reports_never_submitted_show_no_lateness(personas):
    make_report(make_template(personas))
    row = governance.months_for(Report.objects.all())[0].reports[0]
    assert (row.submitted_at, row.on_time, row.late_working_days) == (None, None, 0)
