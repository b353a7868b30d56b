"""What the workflow panel of a report's page shows (``reports/_workflow.html``): the status and
deadline, the steps this user may take now (as buttons), the comments and the published
versions. The detail page's view calls ``workflow_context(request.user, report)`` and passes
the result as ``workflow``; the template only displays it."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import access, services
from .choices import CommentKind, ReportStatus
from .models import Report


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def workflow_context(user: Any, report: Report) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    if services.can_step(report, "submit") and access.can_submit(user, report):
        steps.append(
            {
                "step": "submit",
                "label": _("Submit for review"),
                "url": _url("reports:submit", report.pk),
                "field": "comment",
                "field_label": _("Comment (optional)"),
                "required": False,
                "style": "btn-primary",
            }
        )
    if services.can_step(report, "approve") and access.can_review(user, report):
        steps.append(
            {
                "step": "approve",
                "label": _("Approve"),
                "url": _url("reports:approve", report.pk),
                "field": "comment",
                "field_label": _("Comment (optional)"),
                "required": False,
                "style": "btn-success",
            }
        )
        steps.append(
            {
                "step": "return",
                "label": _("Return with comments"),
                "url": _url("reports:return", report.pk),
                "field": "comment",
                "field_label": _("What should change"),
                "required": True,
                "style": "btn-outline-danger",
                "sections": [(s.key, s.title) for s in report.sections.all()],
            }
        )
    if services.can_step(report, "publish") and access.can_publish(user, report):
        correction = report.published_version > 0
        steps.append(
            {
                "step": "publish",
                "label": _("Publish"),
                "url": _url("reports:publish", report.pk),
                "field": "change_note",
                "field_label": _("Change note (what this correction changes)")
                if correction
                else _("Change note (optional)"),
                "required": correction,
                "style": "btn-primary",
            }
        )
    if services.can_step(report, "correct") and access.can_correct(user, report):
        steps.append(
            {
                "step": "correct",
                "label": _("Start a correction"),
                "url": _url("reports:correct", report.pk),
                "field": "reason",
                "field_label": _("Why it needs a correction"),
                "required": True,
                "style": "btn-outline-secondary",
            }
        )
    comments = list(report.comments.select_related("author"))
    versions = [
        {
            "number": v.number,
            "published_at": v.published_at,
            "change_note": v.change_note,
            "on_time": v.on_time,
            "url": _url("reports:version", report.pk, v.number),
            "feedback_url": _url("reports:feedback", report.pk, v.number),
        }
        for v in report.versions.order_by("-number")
    ]
    sections = list(report.sections.select_related("owner"))
    return {
        "report": report,
        "status": report.status,
        "status_label": ReportStatus(report.status).label,
        "deadline": report.deadline,
        "on_time": services.submitted_on_time(report),
        "steps": steps,
        "comments": comments,
        "return_kind": CommentKind.RETURN,
        "versions": versions,
        "can_comment": services.access_can_comment(user, report),
        "comment_url": _url("reports:comment", report.pk),
        "comment_sections": [(s.key, s.title) for s in sections],
        "sections_ready": sum(1 for s in sections if s.done),
        "sections_total": len(sections),
        "version": report.version,
    }
