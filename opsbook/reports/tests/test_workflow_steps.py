"""The report's status machine: submit → approve or return with comments → publish, and who
may take each step."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.audit.models import AuditEntry
from opsbook.core.errors import ConflictError
from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.reports import services
from opsbook.reports.choices import CommentKind, ReportStatus
from opsbook.reports.models import ReportComment

from .workflow_helpers import NOW, make_report, make_template


@pytest.fixture
def report(personas):
    return make_report(make_template(personas))


def steps(report):
    return list(
        AuditEntry.objects.for_object(report)
        .order_by("at", "pk")
        .values_list("changes__step", flat=True)
    )


def test_the_editor_submits_a_draft_and_the_managers_hear_of_it(personas, report):
    assert personas.mia.pk  # a manager to tell
    services.do_submit(report, actor=personas.bob, now=NOW, comment="请审阅")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at == NOW and report.submitted_by == personas.bob
    assert Notification.objects.filter(user=personas.mia, event=Event.REPORT_SUBMITTED).exists()
    assert report.comments.get().body == "请审阅"
    assert steps(report) == [[None, "submit"]]


def test_a_manager_submits_too(personas, report):
    services.do_submit(report, actor=personas.mia, now=NOW)
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("who", ["alice", "charlie", "vera"])
def test_section_owners_other_agents_and_viewers_cannot_submit(personas, report, who):
    with pytest.raises(PermissionDenied):
        services.do_submit(report, actor=getattr(personas, who), now=NOW)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_report_without_its_draft_cannot_be_submitted(personas, report):
    report.document = {}
    report.save()
    with pytest.raises(ValidationError, match="Build the draft"):
        services.do_submit(report, actor=personas.bob, now=NOW)


def test_a_draft_missing_a_templates_section_cannot_be_submitted(personas, report):
    report.document["sections"] = report.document["sections"][:-1]
    report.save()
    with pytest.raises(ValidationError, match="附录"):
        services.do_submit(report, actor=personas.bob, now=NOW)


def test_a_manager_returns_it_with_comments_to_the_editor_and_the_section_owner(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    report.sections.filter(key="problems").update(done=True)
    services.do_return(
        report,
        actor=personas.mia,
        now=NOW + timedelta(hours=1),
        comment="问题分析缺少根因",
        section_key="problems",
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    comment = report.comments.get(kind=CommentKind.RETURN)
    assert (comment.body, comment.section_key, comment.author) == (
        "问题分析缺少根因",
        "problems",
        personas.mia,
    )
    told = set(
        Notification.objects.filter(event=Event.REPORT_RETURNED).values_list(
            "user__username", flat=True
        )
    )
    assert told == {"bob", "charlie"}
    assert not report.sections.get(key="problems").done


def test_a_return_without_a_comment_is_refused(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    with pytest.raises(ValidationError, match="what should change"):
        services.do_return(report, actor=personas.mia, now=NOW, comment="  ")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not ReportComment.objects.exists()


def test_a_return_about_an_unknown_section_is_refused(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    with pytest.raises(ValidationError, match="no such section"):
        services.do_return(report, actor=personas.mia, now=NOW, comment="x", section_key="nope")


def test_the_editor_cannot_review_their_own_report(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    with pytest.raises(PermissionDenied):
        services.do_approve(report, actor=personas.bob, now=NOW)
    with pytest.raises(PermissionDenied):
        services.do_return(report, actor=personas.bob, now=NOW, comment="x")


def test_a_returned_report_is_submitted_again_and_keeps_its_first_submission(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    services.do_return(report, actor=personas.mia, now=NOW, comment="再改改")
    later = NOW + timedelta(days=1)
    services.do_submit(report, actor=personas.bob, now=later)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at == NOW


def test_a_manager_approves_a_submitted_report(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    services.do_approve(report, actor=personas.mia, now=NOW, comment="同意")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.approved_by == personas.mia
    assert report.comments.filter(kind=CommentKind.APPROVAL, body="同意").exists()
    assert steps(report) == [[None, "submit"], [None, "approve"]]


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (ReportStatus.DRAFT, "approve"),
        (ReportStatus.DRAFT, "publish"),
        (ReportStatus.DRAFT, "correct"),
        (ReportStatus.SUBMITTED, "submit"),
        (ReportStatus.SUBMITTED, "publish"),
        (ReportStatus.APPROVED, "submit"),
        (ReportStatus.APPROVED, "approve"),
        (ReportStatus.RETURNED, "approve"),
        (ReportStatus.PUBLISHED, "submit"),
        (ReportStatus.PUBLISHED, "publish"),
    ],
)
def test_steps_the_status_does_not_allow_are_refused_with_the_status_named(personas, status, step):
    report = make_report(make_template(personas), status=status)
    run = {
        "submit": lambda: services.do_submit(report, actor=personas.mia, now=NOW),
        "approve": lambda: services.do_approve(report, actor=personas.mia, now=NOW),
        "publish": lambda: services.do_publish(report, actor=personas.mia, now=NOW),
        "correct": lambda: services.do_start_correction(
            report, actor=personas.mia, now=NOW, reason="x"
        ),
    }[step]
    with pytest.raises(ValidationError, match="A report that is"):
        run()
    report.refresh_from_db()
    assert report.status == status
    assert not AuditEntry.objects.for_object(report).exists()


def test_a_step_on_a_report_changed_meanwhile_is_a_conflict(personas, report):
    seen = report.version
    services.do_submit(report, actor=personas.bob, now=NOW)
    with pytest.raises(ConflictError):
        services.do_approve(report, actor=personas.mia, now=NOW, expected_version=seen)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_comments_come_from_people_working_on_the_report(personas, report):
    services.do_comment(
        report, actor=personas.alice, now=NOW, body="概述已更新", section_key="overview"
    )
    services.do_comment(report, actor=personas.mia, now=NOW, body="好")
    assert report.comments.count() == 2
    with pytest.raises(PermissionDenied):
        services.do_comment(report, actor=personas.vera, now=NOW, body="路过")
    with pytest.raises(ValidationError):
        services.do_comment(report, actor=personas.mia, now=NOW, body="")
