"""Manual metrics: the list (each metric with its last twelve values), a metric's page (its
values, the entry form and its history), creating and editing a metric, and the Excel import of
values with its template."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.audit.models import AuditEntry
from opsbook.core import clock
from opsbook.core.middleware import body_limit

from .. import access, manual_excel, services
from ..forms import ManualImportForm, ManualMetricForm, ManualValueForm, display
from ..models import ManualMetric, ManualValue
from ..periods import Period, PeriodKind
from ..registry import Unit
from .common import add_errors, htmx_template, manager_required, staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 12  # values shown per metric on the list
HISTORY = 30  # audit entries shown on a metric's page
SPARK_WIDTH, SPARK_HEIGHT = 120, 28


@dataclass
class ShownValue:
    period: str
    text: str
    value: float


@dataclass
class MetricRow:
    metric: ManualMetric
    unit: str
    period_kind: str
    values: list[ShownValue]  # oldest first
    latest: ShownValue | None
    sparkline: str  # SVG polyline points, "" with fewer than two values


def _period_code(value: ManualValue) -> str:
    return Period(value.period_kind, value.period_start, value.period_end).code


def _sparkline(numbers: list[float]) -> str:
    if len(numbers) < 2:
        return ""
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / (len(numbers) - 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 2 - (n - low) / span * (SPARK_HEIGHT - 4):.1f}"
        for i, n in enumerate(numbers)
    )


def _recent_values(metrics: list[ManualMetric]) -> dict[int, list[ManualValue]]:
    """The last ``RECENT`` values of each metric, newest first: one query (a window function)."""
    ranked = (
        ManualValue.objects.filter(metric__in=metrics)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("metric_id")], order_by=F("period_start").desc()
            )
        )
        .filter(rank__lte=RECENT)
        .order_by("metric_id", "-period_start")
    )
    found: dict[int, list[ManualValue]] = {m.pk: [] for m in metrics}
    for value in ranked:
        found[value.metric_id].append(value)
    return found


def _row(metric: ManualMetric, newest_first: list[ManualValue]) -> MetricRow:
    shown = [
        ShownValue(_period_code(v), display(metric.unit, v.value), float(v.value))
        for v in reversed(newest_first)
    ]
    return MetricRow(
        metric=metric,
        unit=str(Unit(metric.unit).label),
        period_kind=str(PeriodKind(metric.period_kind).label),
        values=shown,
        latest=shown[-1] if shown else None,
        sparkline=_sparkline([s.value for s in shown]),
    )


@staff_required
@require_GET
def manual_list(request):
    metrics = list(access.manual_metrics_for_user(request.user))
    recent = _recent_values(metrics) if metrics else {}
    rows = [_row(m, recent.get(m.pk, [])) for m in metrics]
    return render(
        request,
        "metrics/manual_list.html",
        {
            "rows": rows,
            "can_edit": access.can_manage_metrics(request.user),
            "spark_width": SPARK_WIDTH,
            "spark_height": SPARK_HEIGHT,
        },
    )


@dataclass
class ValueRow:
    value: ManualValue
    period: str
    text: str


def _history(metric: ManualMetric) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(
        Q(object_type="metrics.manualmetric", object_id=str(metric.pk))
        | Q(parent_type="metrics.manualmetric", parent_id=str(metric.pk))
    )
    return list(entries.select_related("actor")[:HISTORY])


def _metric_context(request, metric: ManualMetric, form: ManualValueForm | None) -> dict:
    values = access.manual_values_for_user(request.user, metric).order_by("-period_start")
    can_edit = access.can_manage_metrics(request.user)
    return {
        "metric": metric,
        "unit": Unit(metric.unit).label,
        "period_kind": PeriodKind(metric.period_kind).label,
        "rows": [ValueRow(v, _period_code(v), display(metric.unit, v.value)) for v in values],
        "form": form
        if form is not None
        else (ManualValueForm(metric=metric) if can_edit else None),
        "can_edit": can_edit,
        "history": _history(metric),
    }


@staff_required
def manual_detail(request, code: str):
    """The metric's values, newest first, and (for managers) the form to enter one: posted with
    htmx, the values section is swapped in place."""
    metric = access.get_manual_metric_for_user(request.user, code)
    form = None
    if request.method == "POST":
        if not access.can_manage_metrics(request.user):
            raise PermissionDenied
        form = ManualValueForm(request.POST, metric=metric)
        if form.is_valid():
            try:
                value, _created = services.do_set_manual_value(
                    request.user, metric, now=clock.now(), **form.values()
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                text = _("%(period)s: %(value)s saved.") % {
                    "period": _period_code(value),
                    "value": display(metric.unit, value.value),
                }
                if not request.htmx:
                    messages.success(request, text)
                    return redirect("metrics:manual_detail", code=metric.code)
                form = ManualValueForm(metric=metric)
                context = _metric_context(request, metric, form)
                context["saved"] = text
                return render(request, "metrics/manual_detail.html#values", context)
    context = _metric_context(request, metric, form)
    return render(request, htmx_template(request, "metrics/manual_detail.html", "values"), context)


@manager_required
@require_POST
def manual_value_delete(request, code: str, pk: int):
    metric = access.get_manual_metric_for_user(request.user, code)
    value = access.get_manual_value_for_user(request.user, metric, pk)
    period = _period_code(value)
    services.do_delete_manual_value(request.user, value)
    text = _("The value for %(period)s was deleted.") % {"period": period}
    if request.htmx:
        context = _metric_context(request, metric, None)
        context["saved"] = text
        return render(request, "metrics/manual_detail.html#values", context)
    messages.success(request, text)
    return redirect("metrics:manual_detail", code=metric.code)


@manager_required
def manual_new(request):
    form = ManualMetricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            metric = services.do_create_manual_metric(request.user, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Manual metric %(name)s was created.") % {"name": metric})
            return redirect("metrics:manual_detail", code=metric.code)
    return render(request, "metrics/manual_form.html", {"form": form, "metric": None})


@manager_required
def manual_edit(request, code: str):
    metric = access.get_manual_metric_for_user(request.user, code)
    form = ManualMetricForm(request.POST or None, instance=metric)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_manual_metric(request.user, metric, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Manual metric %(name)s was saved.") % {"name": metric.name}
            )
            return redirect("metrics:manual_detail", code=metric.code)
    return render(request, "metrics/manual_form.html", {"form": form, "metric": metric})


# --- Excel -------------------------------------------------------------------------------------


def _xlsx_response(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    filename = f"{stem}-{clock.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def manual_template(request):
    return _xlsx_response(manual_excel.write_template(), "opsbook-manual-metrics-template")


@body_limit("IMPORT_MAX_BYTES")
@manager_required
def manual_import(request):
    """Upload a values workbook: every row is checked; a file with any problem writes nothing
    and the problems are listed by sheet, row and column."""
    form = ManualImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = manual_excel.import_values(
            upload.read(), upload.name or "", actor=request.user, now=clock.now()
        )
        if report.ok:
            messages.success(
                request,
                _(
                    "%(file)s was imported: %(created)d new, %(updated)d changed, "
                    "%(unchanged)d unchanged."
                )
                % {"file": upload.name, **report.summary},
            )
            return redirect("metrics:manual_list")
    return render(
        request,
        "metrics/manual_import.html",
        {"form": form, "report": report, "max_bytes": settings.IMPORT_MAX_BYTES},
    )
