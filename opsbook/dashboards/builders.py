"""What each dashboard shows, as typed data: pure builders over the metrics engine, no request,
no template. Views turn these into pages and charts.

Query budget (the engine reads closed periods from snapshots):
* overview: one ``evaluate`` of every built-in metric, one by channel, one by service (item or
  category), one batch of twelve-month series for the sparklines, the names of the services;
* trends: one batch of series;
* my services: one ``evaluate`` by item, narrowed to the items the user owns;
* customer: one ``evaluate`` scoped to the customer, one batch of series.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from opsbook.catalog.choices import Channel
from opsbook.catalog.models import Category, ServiceItem
from opsbook.metrics import engine, periods, registry, targets
from opsbook.metrics.models import Snapshot
from opsbook.metrics.periods import Period, PeriodKind
from opsbook.metrics.registry import NONE_CODE, Metric, Scope, Unit

from . import formatting, snapshots

SPARK_MONTHS = 12

# The rates cut by channel and by service on the overview.
SLA_KEYS = ("sla.response.met_rate", "sla.resolution.met_rate")
BACKLOG_KEY = "tickets.backlog"

# The executive's key metrics, in this order (those the registry knows).
TREND_KEYS = (
    "tickets.created",
    "tickets.backlog",
    "sla.response.met_rate",
    "sla.resolution.met_rate",
    "tickets.first_response.median",
    "tickets.resolution_time.median",
    "tickets.resolution_rate",
    "tickets.reopen_rate",
    "tickets.complaint_rate",
    "csat.average",
    "csat.satisfied_share",
    "routines.on_time_rate",
)

# What a customer contact sees about their own organisation: volume, SLA, satisfaction.
CUSTOMER_KEYS = (
    "tickets.created",
    "tickets.resolved",
    "sla.response.met_rate",
    "sla.resolution.met_rate",
    "csat.average",
    "csat.satisfied_share",
)

FAMILY_TITLES = {
    "tickets": pgettext_lazy("dashboard", "Tickets"),
    "sla": pgettext_lazy("dashboard", "Service levels"),
    "csat": pgettext_lazy("dashboard", "Satisfaction"),
    "complaints": pgettext_lazy("dashboard", "Complaint handling"),
    "routines": pgettext_lazy("dashboard", "Routine work"),
    "surveys": pgettext_lazy("dashboard", "Surveys"),
    "goals": pgettext_lazy("dashboard", "Goals"),
    "manual": pgettext_lazy("dashboard", "Tracked elsewhere"),
}


# --- reading the engine's figures ----------------------------------------------------------------


def _target_parts(target: Any) -> tuple[float | None, str | None]:
    """(value, direction) of a figure's target, whatever form the engine gives it in."""
    if target is None:
        return None, None
    if isinstance(target, dict):
        return _float(target.get("value")), target.get("direction")
    if isinstance(target, int | float):
        return float(target), None
    return _float(getattr(target, "value", None)), getattr(target, "direction", None)


def _direction(metric: Metric) -> str:
    """A target's direction when the figure gives only its value: the good direction."""
    return "at_most" if metric.higher_is_better is False else "at_least"


def _float(number: Any) -> float | None:
    return None if number is None else float(number)


def evaluate(
    keys: list[str], period: Period, *, by: str | None = None, scope: Scope | None = None,
    now: datetime,
) -> Any:  # fmt: skip
    """The figures from snapshots when every window has one, else live from the engine."""
    found = snapshots.evaluate(keys, period, by=by, scope=scope, now=now)
    if found is not None:
        return found
    return engine.evaluate(keys, period, by=by, scope=dict(scope or {}) or None, now=now)


def as_of(*overviews: Any) -> datetime | None:
    """When the oldest snapshot behind the figures was taken (None: computed now)."""
    found = [o.computed_at for o in overviews if getattr(o, "computed_at", None)]
    return min(found) if found else None


def built_in_metrics() -> list[Metric]:
    return registry.metrics(dynamic=False)


def known(keys: Iterable[str]) -> list[str]:
    """The keys the registry declares, in the order given."""
    declared = {m.key for m in built_in_metrics()}
    return [k for k in keys if k in declared]


def _latest(ov: Any, period: Period, months: list[Period]) -> dict[str, float | None] | None:
    """The just-evaluated values, when the period is the sparkline's last month."""
    if months[-1] != period:
        return None
    return {key: _float(f.value) for key, f in ov.figures.items()}


def spark_months(period: Period) -> list[Period]:
    """The twelve months ending with the month that holds the period's last day."""
    return periods.of_kind(PeriodKind.MONTH, period.last_day).trailing(SPARK_MONTHS)


# --- cards ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    key: str
    name: str
    definition: str
    unit: str
    raw: float | None
    text: str
    target_text: str
    light_css: str
    light_label: str
    status: str | None
    vs_previous: formatting.Trend | None
    vs_last_year: formatting.Trend | None
    live: bool
    drill_url: str
    # Rates: "39 of 40" with links to both lists.
    numerator: float | None = None
    denominator: float | None = None
    denominator_url: str = ""
    spark: list[float | None] = field(default_factory=list)
    spark_labels: list[str] = field(default_factory=list)
    target_value: float | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == Unit.RATIO and self.denominator is not None

    @property
    def chart(self) -> dict[str, Any]:
        """What the card's sparkline script needs (json_script)."""
        return {
            "values": self.spark,
            "labels": self.spark_labels,
            "unit": self.unit,
            "target": self.target_value,
        }


def card(
    metric: Metric,
    figure: Any,
    period: Period,
    *,
    scope: Scope | None = None,
    spark: Sequence[float | None] = (),
    spark_labels: Sequence[str] = (),
    drill: Any = None,
) -> Card:
    """One metric's card from the engine's ``Figure``. ``drill(key, period, scope, part)``
    builds the links (the engine's ``drill_url`` unless the portal gives its own)."""
    drill = drill or _engine_drill
    target_value, direction = _target_parts(getattr(figure, "target", None))
    direction = direction or _direction(metric)
    status = getattr(figure, "status", None)
    css, label = formatting.light(status if target_value is not None else None)
    raw = _float(getattr(figure, "value", None))
    numerator = _float(getattr(figure, "numerator", None))
    denominator = _float(getattr(figure, "denominator", None))
    is_rate = metric.unit == Unit.RATIO and denominator is not None
    return Card(
        key=metric.key,
        name=str(metric.name),
        definition=str(metric.definition),
        unit=metric.unit,
        raw=raw,
        text=formatting.value(raw, metric.unit),
        target_text=formatting.target(target_value, direction, metric.unit),
        light_css=css,
        light_label=label,
        status=status,
        vs_previous=formatting.compare(
            raw, _float(getattr(figure, "previous", None)), metric.unit, metric.higher_is_better
        ),
        vs_last_year=formatting.compare(
            raw, _float(getattr(figure, "last_year", None)), metric.unit, metric.higher_is_better
        ),
        live=bool(getattr(figure, "live", False)) and period.kind != PeriodKind.RANGE,
        drill_url=drill(metric.key, period, scope, "value"),
        numerator=numerator,
        denominator=denominator,
        denominator_url=drill(metric.key, period, scope, "denominator") if is_rate else "",
        spark=list(spark),
        spark_labels=list(spark_labels),
        target_value=target_value,
    )


def _engine_drill(key: str, period: Period, scope: Scope | None, part: str) -> str:
    return engine.drill_url(key, period, scope=dict(scope or {}) or None, part=part)


def _series_batch(
    keys: Sequence[str],
    months: list[Period],
    *,
    scope: Scope | None,
    now: datetime,
    latest: dict[str, float | None] | None = None,
) -> dict[str, list[float | None]]:
    """Twelve-month values of every key, for sparklines and trends.

    Closed months come from their final snapshots and the current month from its latest
    refresh (every 15 minutes), in one query for every key and month; ``latest`` (the values
    the caller has just evaluated for the last month) wins over a refresh. A key with a month
    missing from both is asked of ``engine.series`` (computed, slower: the snapshot job has not
    run for that month yet)."""
    scope = dict(scope or {})
    found: dict[tuple[str, date], float | None] = {}
    if len(scope) <= 1:
        rows = Snapshot.objects.filter(
            metric__in=list(keys),
            period_kind=PeriodKind.MONTH,
            period_start__in=[m.start for m in months],
        )
        if scope:
            ((dimension, code),) = scope.items()
            rows = rows.filter(dimension=dimension, code=code)
        else:
            rows = rows.filter(dimension="")
        closed = {m.start for m in months if m.is_closed(now)}
        for metric, start, number, final in rows.values_list(
            "metric", "period_start", "value", "final"
        ):
            # A closed month's final snapshot; the current month's latest refresh.
            if final or start not in closed:
                found[(metric, start)] = number
    out: dict[str, list[float | None]] = {}
    for key in keys:
        values: list[float | None] = []
        missing = False
        for month in months:
            if month is months[-1] and latest is not None and key in latest:
                values.append(latest[key])
            elif (key, month.start) in found:
                values.append(_float(found[(key, month.start)]))
            else:
                values.append(None)
                missing = True
        if missing:
            computed = engine.series(key, months, scope=scope or None, now=now)
            values = [
                v if (key, m.start) in found else _float(c.value)
                for v, m, c in zip(values, months, computed, strict=True)
            ]
        out[key] = values
    return out


# --- bars by channel and by service ---------------------------------------------------------


@dataclass(frozen=True)
class Bars:
    """A bar chart of rates per code: one series per metric (ECharts' shape)."""

    title: str
    dimension: str
    codes: list[str]
    labels: list[str]
    series: list[dict[str, Any]]  # {"key", "name", "values" (%), "counts", "links"}

    @property
    def chart(self) -> dict[str, Any]:
        return {"labels": self.labels, "series": self.series, "percent": True}

    @property
    def empty(self) -> bool:
        return not self.codes


def bars(
    title: str,
    dimension: str,
    overview: Any,
    keys: Sequence[str],
    names: dict[str, str],
    period: Period,
) -> Bars:
    """The rates of ``keys`` per code of ``dimension`` (codes with a denominator only), worst
    first by the first key's rate."""
    by: dict[str, dict[str, Any]] = {}
    for key in keys:
        figure = overview.figures.get(key)
        by[key] = dict(getattr(figure, "by", None) or {})
    codes = sorted(
        {c for per in by.values() for c, f in per.items() if _float(f.denominator)},
        key=lambda c: (_rate_of(by[keys[0]].get(c)), names.get(c, c)),
    )
    series = []
    for key in keys:
        metric = registry.get(key)
        series.append(
            {
                "key": key,
                "name": str(metric.name) if metric else key,
                "values": [_percent(by[key].get(c)) for c in codes],
                "counts": [_count_text(by[key].get(c)) for c in codes],
                "links": [
                    engine.drill_url(key, period, scope={dimension: c}, part="denominator")
                    for c in codes
                ],
            }
        )
    labels = [names.get(c) or (c if c != NONE_CODE else _("(none)")) for c in codes]
    return Bars(title, dimension, codes, labels, series)


def _rate_of(figure: Any) -> float:
    value = _float(getattr(figure, "value", None))
    return 2.0 if value is None else value


def _percent(figure: Any) -> float | None:
    value = _float(getattr(figure, "value", None))
    return None if value is None else round(value * 100, 1)


def _count_text(figure: Any) -> str:
    if figure is None or figure.denominator is None:
        return ""
    return _("%(met)s of %(all)s") % {
        "met": formatting.value(_float(figure.numerator) or 0, Unit.COUNT),
        "all": formatting.value(_float(figure.denominator) or 0, Unit.COUNT),
    }


def channel_names() -> dict[str, str]:
    return {value: str(label) for value, label in Channel.choices}


def service_names(dimension: str, codes: Iterable[str]) -> dict[str, str]:
    codes = [c for c in codes if c]
    if not codes:
        return {}
    model = Category if dimension == "category" else ServiceItem
    rows = model.objects.filter(code__in=codes).values_list("code", "name")
    return {str(code): f"{code} {name}" if dimension == "item" else name for code, name in rows}


# --- the manager's overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    family: str
    title: str
    cards: list[Card]


@dataclass(frozen=True)
class Overview:
    period: Period
    groups: list[Group]
    by_channel: Bars
    by_service: Bars
    service_dimension: str
    backlog: Card | None
    as_of: datetime | None = None

    @property
    def cards(self) -> list[Card]:
        return [c for g in self.groups for c in g.cards]

    @property
    def charts(self) -> dict[str, Any]:
        """Every chart's data in one json_script."""
        return {
            "sparks": {c.key: c.chart for c in self.cards},
            "channel": self.by_channel.chart,
            "service": self.by_service.chart,
            "links": {
                "channel": [s["links"] for s in self.by_channel.series],
                "service": [s["links"] for s in self.by_service.series],
            },
        }


def overview(period: Period, now: datetime, *, service_dimension: str = "item") -> Overview:
    metrics = built_in_metrics()
    keys = [m.key for m in metrics]
    ov = evaluate(keys, period, now=now)
    months = spark_months(period)
    latest = _latest(ov, period, months)
    spark = _series_batch(keys, months, now=now, scope=None, latest=latest)
    spark_labels = [m.code for m in months]
    groups: dict[str, list[Card]] = {}
    for metric in metrics:
        figure = ov.figures.get(metric.key)
        if figure is None:
            continue
        groups.setdefault(metric.family, []).append(
            card(metric, figure, period, spark=spark.get(metric.key, ()), spark_labels=spark_labels)
        )
    sla = known(SLA_KEYS)
    by_channel = evaluate(sla, period, by="channel", now=now)
    by_service = evaluate(sla, period, by=service_dimension, now=now)
    service_codes = {
        code for key in sla for code in (getattr(by_service.figures.get(key), "by", None) or {})
    }
    all_cards = {c.key: c for cards in groups.values() for c in cards}
    return Overview(
        period=period,
        groups=[
            Group(family, str(FAMILY_TITLES.get(family, family)), cards)
            for family, cards in groups.items()
        ],
        by_channel=bars(
            _("SLA met rate by channel"), "channel", by_channel, sla, channel_names(), period
        ),
        by_service=bars(
            _("SLA met rate by service category")
            if service_dimension == "category"
            else _("SLA met rate by service item"),
            service_dimension,
            by_service,
            sla,
            service_names(service_dimension, service_codes),
            period,
        ),
        service_dimension=service_dimension,
        backlog=all_cards.get(BACKLOG_KEY),
        as_of=as_of(ov, by_channel, by_service),
    )


# --- the executive's trends ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendChart:
    key: str
    name: str
    unit: str
    higher_is_better: bool | None
    labels: list[str]
    values: list[float | None]  # display units: % for rates, hours for durations
    target: float | None  # the same display unit
    latest: str
    target_text: str
    drill_urls: list[str]

    @property
    def chart(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "labels": self.labels,
            "values": self.values,
            "target": self.target,
            "axis": display_axis(self.unit),
            "links": self.drill_urls,
        }


def display_axis(unit: str) -> str:
    axes: dict[str, str] = {Unit.RATIO: "%", Unit.SECONDS: "h"}
    return axes.get(unit, "")


def to_display(number: float | None, unit: str) -> float | None:
    """A value in the chart's axis unit: rates in %, business seconds in hours."""
    if number is None:
        return None
    if unit == Unit.RATIO:
        return round(number * 100, 2)
    if unit == Unit.SECONDS:
        return round(number / 3600, 2)
    return round(number, 2)


def trends(period: Period, now: datetime, keys: Sequence[str] = TREND_KEYS) -> list[TrendChart]:
    keys = known(keys)
    months = spark_months(period)
    values = _series_batch(keys, months, scope=None, now=now)
    book = targets.Book(keys)
    charts = []
    for key in keys:
        metric = registry.get(key)
        assert metric is not None
        target_value, direction = _target_parts(book.for_scope(key, None))
        series = values[key]
        charts.append(
            TrendChart(
                key=key,
                name=str(metric.name),
                unit=metric.unit,
                higher_is_better=metric.higher_is_better,
                labels=[m.code for m in months],
                values=[to_display(v, metric.unit) for v in series],
                target=to_display(target_value, metric.unit),
                latest=formatting.value(series[-1] if series else None, metric.unit),
                target_text=formatting.target(target_value, direction, metric.unit),
                drill_urls=[engine.drill_url(key, m, part="value") for m in months],
            )
        )
    return charts


# --- a service owner's own services --------------------------------------------------------------


@dataclass(frozen=True)
class OwnedService:
    code: str
    name: str
    category: str
    cards: list[Card]


def my_services(items: Sequence[ServiceItem], period: Period, now: datetime) -> list[OwnedService]:
    """Each item's metrics (those that can be cut by item), from one evaluation by item."""
    if not items:
        return []
    metrics = [m for m in built_in_metrics() if "item" in m.dimensions]
    ov = evaluate([m.key for m in metrics], period, by="item", now=now)
    services = []
    for item in items:
        cards = []
        for metric in metrics:
            figure = ov.figures.get(metric.key)
            by = getattr(figure, "by", None) or {}
            if item.code in by:
                cards.append(card(metric, by[item.code], period, scope={"item": item.code}))
            elif figure is not None:
                cards.append(card(metric, _Empty(), period, scope={"item": item.code}))
        services.append(OwnedService(item.code, item.name, item.category.name, cards))
    return services


class _Empty:
    """A figure with no data for this item (no rows in the period)."""

    value = previous = last_year = target = status = numerator = denominator = None
    live = False


# --- a customer's own organisation ---------------------------------------------------------------


def customer(
    customer_code: str, period: Period, now: datetime, *, drill: Any
) -> tuple[list[Card], dict[str, Any]]:
    """The customer's cards (scope forced to their code) and the trend of their volume."""
    scope = {"customer": customer_code}
    keys = known(CUSTOMER_KEYS)
    ov = evaluate(keys, period, scope=scope, now=now)
    months = spark_months(period)
    spark = _series_batch(keys, months, scope=scope, now=now, latest=_latest(ov, period, months))
    labels = [m.code for m in months]
    cards = []
    for key in keys:
        metric = registry.get(key)
        figure = ov.figures.get(key)
        if metric is None or figure is None:
            continue
        cards.append(
            card(
                metric,
                figure,
                period,
                scope=scope,
                spark=spark[key],
                spark_labels=labels,
                drill=drill,
            )
        )
    return cards, {"sparks": {c.key: c.chart for c in cards}}
