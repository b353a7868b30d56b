"""The report's jobs: the automatic draft on the first working day of a month (once, however
many schedulers run it) and the reminders before, on and after the deadline (once per key)."""

from datetime import UTC, date, datetime

import pytest

from opsbook.accounts.models import User
from opsbook.jobs.schedule import registry
from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.reports import drafting, jobs, services
from opsbook.reports.defaults import ensure_default_template
from opsbook.reports.models import Report

from .workflow_helpers import NOW, make_report, make_template

pytestmark = pytest.mark.django_db


def at(day: str, hour: int) -> datetime:
    """``hour`` o'clock (8 or later) in Shanghai on ``day`` (YYYY-MM-DD)."""
    y, m, d = (int(p) for p in day.split("-"))
    return datetime(y, m, d, hour - 8, 0, tzinfo=UTC)


def test_nothing_is_drafted_before_the_first_working_day(personas):
    ensure_default_template(now=NOW)
    # 1–7 October 2026 is the National Day holiday: the 8th is the first working day.
    assert jobs.auto_draft(at("2026-10-01", 9)) == []
    assert jobs.auto_draft(at("2026-10-07", 9)) == []
    assert not Report.objects.exists()


def test_a_missed_morning_is_made_up_the_next_day_until_the_deadline(personas):
    template = ensure_default_template(now=NOW)
    # The scheduler was down on Thursday 8 October; Friday's run drafts September.
    created = jobs.auto_draft(at("2026-10-09", 9))
    assert [(r.template, r.period) for r in created] == [(template, "2026-09")]
    assert created[0].deadline == date(2026, 10, 13)
    assert jobs.auto_draft(at("2026-10-12", 9)) == []


def test_after_the_deadline_a_missing_report_is_left_to_be_created_by_hand(personas):
    ensure_default_template(now=NOW)
    # September's deadline is the 5th working day of October: Tuesday 13 October (Saturday
    # the 10th is a make-up working day, 调休).
    assert jobs.auto_draft(at("2026-10-13", 9)) != []
    Report.objects.all().delete()
    assert jobs.auto_draft(at("2026-10-14", 9)) == []
    assert not Report.objects.exists()


def test_last_months_report_is_drafted_on_the_first_working_day_once(personas):
    template = ensure_default_template(now=NOW)
    make_template(personas, code="manual", auto_draft=False)
    make_template(personas, code="retired", is_active=False)
    created = jobs.auto_draft(at("2026-10-08", 9))
    assert [(r.template, r.period) for r in created] == [(template, "2026-09")]
    report = created[0]
    assert report.document["sections"] and report.deadline is not None
    assert report.sections.count() == template.sections.count()
    # A second run, or a second scheduler, finds it there.
    assert jobs.auto_draft(at("2026-10-08", 10)) == []
    assert Report.objects.count() == 1


def test_a_report_someone_already_made_is_left_alone(personas):
    template = ensure_default_template(now=NOW)
    existing = make_report(template, period="2026-11")
    assert jobs.auto_draft(at("2026-12-01", 9)) == []
    assert list(Report.objects.all()) == [existing]


@pytest.fixture
def english_readers(personas):
    """Notifications are written in each reader's language (Chinese by default): these read
    English, so the assertions below can say what the words are."""
    User.objects.filter(pk__in=[personas.alice.pk, personas.bob.pk, personas.charlie.pk]).update(
        language="en"
    )
    return personas


def titles(user):
    return list(
        Notification.objects.filter(user=user, event=Event.REPORT_DUE)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_owners_of_unfinished_sections_are_reminded_two_working_days_ahead_once(
    personas, english_readers
):
    report = make_report(make_template(personas))  # deadline Monday 7 December 2026
    report.sections.filter(key="problems").update(done=True)
    thursday = at("2026-12-03", 9)  # Friday and Monday left
    assert jobs.remind(thursday) == 1
    assert jobs.remind(thursday) == 0
    assert titles(personas.alice) == ["Due in 2 working days: 2026年11月运营服务月报"]
    assert titles(personas.charlie) == []  # their section is ready
    assert jobs.remind(at("2026-12-04", 9)) == 0  # one working day left: no reminder
    assert jobs.remind(at("2026-12-05", 9)) == 0  # Saturday


def test_owners_are_reminded_on_the_deadline_day_and_the_editor_when_overdue(
    personas, english_readers
):
    report = make_report(make_template(personas))
    jobs.remind(at("2026-12-07", 9))
    assert titles(personas.alice) == ["Due today: 2026年11月运营服务月报"]
    assert titles(personas.charlie) == ["Due today: 2026年11月运营服务月报"]
    jobs.remind(at("2026-12-08", 9))
    jobs.remind(at("2026-12-09", 9))
    assert titles(personas.bob) == ["Overdue: 2026年11月运营服务月报"]
    assert report.template.editor == personas.bob


def test_a_submitted_report_needs_no_reminder(personas, english_readers):
    report = make_report(make_template(personas))
    services.do_submit(report, actor=None, now=NOW)
    assert jobs.remind(at("2026-12-07", 9)) == 0
    assert jobs.remind(at("2026-12-08", 9)) == 0


def test_the_jobs_are_scheduled():
    names = {s.name for s in registry}
    assert "opsbook.reports.jobs.auto_draft_task" in names
    assert "opsbook.reports.jobs.report_reminders_task" in names


def test_a_rival_scheduler_that_drafted_first_is_not_an_error(personas, monkeypatch):
    template = ensure_default_template(now=NOW)
    real = drafting.do_create_report

    def rival_first(template, period, **kwargs):
        real(template, period, **kwargs)  # the other scheduler, between our check and insert
        return real(template, period, **kwargs)

    monkeypatch.setattr(jobs.drafting, "do_create_report", rival_first)
    assert jobs.auto_draft(at("2026-12-01", 9)) == []
    assert Report.objects.filter(template=template, period="2026-11").count() == 1
