"""A report's sections over the API, mounted at /api/reports/: what a section's owner does on
the draft page.

- ``GET /api/reports/{report_id}/sections/{section_id}``: the section with its paragraph as
  shown (numbers filled in), whether it was edited, and the warnings an edit raised;
- ``PUT …/narrative`` ``{"text": …, "version": N}``: save the owner's paragraph (numbers typed
  as the report shows them stay linked to their figures; the answer lists the warnings);
- ``DELETE …/narrative[?version=N]``: back to the generated paragraph;
- ``POST …/ready`` ``{"ready": true|false, "version": N}``: the owner's part is ready (no more
  deadline reminders) or not yet.

Staff read; writes are for the section's owner, the report's editor and managers while the
report is a draft or returned (403 otherwise), 409 when the section changed since ``version``,
422 for a paragraph that is empty, too long or not text. The page and these routes call the
same services (``editing.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from opsbook.core import clock
from opsbook.core.api import Id, Message, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard

from . import access, editing
from .models import Report, ReportSection

router = Router(tags=["reports"])
router.add_decorator(
    api_guard(access.can_view_reports, lambda: _("Monthly reports are for staff only.")),
    mode="operation",
)
READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Message, 422: ValidationErrors}


class NarrativeOut(Schema):
    text: str = Field(description="The paragraph as the report shows it.")
    edited: bool
    warnings: list[str] = Field(
        description="Where the paragraph contradicts or does not match the report's figures "
        "(in the language of the request)."
    )


class SectionOut(Schema):
    id: int
    report_id: int
    key: str
    title: str
    owner_id: int | None
    ready: bool = Field(description="The owner said the section is ready.")
    can_edit: bool = Field(description="You may edit this section now.")
    narrative: NarrativeOut | None = Field(description="None: the section has no paragraph.")
    version: int = Field(description="Send it back with a change to detect concurrent edits.")


class NarrativeIn(Schema):
    text: str = Field(max_length=20000, description="The paragraph (plain text).")
    version: int | None = Field(None, description="The section's version you read.")


class ReadyIn(Schema):
    ready: bool
    version: int | None = Field(None, description="The section's version you read.")


class VersionQuery(Schema):
    version: int | None = Field(None, description="The section's version you read.")


def _section(request: HttpRequest, report_id: int, section_id: int) -> ReportSection:
    report: Report = access.get_report_for_user(request.user, report_id)
    section = (
        report.sections.select_related("owner", "report__template").filter(pk=section_id).first()
    )
    if section is None:
        raise Http404(_("This report has no such section."))
    return section


def _out(request: HttpRequest, section: ReportSection) -> dict[str, Any]:
    section.refresh_from_db()
    report = Report.objects.select_related("template").get(pk=section.report_id)
    section.report = report
    document = report.document or {}
    shown = next(
        (s.get("narrative") for s in document.get("sections") or [] if s.get("key") == section.key),
        None,
    )
    can_edit = access.can_edit_section(request.user, section)
    out_narrative = None
    if shown:
        out_narrative = {
            "text": shown.get("text", ""),
            "edited": bool(shown.get("edited")),
            "warnings": editing.editor_warnings(editing.current_source(section), report)
            if can_edit
            else [],
        }
    return {
        "id": section.pk,
        "report_id": section.report_id,
        "key": section.key,
        "title": section.title,
        "owner_id": section.owner_id,
        "ready": section.done,
        "can_edit": can_edit,
        "narrative": out_narrative,
        "version": section.version,
    }


@router.get("/{report_id}/sections/{section_id}", response={200: SectionOut, **READ_ERRORS})
def get_section(request: HttpRequest, report_id: Id, section_id: Id):
    """One section of a report: its paragraph as shown, whether it is ready, your rights."""
    return _out(request, _section(request, report_id, section_id))


def _change(
    request: HttpRequest, report_id: int, section_id: int, change: Callable[..., Any]
) -> dict[str, Any]:
    """Run one of ``editing``'s services on the section as the caller; the section as now."""
    section = _section(request, report_id, section_id)
    with as_field_errors():
        change(section, actor=request.user, now=clock.now(), source="api")
    return _out(request, section)


@router.put(
    "/{report_id}/sections/{section_id}/narrative", response={200: SectionOut, **WRITE_ERRORS}
)
def edit_narrative(request: HttpRequest, report_id: Id, section_id: Id, payload: NarrativeIn):
    """Save the section's paragraph as its owner wrote it; the answer lists the warnings."""
    return _change(
        request,
        report_id,
        section_id,
        lambda section, **kw: editing.do_edit_narrative(
            section, payload.text, expected_version=payload.version, **kw
        ),
    )


@router.delete(
    "/{report_id}/sections/{section_id}/narrative", response={200: SectionOut, **WRITE_ERRORS}
)
def reset_narrative(
    request: HttpRequest, report_id: Id, section_id: Id, query: Query[VersionQuery]
):
    """Drop the owner's edit: the section shows the generated paragraph again."""
    return _change(
        request,
        report_id,
        section_id,
        lambda section, **kw: editing.do_reset_narrative(
            section, expected_version=query.version, **kw
        ),
    )


@router.post("/{report_id}/sections/{section_id}/ready", response={200: SectionOut, **WRITE_ERRORS})
def mark_ready(request: HttpRequest, report_id: Id, section_id: Id, payload: ReadyIn):
    """The section is ready (its owner gets no more deadline reminders) or not yet."""
    return _change(
        request,
        report_id,
        section_id,
        lambda section, **kw: editing.do_mark_ready(
            section, payload.ready, expected_version=payload.version, **kw
        ),
    )
