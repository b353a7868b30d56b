"""The one registry of metrics. Each family module (``families/*.py``) declares its metrics
once: key, name, unit, which direction is good, its definition, the dimensions it can be cut
by, and the SQL that computes it (the family's ``compute``). Keys never change once released:
KPIs, goals, targets and snapshots store them.

Nothing here loads rows into Python to count them: a family returns aggregates computed by the
database, for the current period, the previous one and the same period last year at once.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .periods import Period


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    RATIO = "ratio", _("share (0–1, shown as %)")
    SECONDS = "seconds", _("business seconds")
    SCORE = "score", _("score (1–5)")
    NPS = "nps", _("NPS (−100 to 100)")
    NUMBER = "number", _("number")


class Dimension(models.TextChoices):
    """What a figure can be cut by; values are keyed by their stable code."""

    CATEGORY = "category", _("Service category")  # Category.code
    ITEM = "item", _("Service item")  # ServiceItem.code
    CONTENT = "content", _("Service content")  # ServiceContent.code
    CHANNEL = "channel", _("Channel")  # Channel value
    TYPE = "type", _("Ticket type")  # TicketType value
    PRIORITY = "priority", _("Priority")  # Priority value
    TEAM = "team", _("Team")  # Team.name
    OWNER = "owner", _("Owner / assignee")  # User.username
    CUSTOMER = "customer", _("Customer")  # Customer.code
    # Only for tickets.created: the hour of creation in the organisation's zone, "00"–"23".
    HOUR = "hour", _("Hour of day")


# The code of "no value" in a cut by a dimension (a ticket with no service item): no real code
# is empty, so it never collides; the sum over a cut's codes is the total.
NONE_CODE = ""

# Which windows every computation returns, in this order.
WINDOWS = ("current", "previous", "last_year")

# A filter on dimensions: {"item": "A01", "customer": "acme"}; an empty scope is everything.
Scope = Mapping[str, str]


class Part(models.TextChoices):
    """Which rows a drill-down lists: those counted in the value, or a rate's denominator."""

    VALUE = "value", _("counted")
    DENOMINATOR = "denominator", _("out of")


@dataclass(frozen=True)
class Value:
    """One computed figure. Rates keep their numerator and denominator (null when the
    denominator is 0); counts have ``numerator == value``; percentiles and means have neither
    (``count`` = how many values they were taken over)."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    count: int | None = None


# key → window ("current" | "previous" | "last_year") → dimension code (None = the total) → Value
Results = dict[str, dict[str, dict[str | None, Value]]]


@dataclass(frozen=True)
class Windows:
    current: Period
    previous: Period
    last_year: Period

    @classmethod
    def of(cls, period: Period) -> Windows:
        return cls(period, period.previous(), period.last_year())

    def items(self) -> list[tuple[str, Period]]:
        return [
            ("current", self.current),
            ("previous", self.previous),
            ("last_year", self.last_year),
        ]


@dataclass(frozen=True)
class Metric:
    key: str
    name: Any  # a lazy translation: 首次响应及时率 / First response within SLA
    unit: str  # a Unit value
    higher_is_better: bool | None  # None: neither direction is "good" (volumes)
    definition: Any  # a lazy translation: exactly what counts, which clock, which instant
    dimensions: frozenset[str] = field(default_factory=frozenset)
    # Point in time (backlog): its value belongs to the end of the period and is snapshotted
    # at period close, so a closed period stays reproducible.
    point_in_time: bool = False
    # What a drill-down lists: "tickets", "occurrences", "responses", "values".
    rows_of: str = "tickets"
    family: str = ""


class Family(abc.ABC):
    """One module's metrics and the SQL that computes them together (one query can serve many
    metrics of a family: conditional aggregates over one scan)."""

    name: str
    metrics: tuple[Metric, ...]

    @abc.abstractmethod
    def compute(
        self,
        keys: Iterable[str],
        windows: Windows,
        *,
        by: str | None,
        scope: Scope,
        now: datetime,
    ) -> Results:
        """Every key × window × (the total, and each code of ``by`` when given)."""

    @abc.abstractmethod
    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        """The rows behind one figure (the drill-down); their count equals the figure for
        counts, and the numerator (``part="value"``) or denominator of a rate."""

    def dynamic_metrics(self) -> Iterable[Metric]:
        """Metrics defined in the database (manual metrics), read when asked; none by default."""
        return ()


_FAMILIES: dict[str, Family] = {}
_METRICS: dict[str, Metric] = {}


def register(family: Family) -> Family:
    """Add a family's metrics; a key declared twice is a programming error."""
    for metric in family.metrics:
        if metric.key in _METRICS and _METRICS[metric.key].family != family.name:
            raise ValueError(f"Metric {metric.key!r} is declared twice.")
        _METRICS[metric.key] = metric
    _FAMILIES[family.name] = family
    return family


def get(key: str) -> Metric | None:
    """The metric of ``key``: a declared one, else one a family defines in the database."""
    if key in _METRICS:
        return _METRICS[key]
    for family in _FAMILIES.values():
        for metric in family.dynamic_metrics():
            if metric.key == key:
                return metric
    return None


def family_of(key: str) -> Family:
    metric = get(key)
    if metric is None:
        raise KeyError(key)
    return _FAMILIES[metric.family]


def metrics(*, dynamic: bool = True) -> list[Metric]:
    """Every metric: the declared ones in declaration order, then the database-defined ones."""
    found = list(_METRICS.values())
    if dynamic:
        for family in _FAMILIES.values():
            found.extend(family.dynamic_metrics())
    return found


def families() -> list[Family]:
    return list(_FAMILIES.values())
