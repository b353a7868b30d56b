"""The metrics API, mounted at /api/metrics/: the same figures as ``opsbook metrics --json``
and the definitions of every metric. Staff only; customers get 403 (their portal dashboard is
built with the scope forced to their organisation)."""

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from opsbook.accounts.access import is_staff_member
from opsbook.core import clock
from opsbook.core.api import Message, ValidationErrors
from opsbook.core.permissions import api_guard

from . import engine, registry
from .periods import PERIOD_FORMS, PeriodError, parse

router = Router(tags=["metrics"])
router.add_decorator(
    api_guard(is_staff_member, lambda: _("Metrics are for staff only.")), mode="operation"
)
ERRORS = {401: Message, 403: Message}


class MetricPeriodOut(Schema):
    start: str = Field(description="The first day, YYYY-MM-DD.")
    end: str = Field(description="The last day included, YYYY-MM-DD.")
    time_zone: str


class MetricFigureOut(Schema):
    value: float | None
    previous: float | None
    change: float | None = Field(description="value − previous")
    change_pct: float | None = Field(description="change / |previous|; null if previous is 0")
    last_year: float | None
    unit: str
    target: float | None
    status: str | None = Field(description='"met", "missed" or null')
    by: dict[str, Any] | None = Field(
        None, description="Only with `by`: the same keys for each dimension code ('' = none)."
    )


class MetricsOut(Schema):
    period: MetricPeriodOut
    metrics: dict[str, MetricFigureOut]


class MetricDefinitionOut(Schema):
    key: str
    name: str
    unit: str
    direction: str | None = Field(description='"higher", "lower" or null (neither is better)')
    definition: str
    dimensions: list[str]
    point_in_time: bool


def _invalid(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


@router.get(
    "/", response={200: MetricsOut, **ERRORS, 422: ValidationErrors}, summary="Metric values"
)
def metric_values(
    request,
    period: str,
    metric: list[str] | None = Query(None),  # noqa: B008
    by: str | None = None,
    category: str | None = None,
    item: str | None = None,
    content: str | None = None,
    channel: str | None = None,
    type: str | None = None,
    priority: str | None = None,
    team: str | None = None,
    owner: str | None = None,
    customer: str | None = None,
):
    """The figures of ``period`` (2026-11, 2026-Q4, 2026-W45, 2026, 2026-11-05,
    2026-11-01..2026-11-15), each with the previous period and the same period last year,
    target and status; ``metric`` (repeatable) picks keys, ``by`` cuts by a dimension, and a
    dimension parameter (``item=A01``) keeps only its code."""
    try:
        chosen = parse(period)
    except PeriodError:
        raise _invalid("period", _("Use one of %(forms)s.") % {"forms": PERIOD_FORMS}) from None
    given = {
        "category": category, "item": item, "content": content, "channel": channel,
        "type": type, "priority": priority, "team": team, "owner": owner, "customer": customer,
    }  # fmt: skip
    scope = {d: code for d, code in given.items() if code is not None}
    if by is not None and by not in registry.Dimension.values:
        raise _invalid(
            "by", _("Use one of %(dims)s.") % {"dims": ", ".join(registry.Dimension.values)}
        )
    for key in metric or []:
        if registry.get(key) is None:
            raise _invalid("metric", _("Unknown metric %(key)s.") % {"key": key})
    overview = engine.evaluate(metric or None, chosen, by=by, scope=scope, now=clock.now())
    return JsonResponse(overview.as_json(), json_dumps_params={"ensure_ascii": False})


@router.get(
    "/definitions",
    response={200: list[MetricDefinitionOut], **ERRORS},
    summary="Metric definitions",
)
def metric_definitions(request):
    """Every metric: key, name, unit, which direction is good, its exact definition and the
    dimensions it can be cut by."""
    return [
        {
            "key": m.key,
            "name": str(m.name),
            "unit": m.unit,
            "direction": (
                None if m.higher_is_better is None else "higher" if m.higher_is_better else "lower"
            ),
            "definition": str(m.definition),
            "dimensions": sorted(m.dimensions),
            "point_in_time": m.point_in_time,
        }
        for m in registry.metrics()
    ]
