"""Service reports in the portal: the published versions of the customer's own organisation's
customer reports (``reports.access.versions_for_user``), read on the page or downloaded as Word,
PDF or Excel. Never a draft, never another customer's, never the organisation's report: those
answer 404 like any page outside the contact's scope. Staff are sent to the staff pages."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opsbook.core import clock
from opsbook.dashboards import builders
from opsbook.reports import access, services, web
from opsbook.reports.choices import Format
from opsbook.reports.exports import attachment, published_file
from opsbook.reports.models import Feedback

from .views import customer_required


def _staff_version(pk: int, number: int, **_kwargs) -> str:
    return reverse("reports:version", args=[pk, number])


def _staff_list(**_kwargs) -> str:
    return reverse("reports:list")


def portal_links() -> web.Relink:
    """A figure of the customer's report leads to the customer's own drill-down (their tickets
    only); figures cut further (by channel, by service) or that the portal does not show have
    no link."""
    shown = set(builders.known(builders.CUSTOMER_KEYS))
    drill = reverse("portal:dashboard:drill")

    def relink(link: str, ref: str | None) -> str | None:
        if not ref or ref not in shown:
            return None
        query = urlsplit(link).query
        return drill + (f"?{query}" if query else "")

    return relink


@customer_required(staff_url=_staff_list)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    versions = (
        access.versions_for_user(request.user)
        .select_related("report")
        .order_by("-report__period", "report_id", "-number")
    )
    latest: dict[int, dict] = {}
    for version in versions:
        row = latest.get(version.report_id)
        if row is None:
            latest[version.report_id] = {"version": version, "older": []}
        else:
            row["older"].append(version)
    return render(request, "reports/portal/list.html", {"rows": list(latest.values())})


@customer_required(staff_url=_staff_version)
@require_GET
def report_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = access.get_version_for_user(request.user, pk, number)
    presented = web.present(version.document or {}, relink=portal_links())
    feedback_url = reverse("portal:reports:feedback", args=[pk, number])
    newer = (
        access.versions_for_user(request.user)
        .filter(report_id=pk, number__gt=number)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return render(
        request,
        "reports/portal/version.html",
        {
            "version": version,
            "doc": presented,
            "downloads": [
                {
                    "fmt": value,
                    "label": label,
                    "url": reverse("portal:reports:download", args=[pk, number, value]),
                }
                for value, label in Format.choices
            ],
            "feedback_url": feedback_url,
            "newer": newer,
        },
    )


@customer_required(staff_url=_staff_version)
@require_GET
def report_download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """The published version as a file: its frozen document, exported."""
    if fmt not in Format.values:
        raise Http404("No such format.")
    version = access.get_version_for_user(request.user, pk, number)
    return attachment(published_file(version, fmt))


def _staff_feedback(pk: int, number: int, **_kwargs) -> str:
    return reverse("reports:feedback", args=[pk, number])


@customer_required(staff_url=_staff_feedback)
@require_http_methods(["GET", "POST"])
def report_feedback(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A contact rates their organisation's published report (1–5) and comments; rating again
    replaces their earlier rating. Other readers' ratings are never shown here."""
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
                source="portal",
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = list(getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:reports:version", pk, number)
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
            "rows": [],
        },
    )
