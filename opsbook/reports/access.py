"""Who may see and change monthly reports.

- Staff (admin, manager, agent, viewer) read every report and template of the organisation.
- Administrators and managers create reports and templates, edit any section, review (approve,
  return) and publish. A report's editor (the template's ``editor``) may edit every section,
  rebuild the draft and submit. A section's owner edits that section's narrative.
- Customer contacts see only the published versions of their own organisation's customer
  reports, in the portal (never drafts, never another customer's, never the organisation's).
Outside scope a page answers 404 and the API 404/403, like every other app.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role

from .choices import EDITABLE_STATUSES, ReportStatus, TemplateKind
from .models import Report, ReportSection, ReportTemplate, ReportVersion


def is_customer_contact(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.role == Role.CUSTOMER
    ) and bool(user.customer_id)


def can_view_reports(user) -> bool:
    return is_staff_member(user)


def can_manage_reports(user) -> bool:
    """Create reports and templates, review, approve, publish, correct: admins and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_manage_templates(user) -> bool:
    return can_manage_reports(user)


def is_editor(user, report: Report) -> bool:
    """The template's editor; a viewer named editor still only reads."""
    return (
        is_staff_member(user) and user.role != Role.VIEWER and report.template.editor_id == user.pk
    )


def can_edit_report(user, report: Report) -> bool:
    """Rebuild the draft, edit any section, submit: managers and the report's editor, while
    the report is a draft or returned."""
    if report.status not in EDITABLE_STATUSES:
        return False
    return can_manage_reports(user) or is_editor(user, report)


def can_edit_section(user, section: ReportSection) -> bool:
    report = section.report
    if report.status not in EDITABLE_STATUSES:
        return False
    return can_edit_report(user, report) or (
        is_staff_member(user) and user.role != Role.VIEWER and section.owner_id == user.pk
    )


def can_submit(user, report: Report) -> bool:
    return can_edit_report(user, report)


def can_review(user, report: Report) -> bool:
    """Approve or return a submitted report: managers (not the one who submitted it, when
    another manager exists, is a policy the organisation sets; not enforced here)."""
    return can_manage_reports(user) and report.status == ReportStatus.SUBMITTED


def can_publish(user, report: Report) -> bool:
    return can_manage_reports(user) and report.status == ReportStatus.APPROVED


def can_correct(user, report: Report) -> bool:
    """Start a correction of a published report (a new version with a change note)."""
    return can_manage_reports(user) and report.status == ReportStatus.PUBLISHED


def reports_for_user(user) -> QuerySet[Report]:
    if not can_view_reports(user):
        return Report.objects.none()
    return Report.objects.all()


def get_report_for_user(user, pk) -> Report:
    try:
        return reports_for_user(user).select_related("template").get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report.") from None


def templates_for_user(user) -> QuerySet[ReportTemplate]:
    if not can_view_reports(user):
        return ReportTemplate.objects.none()
    return ReportTemplate.objects.all()


def get_template_for_user(user, pk) -> ReportTemplate:
    try:
        return templates_for_user(user).get(pk=pk)
    except (ReportTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404("No such template.") from None


def versions_for_user(user) -> QuerySet[ReportVersion]:
    """Published versions a user may read: staff all; a customer contact those of their own
    organisation's customer reports."""
    if can_view_reports(user):
        return ReportVersion.objects.all()
    if is_customer_contact(user):
        return ReportVersion.objects.filter(
            report__template__kind=TemplateKind.CUSTOMER,
            report__template__customer_id=user.customer_id,
        )
    return ReportVersion.objects.none()


def get_version_for_user(user, report_pk, number) -> ReportVersion:
    try:
        return (
            versions_for_user(user)
            .select_related("report", "report__template")
            .get(report_id=report_pk, number=number)
        )
    except (ReportVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report version.") from None
