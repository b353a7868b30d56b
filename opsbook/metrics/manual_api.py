"""The manual metrics and targets API: two routers, mounted at /api/metrics/manual and
/api/metrics/targets. Staff read; administrators and managers write (others 403, from the
services); customers' contacts get 403 on every route.

Values and targets are in the metric's stored unit, as the metrics API returns figures: a rate
is a fraction 0–1, a duration is in seconds.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.core import clock
from opsbook.core.api import Message, Pagination, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard
from opsbook.core.text import clean_single_line

from . import access, services
from .models import ManualValue, Target
from .periods import Period

ERRORS = {401: Message, 403: Message, 404: Message}
LIST_ERRORS = {401: Message, 403: Message, 422: ValidationErrors}
WRITE_ERRORS = {**ERRORS, 422: ValidationErrors}

UnitName = Literal["count", "ratio", "seconds", "score", "nps", "number"]
ManualPeriodKind = Literal["day", "week", "month", "quarter", "year"]
DirectionName = Literal["at_least", "at_most"]
DimensionName = Literal[
    "category", "item", "content", "channel", "type", "priority", "team", "owner", "customer"
]


def _guard():
    return api_guard(access.can_view_metrics, lambda: _("Metrics are for staff only."))


manual_router = Router(tags=["metrics"])
manual_router.add_decorator(_guard(), mode="operation")
targets_router = Router(tags=["metrics"])
targets_router.add_decorator(_guard(), mode="operation")


# --- Schemas -----------------------------------------------------------------------------------


class ManualMetricOut(Schema):
    key: str
    code: str
    name: str
    name_en: str
    unit: UnitName
    higher_is_better: bool | None
    definition: str
    period_kind: ManualPeriodKind
    is_active: bool
    created_at: datetime


class ManualMetricIn(Schema):
    code: str = Field(min_length=1, max_length=60, description="The key is manual.<code>.")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    unit: UnitName = "number"
    higher_is_better: bool | None = None
    definition: str = Field("", max_length=4000)
    period_kind: ManualPeriodKind = "month"


class ManualMetricPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    unit: UnitName | None = None
    higher_is_better: bool | None = None
    definition: str | None = Field(None, max_length=4000)
    period_kind: ManualPeriodKind | None = None
    is_active: bool | None = None


class ManualValueOut(Schema):
    metric: str = Field(description="The metric's key.")
    period: str = Field(description="The period's code: 2026-11, 2026-Q4, 2026 …")
    start: date
    end: date = Field(description="The period's last day.")
    value: Decimal = Field(description="A rate as a fraction 0–1, a duration in seconds.")
    source: str
    entered_at: datetime
    entered_by: str | None = Field(description="The user name of who entered it.")

    @staticmethod
    def resolve_metric(obj: ManualValue) -> str:
        return obj.metric.key

    @staticmethod
    def resolve_period(obj: ManualValue) -> str:
        return Period(obj.period_kind, obj.period_start, obj.period_end).code

    @staticmethod
    def resolve_start(obj: ManualValue) -> date:
        return obj.period_start

    @staticmethod
    def resolve_end(obj: ManualValue) -> date:
        return Period(obj.period_kind, obj.period_start, obj.period_end).last_day

    @staticmethod
    def resolve_entered_by(obj: ManualValue) -> str | None:
        return obj.entered_by.username if obj.entered_by else None


class ManualValueIn(Schema):
    period: str = Field(min_length=1, max_length=30, description="As the metric is entered per.")
    value: Decimal = Field(description="A rate as a fraction 0–1, a duration in seconds.")
    source: str = Field(min_length=1, max_length=300)


class TargetOut(Schema):
    id: int
    metric: str
    dimension: DimensionName | Literal[""] = Field(description="Empty: the whole organisation.")
    code: str
    value: Decimal = Field(description="A rate as a fraction 0–1, a duration in seconds.")
    direction: DirectionName
    note: str
    updated_at: datetime
    updated_by: str | None

    @staticmethod
    def resolve_updated_by(obj: Target) -> str | None:
        return obj.updated_by.username if obj.updated_by else None


class TargetIn(Schema):
    metric: str = Field(min_length=1, max_length=80)
    dimension: DimensionName | Literal[""] = ""
    code: str = Field("", max_length=150)
    value: Decimal = Field(description="A rate as a fraction 0–1, a duration in seconds.")
    direction: DirectionName | None = Field(
        None, description="Default: at_least, or at_most when lower is better."
    )
    note: str = Field("", max_length=300)


# --- Manual metrics ------------------------------------------------------------------------------


@manual_router.get("", response={200: list[ManualMetricOut], **LIST_ERRORS})
@paginate(Pagination)
def list_manual_metrics(request, active: bool | None = None):
    """Manual metrics by code."""
    metrics = access.manual_metrics_for_user(request.user)
    if active is not None:
        metrics = metrics.filter(is_active=active)
    return metrics


@manual_router.post("", response={201: ManualMetricOut, **WRITE_ERRORS})
def create_manual_metric(request, payload: ManualMetricIn):
    with as_field_errors():
        metric = services.do_create_manual_metric(
            request.user, source="api", now=clock.now(), **payload.model_dump()
        )
    return HttpStatus(201, metric)


@manual_router.get("/{code}", response={200: ManualMetricOut, **ERRORS})
def get_manual_metric(request, code: str):
    return access.get_manual_metric_for_user(request.user, code)


@manual_router.patch("/{code}", response={200: ManualMetricOut, **WRITE_ERRORS})
def update_manual_metric(request, code: str, payload: ManualMetricPatch):
    """Change what is sent; the code never changes, the period kind only while there are no
    values."""
    metric = access.get_manual_metric_for_user(request.user, code)
    values = payload.model_dump(include=payload.model_fields_set)
    with as_field_errors():
        for name in ("name", "unit", "period_kind", "is_active"):
            if name in values and values[name] is None:
                raise DjangoValidationError({name: _("This field cannot be null.")})
        for name in ("name_en", "definition"):
            if name in values and values[name] is None:
                values[name] = ""
        return services.do_update_manual_metric(request.user, metric, source="api", **values)


@manual_router.get("/{code}/values", response={200: list[ManualValueOut], **LIST_ERRORS | ERRORS})
@paginate(Pagination)
def list_manual_values(request, code: str):
    """The metric's values, newest period first."""
    metric = access.get_manual_metric_for_user(request.user, code)
    return (
        access.manual_values_for_user(request.user, metric)
        .select_related("metric")
        .order_by("-period_start")
    )


@manual_router.post(
    "/{code}/values", response={200: ManualValueOut, 201: ManualValueOut, **WRITE_ERRORS}
)
def set_manual_value(request, code: str, payload: ManualValueIn):
    """Set the value of one period (201 when new, 200 when it replaced one); who and when are
    recorded, and the change is audited."""
    metric = access.get_manual_metric_for_user(request.user, code)
    with as_field_errors():
        value, created = services.do_set_manual_value(
            request.user,
            metric,
            period=payload.period,
            value=payload.value,
            source=payload.source,
            origin="api",
            now=clock.now(),
        )
    return HttpStatus(201 if created else 200, value)


@manual_router.delete("/{code}/values/{period}", response={204: None, **WRITE_ERRORS})
def delete_manual_value(request, code: str, period: str):
    metric = access.get_manual_metric_for_user(request.user, code)
    with as_field_errors(prefix=("path",)):
        the_period = services.read_period(metric, period)
    found = access.manual_values_for_user(request.user, metric).filter(
        period_kind=the_period.kind, period_start=the_period.start
    )
    value = found.first()
    if value is None:
        return HttpStatus(404, {"detail": _("No value for %(period)s.") % {"period": period}})
    services.do_delete_manual_value(request.user, value, origin="api")
    return HttpStatus(204, None)


# --- Targets --------------------------------------------------------------------------------------


@targets_router.get("", response={200: list[TargetOut], **LIST_ERRORS})
@paginate(Pagination)
def list_targets(request, metric: str | None = None):
    """The organisation's targets, by metric key and scope; ``metric`` keeps one metric's."""
    targets = access.targets_for_user(request.user)
    if metric:
        targets = targets.filter(metric=clean_single_line(metric)[:80])
    return targets


@targets_router.post("", response={200: TargetOut, 201: TargetOut, **WRITE_ERRORS})
def set_target(request, payload: TargetIn):
    """Set the target of a metric for the whole organisation (no ``dimension``) or for one
    code of a dimension it is cut by; replaces the one set for that scope (201 when new)."""
    with as_field_errors():
        target, created = services.do_set_target(
            request.user, source="api", now=clock.now(), **payload.model_dump()
        )
    return HttpStatus(201 if created else 200, access.get_target_for_user(request.user, target.pk))


@targets_router.get("/{target_id}", response={200: TargetOut, **ERRORS})
def get_target(request, target_id: int):
    return access.get_target_for_user(request.user, target_id)


@targets_router.delete("/{target_id}", response={204: None, **WRITE_ERRORS})
def delete_target(request, target_id: int):
    target = access.get_target_for_user(request.user, target_id)
    services.do_delete_target(request.user, target, source="api")
    return HttpStatus(204, None)


__all__ = ["manual_router", "targets_router"]
