"""The report's pages: the list by month, a report's draft as a web page (numbered sections,
narratives, tables whose figures link to their drill-downs, ECharts charts, the appendix, the
workflow panel, downloads), a published version (frozen, read-only), rebuilding the draft and
editing one section's narrative in place (htmx). Staff only; customers get 404 (their reports
are in the portal), anonymous users the login page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.accounts.access import is_staff_member
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import requires
from opsbook.metrics import periods

from .. import access, drafting, editing, web, workflow_ui
from ..choices import EDITABLE_STATUSES, Format, ReportStatus, TemplateKind
from ..models import Report, ReportSection, ReportTemplate

PAGE_SIZE = 50


def _hidden(user: Any) -> bool:
    return not is_staff_member(user)


staff_required = requires(access.can_view_reports, hidden=_hidden)
manager_required = requires(access.can_manage_reports, hidden=_hidden)


def _url(name: str, *args: Any) -> str:
    """A URL by name, or "" while the module that serves it is not there yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def scope_label(template: ReportTemplate) -> str:
    if template.kind == TemplateKind.CUSTOMER and template.customer_id:
        return _("Customer: %(name)s") % {"name": template.customer.name}  # type: ignore[union-attr]
    if template.kind == TemplateKind.TEAM and template.team_id:
        return _("Team: %(name)s") % {"name": template.team.name}  # type: ignore[union-attr]
    return _("Whole organisation")


def is_overdue(report: Report, today) -> bool:
    return (
        report.deadline is not None
        and report.deadline < today
        and report.status not in (ReportStatus.APPROVED, ReportStatus.PUBLISHED)
    )


def _month_choices(now) -> list[str]:
    this = periods.current("month", now)
    return [this.shift(-n).code for n in range(0, 13)]


@staff_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    today = clock.localdate(now)
    reports = access.reports_for_user(request.user).select_related(
        "template", "template__team", "template__customer"
    )
    chosen = {
        "month": request.GET.get("month", "").strip(),
        "template": request.GET.get("template", "").strip(),
        "status": request.GET.get("status", "").strip(),
        "overdue": request.GET.get("overdue", "").strip(),
    }
    if chosen["month"]:
        reports = reports.filter(period=chosen["month"])
    if chosen["template"].isdigit():
        reports = reports.filter(template_id=int(chosen["template"]))
    if chosen["status"] in ReportStatus.values:
        reports = reports.filter(status=chosen["status"])
    if chosen["overdue"]:
        reports = reports.filter(deadline__lt=today).exclude(
            status__in=[ReportStatus.APPROVED, ReportStatus.PUBLISHED]
        )
    page = Paginator(reports.order_by("-period", "template__name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    months: list[dict[str, Any]] = []
    for report in page:
        row = {
            "report": report,
            "scope": scope_label(report.template),
            "overdue": is_overdue(report, today),
        }
        if months and months[-1]["period"] == report.period:
            months[-1]["rows"].append(row)
        else:
            months.append({"period": report.period, "rows": [row]})
    can_manage = access.can_manage_reports(request.user)
    templates = list(access.templates_for_user(request.user).only("pk", "name", "is_active"))
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(
        request,
        "reports/list.html",
        {
            "months": months,
            "page": page,
            "chosen": chosen,
            "query": query,
            "statuses": ReportStatus.choices,
            "templates": templates,
            "active_templates": [t for t in templates if t.is_active],
            "month_choices": _month_choices(now),
            "can_manage": can_manage,
            "can_create": can_manage,
            "governance_url": _url("reports:governance") if can_manage else "",
        },
    )


def _period_code(text: str) -> str:
    """A month's code from the form ("2026-11"); ValidationError otherwise."""
    try:
        period = periods.parse(text.strip())
    except periods.PeriodError:
        period = None
    if period is None or period.kind != "month":
        raise ValidationError(_("Choose a month (YYYY-MM)."))
    return period.code


@manager_required
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    """A new report for a template and a month, drafted at once (managers)."""
    now = clock.now()
    try:
        template = access.get_template_for_user(request.user, request.POST.get("template"))
    except Http404:
        messages.error(request, _("Choose a template."))
        return redirect("reports:list")
    try:
        code = _period_code(request.POST.get("month", ""))
        if not periods.parse(code).is_closed(now) and not request.POST.get("current"):
            # A month not yet over is allowed (a preview), but said so.
            messages.info(request, _("This month is not over: the figures will still change."))
        existing = Report.objects.filter(template=template, period=code).first()
        if existing is not None:
            messages.info(request, _("This report exists already."))
            return redirect("reports:detail", existing.pk)
        report = drafting.do_create_report(template, code, actor=request.user, now=now)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:list")
    messages.success(request, _("Report drafted from the data."))
    return redirect("reports:detail", report.pk)


def _sections_by_key(report: Report) -> dict[str, ReportSection]:
    return {s.key: s for s in report.sections.select_related("owner", "report__template")}


def _downloads(report: Report) -> list[dict[str, str]]:
    """The files of the draft; of the latest published version once the report is published."""
    found = []
    for value, label in Format.choices:
        if report.status == ReportStatus.PUBLISHED and report.published_version:
            url = _url("reports:version_download", report.pk, report.published_version, value)
        else:
            url = _url("reports:download", report.pk, value)
        if url:
            found.append({"fmt": value, "label": str(label), "url": url})
    return found


def _workflow(user: Any, report: Report) -> dict[str, Any] | None:
    context: dict[str, Any] = workflow_ui.workflow_context(user, report)
    return context


def _section_context(
    user: Any, report: Report, key: str, section: ReportSection | None, presented: dict
) -> dict[str, Any]:
    can_edit = section is not None and access.can_edit_section(user, section)
    return {
        "report": report,
        "section": next((s for s in presented["sections"] if s["key"] == key), None),
        "model_section": section,
        "can_edit": can_edit,
        "show_warnings": can_edit,
    }


@staff_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    presented = web.present(report.document or {})
    sections = _sections_by_key(report)
    can_edit_any = {key: access.can_edit_section(request.user, s) for key, s in sections.items()}
    for shown in presented["sections"]:
        shown["can_edit"] = can_edit_any.get(shown["key"], False)
        shown["show_warnings"] = shown["key"] in sections and access.can_edit_section(
            request.user, sections[shown["key"]]
        )
        model = sections.get(shown["key"])
        shown["done"] = bool(model and model.done)
        shown["owner_name"] = (model.owner.label if model and model.owner else "") or shown["owner"]
    versions = list(report.versions.order_by("-number").only("pk", "number", "published_at"))
    context = {
        "report": report,
        "doc": presented,
        "scope": scope_label(report.template),
        "overdue": is_overdue(report, clock.localdate()),
        "can_rebuild": access.can_edit_report(request.user, report),
        "downloads": _downloads(report),
        "workflow": _workflow(request.user, report),
        "versions": versions,
        "editable": report.status in EDITABLE_STATUSES,
    }
    return render(request, "reports/detail.html", context)


@staff_required
@require_POST
def report_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    """Rebuild the draft from the data (managers and the report's editor, while editable).
    Edited narratives are kept; their warnings are checked against the new figures."""
    report = access.get_report_for_user(request.user, pk)
    if not access.can_edit_report(request.user, report):
        raise PermissionDenied
    try:
        drafting.do_build_draft(report, actor=request.user, now=clock.now())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The draft was rebuilt from the data."))
    return redirect("reports:detail", report.pk)


@staff_required
@require_GET
def report_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = access.get_version_for_user(request.user, pk, number)
    presented = web.present(version.document or {})
    for shown in presented["sections"]:
        shown["can_edit"] = False
        shown["show_warnings"] = False
    downloads = [
        {
            "fmt": value,
            "label": str(label),
            "url": _url("reports:version_download", version.report_id, version.number, value),
        }
        for value, label in Format.choices
    ]
    others = list(version.report.versions.order_by("-number").only("pk", "number", "published_at"))
    return render(
        request,
        "reports/version.html",
        {
            "version": version,
            "report": version.report,
            "doc": presented,
            "scope": scope_label(version.report.template),
            "downloads": [d for d in downloads if d["url"]],
            "feedback_url": _url("reports:feedback", version.report_id, version.number),
            "versions": others,
        },
    )


def _get_section(user: Any, report: Report, key: str) -> ReportSection:
    section = report.sections.select_related("owner", "report__template").filter(key=key).first()
    if section is None:
        raise Http404("No such section.")
    return section


def _render_section(request: HttpRequest, report: Report, key: str, *, status: int = 200):
    report.refresh_from_db()
    section = _get_section(request.user, report, key)
    presented = web.present(report.document or {})
    context = _section_context(request.user, report, key, section, presented)
    shown = context["section"]
    if shown is None:
        raise Http404("The draft has no such section.")
    shown["can_edit"] = context["can_edit"]
    shown["show_warnings"] = context["show_warnings"]
    shown["done"] = section.done
    shown["owner_name"] = (section.owner.label if section.owner else "") or shown["owner"]
    return render(
        request, "reports/_document.html#narrative", {"report": report, "s": shown}, status=status
    )


@staff_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """GET: the narrative's edit form (the paragraph as shown); POST: save it (numbers typed as
    they are shown stay linked to their figures) and show the section with its warnings."""
    report = access.get_report_for_user(request.user, pk)
    section = _get_section(request.user, report, key)
    if not access.can_edit_section(request.user, section):
        raise PermissionDenied
    presented = web.present(report.document or {})
    shown = next((s for s in presented["sections"] if s["key"] == key), None)
    if shown is None or shown["narrative"] is None:
        raise Http404("This section has no narrative.")
    text = shown["narrative"]["text"]
    error = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            editing.do_edit_narrative(
                section,
                text,
                actor=request.user,
                now=clock.now(),
                expected_version=_int(request.POST.get("version")),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except ConflictError as exc:
            error = str(exc)
        else:
            if _htmx(request):
                return _render_section(request, report, key)
            messages.success(request, _("Section saved."))
            return redirect(reverse("reports:detail", args=[report.pk]) + f"#section-{key}")
    context = {
        "report": report,
        "s": shown,
        "model_section": section,
        "text": text,
        "error": error,
    }
    template = "reports/section_edit.html#form" if _htmx(request) else "reports/section_edit.html"
    return render(request, template, context, status=400 if error else 200)


@staff_required
@require_GET
def section_show(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One section as on the page (the htmx "cancel" of an edit)."""
    report = access.get_report_for_user(request.user, pk)
    return _render_section(request, report, key)


@staff_required
@require_POST
def section_reset(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Back to the generated paragraph (the edit is dropped)."""
    report = access.get_report_for_user(request.user, pk)
    section = _get_section(request.user, report, key)
    if not access.can_edit_section(request.user, section):
        raise PermissionDenied
    try:
        editing.do_reset_narrative(section, actor=request.user, now=clock.now())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    if _htmx(request):
        return _render_section(request, report, key)
    return redirect(reverse("reports:detail", args=[report.pk]) + f"#section-{key}")


@staff_required
@require_POST
def section_ready(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The section's owner (or the editor, or a manager) says the section is ready, or not yet:
    a ready section's owner gets no more deadline reminders."""
    report = access.get_report_for_user(request.user, pk)
    section = _get_section(request.user, report, key)
    if not access.can_edit_section(request.user, section):
        raise PermissionDenied
    # The form says which state it asks for (not "toggle"): a double click changes nothing.
    ready = request.POST.get("ready") == "1"
    editing.do_mark_ready(section, ready, actor=request.user, now=clock.now())
    messages.success(
        request,
        _("“%(title)s” is ready.") % {"title": section.title}
        if ready
        else _("“%(title)s” is marked not ready.") % {"title": section.title},
    )
    return redirect(reverse("reports:detail", args=[report.pk]) + f"#section-{key}")


def _htmx(request: HttpRequest) -> bool:
    """An htmx request that swaps a fragment (not a boosted page or a history restore)."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
