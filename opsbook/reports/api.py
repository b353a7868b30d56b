"""The reports API, mounted at /api/reports/: reports (list with filters, one with its document,
create for a template and month, rebuild the draft), the workflow's steps (submit, return,
approve, publish, correct), published versions (list, one with its frozen document), readers'
feedback on a version, and the governance figures.

Staff read every report; writes follow ``access.py`` through the services (403 when the role
does not allow it, 422 when the status does not, 409 when someone changed the report since the
``version`` sent). Customers' contacts read and rate their own customer's published versions
only (the portal's reports); every other route answers them 403."""

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.core import clock
from opsbook.core.api import Id, Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard, require

from . import access, drafting, governance, services
from .choices import ReportStatus
from .models import Report, ReportVersion

router = Router(tags=["reports"])
router.add_decorator(
    api_guard(
        lambda user: access.can_view_reports(user) or access.is_customer_contact(user),
        lambda: _("Monthly reports are for staff and, for their own reports, customers."),
    ),
    mode="operation",
)
READ_ERRORS: dict[int, Any] = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Message, 422: ValidationErrors}


def _staff(request: HttpRequest) -> None:
    require(access.can_view_reports(request.user), _("Monthly reports are for staff only."))


# --- schemas ----------------------------------------------------------------------------------


class ReportSectionOut(Schema):
    id: int = Field(description="For /api/reports/{report_id}/sections/{section_id}.")
    key: str
    title: str
    owner_id: int | None
    done: bool = Field(description="The owner said the section is ready.")
    is_edited: bool


class ReportCommentOut(Schema):
    id: int
    kind: str
    section_key: str
    body: str
    author_id: int | None
    created_at: datetime


class ReportOut(Schema):
    id: int
    template_id: int
    template_code: str
    period: str = Field(description="The month, e.g. 2026-11.")
    title: str
    status: ReportStatus
    deadline: date | None
    drafted_at: datetime | None
    submitted_at: datetime | None = Field(description="The first submission.")
    submitted_by_id: int | None
    approved_at: datetime | None
    published_at: datetime | None
    published_version: int = Field(description="The latest published version; 0: none yet.")
    on_time: bool | None = Field(description="First submitted by the end of the deadline day.")
    version: int = Field(description="Send it back with a step to detect concurrent changes.")


class ReportDetailOut(ReportOut):
    document: dict[str, Any] = Field(description="The document (see reports/document.py).")
    sections: list[ReportSectionOut]
    comments: list[ReportCommentOut]


class ReportCreateIn(Schema):
    template_id: Id
    month: str = Field(max_length=20, description="A past or the current month: 2026-11.")


class ReportStepIn(Schema):
    comment: str = Field("", max_length=5000)
    version: int | None = Field(None, description="The report's version you read.")


class ReportReturnIn(Schema):
    comment: str = Field(max_length=5000, description="What should change (required).")
    section_key: str = Field("", max_length=50, description="About one section; empty: all.")
    version: int | None = None


class ReportPublishIn(Schema):
    change_note: str = Field(
        "", max_length=5000, description="Required for a correction (version 2 and later)."
    )
    version: int | None = None


class ReportCorrectionIn(Schema):
    reason: str = Field(max_length=5000)
    version: int | None = None


class ReportCommentIn(Schema):
    body: str = Field(max_length=5000)
    section_key: str = Field("", max_length=50, description="About one section; empty: all.")


class ReportVersionOut(Schema):
    report_id: int
    number: int
    title: str
    change_note: str
    published_at: datetime
    published_by_id: int | None
    on_time: bool | None


class ReportVersionDetailOut(ReportVersionOut):
    document: dict[str, Any]


class ReportFeedbackIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class ReportFeedbackOut(Schema):
    report_id: int
    number: int
    reader_id: int
    rating: int
    comment: str
    created_at: datetime


class ReportGovernanceVersionOut(Schema):
    number: int
    published_at: datetime
    change_note: str
    rating_average: float | None
    rating_count: int


class ReportGovernanceCommentOut(Schema):
    reader: str
    rating: int
    comment: str


class ReportGovernanceRowOut(Schema):
    report_id: int
    template: str
    status: ReportStatus
    deadline: date | None
    submitted_at: datetime | None
    on_time: bool | None
    late_working_days: int
    returns: int
    versions: list[ReportGovernanceVersionOut]
    rating_average: float | None
    rating_count: int
    comments: list[ReportGovernanceCommentOut]


class ReportGovernanceMonthOut(Schema):
    period: str
    reports: list[ReportGovernanceRowOut]


# --- output -----------------------------------------------------------------------------------


def _out(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "template_id": report.template_id,
        "template_code": report.template.code,
        "period": report.period,
        "title": report.title,
        "status": report.status,
        "deadline": report.deadline,
        "drafted_at": report.drafted_at,
        "submitted_at": report.submitted_at,
        "submitted_by_id": report.submitted_by_id,
        "approved_at": report.approved_at,
        "published_at": report.published_at,
        "published_version": report.published_version,
        "on_time": services.submitted_on_time(report),
        "version": report.version,
    }


def _detail(report: Report) -> dict[str, Any]:
    report.refresh_from_db()
    return {
        **_out(report),
        "document": report.document or {},
        "sections": [
            {
                "id": s.pk,
                "key": s.key,
                "title": s.title,
                "owner_id": s.owner_id,
                "done": s.done,
                "is_edited": s.is_edited,
            }
            for s in report.sections.all()
        ],
        "comments": [
            {
                "id": c.pk,
                "kind": c.kind,
                "section_key": c.section_key,
                "body": c.body,
                "author_id": c.author_id,
                "created_at": c.created_at,
            }
            for c in report.comments.all()
        ],
    }


def _version_out(version: ReportVersion, *, document: bool = False) -> dict[str, Any]:
    data = {
        "report_id": version.report_id,
        "number": version.number,
        "title": version.title,
        "change_note": version.change_note,
        "published_at": version.published_at,
        "published_by_id": version.published_by_id,
        "on_time": version.on_time,
    }
    if document:
        data["document"] = version.document
    return data


class _ReportPage:
    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_out(r) for r in self.queryset[window]]

    def count(self) -> int:
        return int(self.queryset.count())


# --- routes -----------------------------------------------------------------------------------


@router.get("/governance", response={200: list[ReportGovernanceMonthOut], **READ_ERRORS})
def get_governance(request: HttpRequest):
    """Month by month per template: deadline, first submission (on time, or late by how many
    working days), returns, published versions, readers' ratings and comments."""
    _staff(request)
    return governance.as_json(governance.months_for(access.reports_for_user(request.user)))


@router.get("/", response={200: list[ReportOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_reports(
    request: HttpRequest,
    month: str | None = None,
    template_id: Id | None = None,
    template: str | None = None,
    status: ReportStatus | None = None,
):
    """Reports, newest month first; filter by month (2026-11), template (id or code), status."""
    _staff(request)
    reports = access.reports_for_user(request.user).select_related("template")
    if month:
        reports = reports.filter(period=month)
    if template_id is not None:
        reports = reports.filter(template_id=template_id)
    if template:
        reports = reports.filter(template__code=template)
    if status is not None:
        reports = reports.filter(status=status)
    return _ReportPage(reports.order_by("-period", "template__name", "pk"))


@router.post("/", response={201: ReportDetailOut, **WRITE_ERRORS})
def create_report(request: HttpRequest, payload: ReportCreateIn):
    """A new report of a template for a past or the current month, its draft built from the
    data (managers); 422 when that month's report exists."""
    _staff(request)
    template = access.get_template_for_user(request.user, payload.template_id)
    with as_field_errors():
        report = drafting.do_create_report(
            template, payload.month, actor=request.user, now=clock.now(), source="api"
        )
    return HttpStatus(201, _detail(report))


@router.post("/{report_id}/rebuild", response={200: ReportDetailOut, **WRITE_ERRORS})
def rebuild_report(request: HttpRequest, report_id: Id):
    """Rebuild the draft from the data as it stands (the editor or a manager, while a draft
    or returned); edited narratives are kept and re-rendered."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        drafting.do_build_draft(report, actor=request.user, now=clock.now(), source="api")
    return _detail(report)


@router.get("/{report_id}", response={200: ReportDetailOut, **READ_ERRORS})
def get_report(request: HttpRequest, report_id: Id):
    """One report with its current document, sections and the workflow's comments."""
    _staff(request)
    return _detail(access.get_report_for_user(request.user, report_id))


@router.post("/{report_id}/submit", response={200: ReportDetailOut, **WRITE_ERRORS})
def submit_report(request: HttpRequest, report_id: Id, payload: ReportStepIn):
    """Submit for review (the editor or a manager; a draft or a returned report)."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        services.do_submit(
            report,
            actor=request.user,
            now=clock.now(),
            comment=payload.comment,
            expected_version=payload.version,
            source="api",
        )
    return _detail(report)


@router.post("/{report_id}/return", response={200: ReportDetailOut, **WRITE_ERRORS})
def return_report(request: HttpRequest, report_id: Id, payload: ReportReturnIn):
    """Return a submitted report with comments (managers)."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        services.do_return(
            report,
            actor=request.user,
            now=clock.now(),
            comment=payload.comment,
            section_key=payload.section_key,
            expected_version=payload.version,
            source="api",
        )
    return _detail(report)


@router.post("/{report_id}/approve", response={200: ReportDetailOut, **WRITE_ERRORS})
def approve_report(request: HttpRequest, report_id: Id, payload: ReportStepIn):
    """Approve a submitted report (managers)."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        services.do_approve(
            report,
            actor=request.user,
            now=clock.now(),
            comment=payload.comment,
            expected_version=payload.version,
            source="api",
        )
    return _detail(report)


@router.post("/{report_id}/publish", response={201: ReportVersionDetailOut, **WRITE_ERRORS})
def publish_report(request: HttpRequest, report_id: Id, payload: ReportPublishIn):
    """Publish an approved report (managers): a new frozen version, sent to the distribution
    list."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        version = services.do_publish(
            report,
            actor=request.user,
            now=clock.now(),
            change_note=payload.change_note,
            expected_version=payload.version,
            source="api",
        )
    return HttpStatus(201, _version_out(version, document=True))


@router.post("/{report_id}/correct", response={200: ReportDetailOut, **WRITE_ERRORS})
def correct_report(request: HttpRequest, report_id: Id, payload: ReportCorrectionIn):
    """Reopen a published report as a draft to correct it (managers, with a reason)."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        services.do_start_correction(
            report,
            actor=request.user,
            now=clock.now(),
            reason=payload.reason,
            expected_version=payload.version,
            source="api",
        )
    return _detail(report)


@router.post("/{report_id}/comments", response={201: ReportCommentOut, **WRITE_ERRORS})
def comment_report(request: HttpRequest, report_id: Id, payload: ReportCommentIn):
    """A comment on the report or one of its sections (managers, the editor, section
    owners)."""
    _staff(request)
    report = access.get_report_for_user(request.user, report_id)
    with as_field_errors():
        comment = services.do_comment(
            report,
            actor=request.user,
            now=clock.now(),
            body=payload.body,
            section_key=payload.section_key,
            source="api",
        )
    return HttpStatus(
        201,
        {
            "id": comment.pk,
            "kind": comment.kind,
            "section_key": comment.section_key,
            "body": comment.body,
            "author_id": comment.author_id,
            "created_at": comment.created_at,
        },
    )


@router.get("/{report_id}/versions", response={200: list[ReportVersionOut], **READ_ERRORS})
def list_versions(request: HttpRequest, report_id: Id):
    """The report's published versions, newest first (a customer's contact: their own
    customer report's)."""
    if access.can_view_reports(request.user):
        access.get_report_for_user(request.user, report_id)  # 404 when there is none
    versions = list(
        access.versions_for_user(request.user).filter(report_id=report_id).order_by("-number")
    )
    if not versions and not access.can_view_reports(request.user):
        raise Http404
    return [_version_out(v) for v in versions]


@router.get("/{report_id}/versions/{number}", response={200: ReportVersionDetailOut, **READ_ERRORS})
def get_version(request: HttpRequest, report_id: Id, number: Id):
    """One published version with its document as it was published."""
    return _version_out(access.get_version_for_user(request.user, report_id, number), document=True)


@router.post(
    "/{report_id}/versions/{number}/feedback",
    response={200: ReportFeedbackOut, **WRITE_ERRORS},
)
def rate_version(request: HttpRequest, report_id: Id, number: Id, payload: ReportFeedbackIn):
    """Your rating (1–5) and comment on a published version; sending again replaces it."""
    version = access.get_version_for_user(request.user, report_id, number)
    with as_field_errors():
        feedback = services.do_rate(
            version,
            reader=request.user,  # type: ignore[arg-type]
            rating=payload.rating,
            comment=payload.comment,
            now=clock.now(),
            source="api",
        )
    return {
        "report_id": version.report_id,
        "number": version.number,
        "reader_id": feedback.reader_id,
        "rating": feedback.rating,
        "comment": feedback.comment,
        "created_at": feedback.created_at,
    }
