"""Two requests at once: a reader's double click on a rating, two managers creating the same
month's report. The second finds the first's row instead of failing with a server error."""

import pytest

from opsbook.metrics import periods
from opsbook.reports import drafting, services
from opsbook.reports.models import Feedback, Report

from .workflow_helpers import NOW, make_report, make_template

pytestmark = pytest.mark.django_db


def published(personas):
    report = make_report(make_template(personas))
    services.do_submit(report, actor=None, now=NOW)
    services.do_approve(report, actor=None, now=NOW)
    return services.do_publish(report, actor=None, now=NOW)


def test_a_rating_that_loses_the_race_replaces_the_first(personas, monkeypatch):
    version = published(personas)
    real = Feedback.objects.select_for_update
    raced: list[bool] = []

    def other_request_first(*args, **kwargs):
        queryset = real(*args, **kwargs)
        if not raced:
            raced.append(True)
            Feedback.objects.create(
                version=version, reader=personas.vera, rating=2, comment="", created_at=NOW
            )
            return queryset.none()  # our read came before the other request's insert
        return queryset

    monkeypatch.setattr(Feedback.objects, "select_for_update", other_request_first)
    feedback = services.do_rate(version, reader=personas.vera, rating=5, comment="好", now=NOW)
    assert raced
    assert Feedback.objects.filter(version=version, reader=personas.vera).count() == 1
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.comment) == (5, "好")


def test_a_report_created_meanwhile_is_a_clear_error(personas, monkeypatch):
    template = make_template(personas)
    period = periods.month(2026, 11)
    real = Report.objects.filter
    raced: list[bool] = []

    def other_manager_first(*args, **kwargs):
        if not raced:
            raced.append(True)
            make_report(template)  # the other manager's report, committed meanwhile
            return real(pk__in=[])
        return real(*args, **kwargs)

    monkeypatch.setattr(Report.objects, "filter", other_manager_first)
    with pytest.raises(drafting.DraftError, match="already has a report for 2026-11"):
        drafting.do_create_report(template, period, actor=personas.mia, now=NOW)
    assert raced  # (the other report was made inside our transaction here, so it is undone too)
