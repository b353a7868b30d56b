"""Manual metrics: figures tracked outside Opsbook (user growth, conversion), entered or imported
per period (``ManualMetric``, ``ManualValue``). Each active manual metric is a metric keyed
``manual.<code>``, defined in the database rather than here.

What a window's value is (docs/users/manual-metrics.md):

* a window of the metric's own period kind: the value entered for exactly that period;
* a longer window made of whole periods of that kind (the quarter or year of a monthly metric,
  a custom range from a month's first day to another's last): for a *count* metric the sum of
  the values entered for the periods inside it (``count`` says how many there were; months
  without a value add nothing), for any other unit null (a rate or a score does not add up);
  a window holding exactly one such period is that period's value whatever the unit;
* any other window (a week of a monthly metric, a range cutting a month): null.

Manual metrics have no dimensions: a cut by a dimension gives only the total, and a scope
filtering by one gives null.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import translation
from django.utils.functional import lazy

from ..models import ManualMetric, ManualValue
from ..periods import Period, PeriodError, of_kind
from ..registry import Family, Metric, Results, Scope, Unit, Value, Windows, register

PREFIX = "manual."


def _name(metric: ManualMetric) -> str:
    """The Chinese name, or the English one when the reader's language is English."""
    language = translation.get_language() or ""
    if metric.name_en and language.startswith("en"):
        return metric.name_en
    return metric.name


def as_metric(row: ManualMetric) -> Metric:
    return Metric(
        key=row.key,
        name=lazy(_name, str)(row),
        unit=row.unit,
        higher_is_better=row.higher_is_better,
        definition=row.definition,
        dimensions=frozenset(),
        rows_of="values",
        family="manual",
    )


def periods_inside(kind: str, period: Period) -> int | None:
    """How many whole periods of ``kind`` make up ``period``; None when its boundaries are not
    boundaries of periods of that kind (a week of a monthly metric, a range cutting a month)."""
    try:
        first = of_kind(kind, period.start)
        last = of_kind(kind, period.last_day)
    except PeriodError:
        return None
    if first.start != period.start or last.end != period.end:
        return None
    count, cursor = 1, first
    while cursor != last:
        cursor = cursor.next()
        count += 1
    return count


class ManualFamily(Family):
    name = "manual"
    metrics = ()  # every manual metric is defined in the database

    def _rows(self, keys: Iterable[str]) -> dict[str, ManualMetric]:
        codes = [k.removeprefix(PREFIX) for k in keys if k.startswith(PREFIX)]
        return {m.code: m for m in ManualMetric.objects.filter(code__in=codes)}

    def dynamic_metrics(self) -> Iterable[Metric]:
        return [as_metric(m) for m in ManualMetric.objects.filter(is_active=True)]

    def compute(
        self,
        keys: Iterable[str],
        windows: Windows,
        *,
        by: str | None,
        scope: Scope,
        now: datetime,
    ) -> Results:
        keys = list(keys)
        metrics = self._rows(keys)
        # One query: per metric, the sum and the count of its values inside each window.
        aggregates: dict[str, Sum | Count] = {}
        for name, period in windows.items():
            inside = Q(period_start__gte=period.start, period_end__lte=period.end)
            aggregates[f"{name}_sum"] = Sum("value", filter=inside)
            aggregates[f"{name}_n"] = Count("id", filter=inside)
        first = min(p.start for _n, p in windows.items())
        last = max(p.end for _n, p in windows.items())
        found: dict[str, dict[str, Any]] = (
            {
                row["metric__code"]: dict(row)
                for row in ManualValue.objects.filter(
                    metric__in=list(metrics.values()),
                    period_kind=F("metric__period_kind"),
                    period_start__gte=first,
                    period_end__lte=last,
                )
                .values("metric__code")
                .annotate(**aggregates)
                .order_by()
            }
            if metrics and not scope
            else {}
        )
        results: Results = {}
        for key in keys:
            metric = metrics.get(key.removeprefix(PREFIX))
            results[key] = {}
            for name, period in windows.items():
                value = Value(None)
                if metric is not None and not scope:
                    row = found.get(metric.code, {})
                    value = self._value(
                        metric, period, row.get(f"{name}_sum"), row.get(f"{name}_n", 0)
                    )
                results[key][name] = {None: value}
        return results

    def _value(self, metric: ManualMetric, period: Period, total, n: int) -> Value:
        inside = periods_inside(metric.period_kind, period)
        if inside is None or not n or total is None:
            return Value(None, count=n or None)
        if inside > 1 and metric.unit != Unit.COUNT:
            return Value(None, count=n)
        number = float(total)
        return Value(number, numerator=number if metric.unit == Unit.COUNT else None, count=n)

    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        """The values entered for the periods inside ``period`` (the ones its figure is made
        of); none for a scope, a rate's denominator or a window the figure is null for."""
        metric = self._rows([key]).get(key.removeprefix(PREFIX))
        none = ManualValue.objects.none()
        if metric is None or scope or part != "value":
            return none
        inside = periods_inside(metric.period_kind, period)
        if inside is None or (inside > 1 and metric.unit != Unit.COUNT):
            return none
        return (
            ManualValue.objects.filter(
                metric=metric,
                period_kind=metric.period_kind,
                period_start__gte=period.start,
                period_end__lte=period.end,
            )
            .select_related("metric", "entered_by")
            .order_by("period_start")
        )


FAMILY = register(ManualFamily())
