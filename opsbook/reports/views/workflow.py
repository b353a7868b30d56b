"""The report's workflow pages: the steps (submit, return, approve, publish, start a
correction) as POSTs that go back to the report's page, a reader's rating of a published
version, the distribution list of a template, and the governance view. Staff only (customers
rate their reports in the portal); every step's permission is decided by the services through
``access.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import requires
from opsbook.notify.models import Channel

from .. import access, governance, services
from ..choices import RecipientKind, TemplateKind
from ..models import Feedback


def _hidden(user: Any) -> bool:
    return not is_staff_member(user)


staff_required = requires(access.can_view_reports, hidden=_hidden)
manager_required = requires(access.can_manage_templates, hidden=_hidden)


def _detail_url(pk: int) -> str:
    try:
        return reverse("reports:detail", args=[pk])
    except NoReverseMatch:
        return reverse("reports:governance")


def _back(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _expected(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _step(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    try:
        run(report, _expected(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except ConflictError as exc:
        messages.error(request, str(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Your role does not allow this."))
    else:
        messages.success(request, done)
    return _back(request, _detail_url(report.pk))


@staff_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda report, expected: services.do_submit(
            report,
            actor=request.user,
            now=clock.now(),
            comment=request.POST.get("comment", ""),
            expected_version=expected,
        ),
        _("Submitted for review."),
    )


@staff_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment on the report or one of its sections, by someone working on it."""
    return _step(
        request,
        pk,
        lambda report, _expected: services.do_comment(
            report,
            actor=request.user,
            now=clock.now(),
            body=request.POST.get("body", ""),
            section_key=request.POST.get("section_key", ""),
        ),
        _("Comment added."),
    )


@staff_required
@require_POST
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda report, expected: services.do_return(
            report,
            actor=request.user,
            now=clock.now(),
            comment=request.POST.get("comment", ""),
            section_key=request.POST.get("section_key", ""),
            expected_version=expected,
        ),
        _("Returned with comments."),
    )


@staff_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda report, expected: services.do_approve(
            report,
            actor=request.user,
            now=clock.now(),
            comment=request.POST.get("comment", ""),
            expected_version=expected,
        ),
        _("Approved."),
    )


@staff_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda report, expected: services.do_publish(
            report,
            actor=request.user,
            now=clock.now(),
            change_note=request.POST.get("change_note", ""),
            expected_version=expected,
        ),
        _("Published and sent to the distribution list."),
    )


@staff_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda report, expected: services.do_start_correction(
            report,
            actor=request.user,
            now=clock.now(),
            reason=request.POST.get("reason", ""),
            expected_version=expected,
        ),
        _("The report is a draft again; publish it with a change note when corrected."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = access.get_version_for_user(request.user, pk, number)
    mine = Feedback.objects.filter(version=version, reader_id=request.user.pk).first()
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.do_rate(
                version,
                reader=request.user,  # type: ignore[arg-type]
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", ""),
                now=clock.now(),
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("Thank you for your rating."))
            return _back(request, _detail_url(version.report_id))
    rows = list(version.feedback.select_related("reader"))
    return render(
        request,
        "reports/feedback.html",
        {
            "version": version,
            "report": version.report,
            "mine": mine,
            "errors": errors,
            "ratings": [5, 4, 3, 2, 1],
            "posted": request.POST if request.method == "POST" else None,
            "rows": rows if access.can_manage_reports(request.user) else [],
        },
    )


def _entries(request: HttpRequest, customer_template: bool) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for raw in request.POST.getlist("users"):
        if raw.isdigit():
            user = User.objects.filter(pk=int(raw)).first()
            entries.append({"kind": RecipientKind.USER, "user": user})
    for line in request.POST.get("emails", "").replace(",", "\n").splitlines():
        if line.strip():
            entries.append({"kind": RecipientKind.EMAIL, "email": line.strip()})
    for raw in request.POST.getlist("channels"):
        if raw.isdigit():
            channel = Channel.objects.filter(pk=int(raw)).first()
            entries.append({"kind": RecipientKind.CHANNEL, "channel": channel})
    if customer_template and request.POST.get("customer"):
        entries.append({"kind": RecipientKind.CUSTOMER})
    return entries


@manager_required
@require_http_methods(["GET", "POST"])
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_template_for_user(request.user, pk)
    is_customer = template.kind == TemplateKind.CUSTOMER and template.customer_id is not None
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.do_save_recipients(
                template,
                _entries(request, is_customer),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("Distribution list saved."))
            return redirect("reports:recipients", pk=template.pk)
    current = list(template.recipients.select_related("user", "channel"))
    wanted = ~Q(role=Role.CUSTOMER)
    if is_customer:
        wanted |= Q(role=Role.CUSTOMER, customer_id=template.customer_id)
    people = User.objects.filter(wanted, is_active=True)
    return render(
        request,
        "reports/recipients.html",
        {
            "template": template,
            "is_customer": is_customer,
            "errors": errors,
            "people": people.order_by("username"),
            "channels": Channel.objects.filter(is_active=True).order_by("name"),
            "chosen_users": {r.user_id for r in current if r.kind == RecipientKind.USER},
            "chosen_channels": {r.channel_id for r in current if r.kind == RecipientKind.CHANNEL},
            "emails": "\n".join(r.email for r in current if r.kind == RecipientKind.EMAIL),
            "customer_chosen": any(r.kind == RecipientKind.CUSTOMER for r in current),
            "current": current,
        },
    )


@staff_required
def governance_page(request: HttpRequest) -> HttpResponse:
    months = governance.months_for(access.reports_for_user(request.user))
    return render(request, "reports/governance.html", {"months": months})
