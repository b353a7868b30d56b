"""Writes to manual metrics, their values and the organisation's targets. Every function is one
transaction, checks the actor's permission itself (``access.check_can_manage``: administrators
and managers) and records its audit entry; ``now`` is passed by tests (``clock.or_now``).
An ``actor`` of ``None`` is the system (a command, the demo loader, a test factory).

Values are stored in the metric's own unit: rates as fractions 0–1, durations in seconds. The
pages convert what a manager types (a percentage, minutes) before calling these.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.core import clock
from opsbook.core.text import multi_line, single_line

from . import periods, registry
from .access import check_can_manage, dimension_code_exists
from .models import Direction, ManualMetric, ManualValue, Target
from .periods import Period, PeriodError, PeriodKind
from .registry import Dimension, Unit

MANUAL_METRIC_FIELDS = (
    "code",
    "name",
    "name_en",
    "unit",
    "higher_is_better",
    "definition",
    "period_kind",
    "is_active",
)
VALUE_FIELDS = ("period", "value", "source")
TARGET_FIELDS = ("value", "direction", "note")
# The periods a manual metric is entered per: a custom range has no neighbours to compare with.
MANUAL_PERIOD_KINDS = (
    PeriodKind.DAY,
    PeriodKind.WEEK,
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.YEAR,
)
VALUE_LIMIT = Decimal("99999999999999")  # 14 digits before the point (max_digits=18, 4 after)
TARGET_LIMIT = Decimal("9999999999")  # 10 digits before the point (max_digits=14, 4 after)


# --- Manual metrics ------------------------------------------------------------------------------


def _check_text(**fields: tuple[str, bool]) -> None:
    """ValidationError on the first field holding control characters (line breaks and tabs
    are allowed where the flag says the text may span lines)."""
    for name, (text, lines) in fields.items():
        try:
            (multi_line if lines else single_line)(text)
        except ValidationError as exc:
            raise ValidationError({name: exc.messages}) from None


def _check_manual_metric(metric: ManualMetric) -> None:
    if metric.period_kind not in MANUAL_PERIOD_KINDS:
        raise ValidationError(
            {"period_kind": _("A manual metric is entered per day, week, month, quarter or year.")}
        )
    metric.code = (metric.code or "").strip()
    metric.name = (metric.name or "").strip()
    metric.name_en = (metric.name_en or "").strip()
    _check_text(name=(metric.name, False), name_en=(metric.name_en, False))
    _check_text(definition=(metric.definition or "", True))
    metric.full_clean()
    if metric.code.casefold() in RESERVED_CODES:
        raise ValidationError({"code": _("This code is reserved; choose another.")})


# Words the pages use in their addresses (/metrics/manual/new/).
RESERVED_CODES = frozenset({"new", "import", "template"})


@transaction.atomic
def do_create_manual_metric(
    actor, *, source: str = "web", now: datetime | None = None, **values
) -> ManualMetric:
    """Define a manual metric (its key is ``manual.<code>``)."""
    check_can_manage(actor)
    unknown = set(values) - set(MANUAL_METRIC_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    metric = ManualMetric(**values)
    metric.created_at = clock.or_now(now)
    metric.created_by = actor if getattr(actor, "pk", None) else None
    _check_manual_metric(metric)
    taken = registry.get(metric.key)
    if taken is not None and taken.family != "manual":
        raise ValidationError({"code": _("This key is taken by a built-in metric.")})
    metric.save()
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=metric,
        source=source,
        changes=audit.diff({}, audit.snapshot(metric, values)),
    )
    return metric


@transaction.atomic
def do_update_manual_metric(
    actor, metric: ManualMetric, *, source: str = "web", **values
) -> ManualMetric:
    """Change a manual metric's name, unit, direction, definition or active flag. Its code
    (and so its key, which goals and targets store) and its period kind once it has values
    do not change."""
    check_can_manage(actor)
    unknown = set(values) - set(MANUAL_METRIC_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    metric = ManualMetric.objects.select_for_update().get(pk=metric.pk)
    if "code" in values and values["code"] != metric.code:
        raise ValidationError({"code": _("A metric's code cannot change: its key is stored.")})
    if (
        "period_kind" in values
        and values["period_kind"] != metric.period_kind
        and metric.values.exists()
    ):
        raise ValidationError(
            {"period_kind": _("The metric has values: its period kind cannot change.")}
        )
    before = audit.snapshot(metric, values)
    for name, value in values.items():
        setattr(metric, name, value)
    _check_manual_metric(metric)
    metric.save()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=metric,
        source=source,
        changes=audit.diff(before, audit.snapshot(metric, values)),
    )
    return metric


# --- Manual values ------------------------------------------------------------------------------


def read_period(metric: ManualMetric, text: str | Period) -> Period:
    """The period ``text`` names, which must be of the metric's kind (2026-11 for a monthly
    metric); ValidationError on ``period`` otherwise."""
    if isinstance(text, Period):
        period = text
    else:
        try:
            period = periods.parse(str(text))
        except PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from None
    if period.kind != metric.period_kind:
        raise ValidationError(
            {
                "period": _("%(metric)s is entered per %(kind)s: write a period like %(example)s.")
                % {
                    "metric": metric.code,
                    "kind": PeriodKind(metric.period_kind).label,
                    "example": PERIOD_EXAMPLES[metric.period_kind],
                }
            }
        )
    return period


PERIOD_EXAMPLES: dict[str, str] = {
    PeriodKind.DAY: "2026-11-05",
    PeriodKind.WEEK: "2026-W45",
    PeriodKind.MONTH: "2026-11",
    PeriodKind.QUARTER: "2026-Q4",
    PeriodKind.YEAR: "2026",
}


def read_value(metric: ManualMetric, value) -> Decimal:
    """A value as stored (a rate as a fraction 0–1); ValidationError on ``value`` otherwise."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Not a number: %(text)s.") % {"text": value}}) from None
    if not number.is_finite() or abs(number) > VALUE_LIMIT:
        raise ValidationError({"value": _("The number is out of range.")})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationError({"value": _("At most four decimal places.")})
    if metric.unit == Unit.RATIO and not Decimal(0) <= number <= Decimal(1):
        raise ValidationError(
            {
                "value": _(
                    "A rate is a share from 0 to 1 (a percentage from 0 to 100); %(value)s is not."
                )
                % {"value": format(number.normalize(), "f")}
            }
        )
    if metric.unit in (Unit.COUNT, Unit.SECONDS) and number < 0:
        raise ValidationError({"value": _("This metric cannot be negative.")})
    return number


def _value_label(value: ManualValue) -> dict:
    return {
        "period": periods.Period(value.period_kind, value.period_start, value.period_end).code,
        "value": value.value,
        "source": value.source,
    }


@transaction.atomic
def do_set_manual_value(
    actor,
    metric: ManualMetric,
    *,
    period: str | Period,
    value,
    source: str,
    origin: str = "web",
    now: datetime | None = None,
) -> tuple[ManualValue, bool]:
    """Enter (or replace) the metric's value for one period, with where it came from; who
    entered it and when are recorded. (value, created). Entering the same value and source
    again changes nothing and writes no audit entry."""
    check_can_manage(actor)
    now = clock.or_now(now)
    the_period = read_period(metric, period)
    number = read_value(metric, value)
    source = " ".join(str(source or "").split())
    if not source:
        raise ValidationError({"source": _("Say where the value comes from.")})
    if len(source) > 300:
        raise ValidationError({"source": _("At most 300 characters.")})
    _check_text(source=(source, False))
    row = (
        ManualValue.objects.select_for_update()
        .filter(metric=metric, period_kind=the_period.kind, period_start=the_period.start)
        .first()
    )
    if row is not None:
        before = _value_label(row)
        if row.value == number and row.source == source:
            return row, False
        row.value, row.source = number, source
        row.entered_at, row.entered_by = now, actor if getattr(actor, "pk", None) else None
        row.save()
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=row,
            parent=metric,
            source=origin,
            changes=audit.diff(before, _value_label(row)),
        )
        return row, False
    row = ManualValue.objects.create(
        metric=metric,
        period_kind=the_period.kind,
        period_start=the_period.start,
        period_end=the_period.end,
        value=number,
        source=source,
        entered_at=now,
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=row,
        parent=metric,
        source=origin,
        changes=audit.diff({}, _value_label(row)),
    )
    return row, True


@transaction.atomic
def do_delete_manual_value(actor, value: ManualValue, *, origin: str = "web") -> None:
    check_can_manage(actor)
    audit.record(
        actor=actor,
        action=Action.DELETE,
        obj=value,
        parent=value.metric,
        source=origin,
        changes=audit.diff(_value_label(value), {}),
    )
    value.delete()


# --- Targets ------------------------------------------------------------------------------------


def _target_label(target: Target) -> dict:
    return {
        "value": target.value,
        "direction": target.direction,
        "note": target.note,
    }


def _check_scope(metric: registry.Metric, dimension: str, code: str) -> None:
    if not dimension:
        if code:
            raise ValidationError({"dimension": _("Choose the dimension this code belongs to.")})
        return
    if dimension not in Dimension.values:
        raise ValidationError({"dimension": _("Not a dimension: %(name)s.") % {"name": dimension}})
    if dimension not in metric.dimensions:
        raise ValidationError(
            {
                "dimension": _("%(metric)s cannot be cut by %(dimension)s.")
                % {"metric": metric.key, "dimension": Dimension(dimension).label}
            }
        )
    if not code:
        raise ValidationError({"code": _("Choose the value this target is for.")})
    if not dimension_code_exists(dimension, code):
        raise ValidationError(
            {
                "code": _("There is no %(dimension)s with the code %(code)s.")
                % {"dimension": Dimension(dimension).label, "code": code}
            }
        )


def read_target_value(metric: registry.Metric, value) -> Decimal:
    """A target as stored (a rate as a fraction 0–1, a duration in seconds)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Not a number: %(text)s.") % {"text": value}}) from None
    if not number.is_finite() or abs(number) > TARGET_LIMIT:
        raise ValidationError({"value": _("The number is out of range.")})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationError({"value": _("At most four decimal places.")})
    if metric.unit == Unit.RATIO and not Decimal(0) <= number <= Decimal(1):
        raise ValidationError({"value": _("A rate's target is a percentage from 0 to 100.")})
    if metric.unit in (Unit.COUNT, Unit.SECONDS) and number < 0:
        raise ValidationError({"value": _("This target cannot be negative.")})
    if metric.unit == Unit.SCORE and not Decimal(1) <= number <= Decimal(5):
        raise ValidationError({"value": _("A score's target is from 1 to 5.")})
    if metric.unit == Unit.NPS and not Decimal(-100) <= number <= Decimal(100):
        raise ValidationError({"value": _("An NPS target is from −100 to 100.")})
    return number


def default_direction(metric: registry.Metric) -> str:
    return Direction.AT_MOST if metric.higher_is_better is False else Direction.AT_LEAST


@transaction.atomic
def do_set_target(
    actor,
    *,
    metric: str,
    value,
    direction: str | None = None,
    dimension: str = "",
    code: str = "",
    note: str = "",
    source: str = "web",
    now: datetime | None = None,
) -> tuple[Target, bool]:
    """Set the organisation's target for ``metric`` (a key), overall or for one code of a
    dimension; replaces the target already set for that scope. (target, created)."""
    check_can_manage(actor)
    found = registry.get(metric)
    if found is None:
        raise ValidationError({"metric": _("There is no metric %(key)s.") % {"key": metric}})
    dimension, code = (dimension or "").strip(), (code or "").strip()
    _check_text(dimension=(dimension, False), code=(code, False))
    _check_scope(found, dimension, code)
    number = read_target_value(found, value)
    direction = direction or default_direction(found)
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose at least (≥) or at most (≤).")})
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ValidationError({"note": _("At most 300 characters.")})
    _check_text(note=(note, False))
    now = clock.or_now(now)
    updater = actor if getattr(actor, "pk", None) else None
    target = (
        Target.objects.select_for_update()
        .filter(metric=metric, dimension=dimension, code=code)
        .first()
    )
    if target is None:
        target = Target.objects.create(
            metric=metric,
            dimension=dimension,
            code=code,
            value=number,
            direction=direction,
            note=note,
            updated_at=now,
            updated_by=updater,
        )
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=target,
            source=source,
            changes=audit.diff({}, _target_label(target)),
        )
        return target, True
    before = _target_label(target)
    target.value, target.direction, target.note = number, direction, note
    changes = audit.diff(before, _target_label(target))
    if changes:
        target.updated_at, target.updated_by = now, updater
        target.save()
        audit.record(actor=actor, action=Action.UPDATE, obj=target, source=source, changes=changes)
    return target, False


@transaction.atomic
def do_delete_target(actor, target: Target, *, source: str = "web") -> None:
    check_can_manage(actor)
    audit.record(
        actor=actor,
        action=Action.DELETE,
        obj=target,
        source=source,
        changes=audit.diff(_target_label(target), {}),
    )
    target.delete()
