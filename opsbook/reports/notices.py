"""What monthly reports say when they notify: submitted for review, returned with comments,
published (to the distribution list, and the summary card of a chat channel or a plain e-mail
address), and the reminders before and at the deadline.

Each function returns a ``do_notify`` message: a zero-argument callable giving (title, body),
called once per reader with the reader's language active. Paths are built here too, so every
message points where the pages are."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import Report, ReportVersion

Message = Callable[[], tuple[str, str]]
SUMMARY_CHARS = 300
SUMMARY_FIGURES = 4


def _path(name: str, args: list, fallback: str) -> str:
    """The page's path; ``fallback`` while the page is not mounted (a test of the services
    alone, or a build without the portal)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def report_path(report: Report) -> str:
    return _path("reports:detail", [report.pk], f"/reports/{report.pk}/")


def version_path(version: ReportVersion) -> str:
    return _path(
        "reports:version",
        [version.report_id, version.number],
        f"/reports/{version.report_id}/versions/{version.number}/",
    )


def portal_version_path(version: ReportVersion) -> str:
    return _path(
        "portal:reports:version",
        [version.report_id, version.number],
        f"/portal/reports/{version.report_id}/versions/{version.number}/",
    )


def _deadline(report: Report) -> str:
    return report.deadline.isoformat() if report.deadline else _("no deadline")


def submitted_message(report: Report, by: str) -> Message:
    def message() -> tuple[str, str]:
        names = {"title": report.title, "by": by, "deadline": _deadline(report)}
        return (
            _("For review: %(title)s") % names,
            _("%(by)s submitted %(title)s for review. Approve it or return it with comments.")
            % names,
        )

    return message


def returned_message(report: Report, by: str, comment: str) -> Message:
    def message() -> tuple[str, str]:
        names = {"title": report.title, "by": by, "comment": comment}
        return (
            _("Returned: %(title)s") % names,
            _("%(by)s returned %(title)s with comments: %(comment)s") % names,
        )

    return message


def summary(document: dict) -> str:
    """A few lines for a card or an e-mail: the overview's paragraph (shortened) and the first
    figures with their values, as the document prints them."""
    lines: list[str] = []
    for section in document.get("sections") or []:
        narrative = section.get("narrative") or {}
        text = (narrative.get("text") or "").strip()
        if text:
            if len(text) > SUMMARY_CHARS:
                text = text[: SUMMARY_CHARS - 1] + "…"
            lines.append(text)
            break
    figures = list((document.get("figures") or {}).values())[:SUMMARY_FIGURES]
    for figure in figures:
        shown = (figure.get("display") or {}).get("value")
        if shown:
            lines.append(f"{figure.get('name', figure.get('ref', ''))}: {shown}")
    return "\n".join(lines)


def published_message(version: ReportVersion) -> Message:
    def message() -> tuple[str, str]:
        names = {"title": version.title, "number": version.number}
        if version.number > 1:
            title = _("Corrected: %(title)s (version %(number)s)") % names
            lead = _("A corrected version of %(title)s is published. What changed: %(note)s") % {
                **names,
                "note": version.change_note,
            }
        else:
            title = _("Published: %(title)s") % names
            lead = _("%(title)s is published.") % names
        body = "\n\n".join(part for part in (lead, summary(version.document)) if part)
        return title, body

    return message


def section_due_message(report: Report, section_titles: list[str], days_left: int) -> Message:
    def message() -> tuple[str, str]:
        names = {
            "title": report.title,
            "deadline": _deadline(report),
            "sections": "、".join(section_titles),
            "days": days_left,
        }
        if days_left > 0:
            head = _("Due in %(days)s working days: %(title)s") % names
        else:
            head = _("Due today: %(title)s") % names
        return (
            head,
            _(
                "Your sections of %(title)s (%(sections)s) are not marked ready. The report "
                "is due on %(deadline)s."
            )
            % names,
        )

    return message


def overdue_message(report: Report) -> Message:
    def message() -> tuple[str, str]:
        names = {"title": report.title, "deadline": _deadline(report)}
        return (
            _("Overdue: %(title)s") % names,
            _("%(title)s was due on %(deadline)s and has not been submitted yet.") % names,
        )

    return message
