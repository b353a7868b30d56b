"""The rows behind one figure: what the drill-down page lists.

The query string is the one ``engine.drill_url`` builds: ``metric=KEY&period=CODE`` and
optionally ``scope=DIMENSION:CODE`` (repeated for several dimensions) and
``part=value|denominator``. ``read`` checks it and says what is wrong in words; ``present``
turns the engine's rows (tickets, status changes, occurrences, survey responses …) into table
rows without a query per row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbook.metrics import engine, periods, registry
from opsbook.metrics.periods import Period, PeriodError
from opsbook.metrics.registry import Dimension, Metric, Part, Scope, Unit
from opsbook.routines.models import Occurrence
from opsbook.tickets.choices import Status
from opsbook.tickets.models import Ticket, TicketEvent

from . import picker

PER_PAGE = 50


class DrillError(ValueError):
    """A drill-down query that cannot be read; the message says why."""


@dataclass(frozen=True)
class Query:
    metric: Metric
    period: Period
    scope: dict[str, str]
    part: str

    def params(self) -> list[tuple[str, str]]:
        """The query string's parameters, as ``engine.drill_url`` writes them."""
        found = [("metric", self.metric.key), ("period", self.period.code)]
        found += sorted(self.scope.items())
        return [*found, ("part", self.part)]


def parse_scope(params: Any) -> dict[str, str]:
    """The scope of a drill-down link: one parameter per dimension (``item=A01&customer=acme``,
    as ``engine.drill_url`` writes it); ``scope=item:A01`` is read too."""
    getlist = params.getlist if hasattr(params, "getlist") else lambda k: [params[k]]
    scope: dict[str, str] = {}

    def add(dimension: str, code: str) -> None:
        if dimension in scope and scope[dimension] != code:
            raise DrillError(_("The scope names %(d)s twice.") % {"d": dimension})
        scope[dimension] = code

    for dimension in Dimension.values:
        if dimension in params:
            for code in getlist(dimension):
                add(dimension, code)
    for raw in getlist("scope") if "scope" in params else []:
        dimension, sep, code = raw.strip().partition(":")
        if not sep or dimension not in Dimension.values:
            raise DrillError(
                _("Not a scope: %(scope)s. Write dimension:code, e.g. item:A01.")
                % {"scope": raw[:60]}
            )
        add(dimension, code)
    return scope


def read(params: Any) -> Query:
    key = (params.get("metric") or "").strip()
    metric = registry.get(key) if key else None
    if metric is None:
        raise DrillError(_("Unknown metric: %(key)s.") % {"key": key[:80] or "—"})
    try:
        period = periods.parse(params.get("period") or "")
    except PeriodError as exc:
        raise DrillError(str(exc)) from None
    part = params.get("part") or Part.VALUE
    if part not in Part.values:
        raise DrillError(_("Part is value or denominator."))
    scope = parse_scope(params)
    unknown = [d for d in scope if d not in metric.dimensions]
    if unknown:
        raise DrillError(
            _("%(metric)s cannot be cut by %(dimension)s.")
            % {"metric": metric.name, "dimension": ", ".join(unknown)}
        )
    return Query(metric, period, scope, part)


# --- presenting rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    cells: list[str]
    url: str  # the first cell links here ("" when the viewer has no page for it)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[Row]

    @property
    def lines(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each row's link and its (header, cell) pairs (the stacked layout labels cells)."""
        return [(row.url, list(zip(self.headers, row.cells, strict=True))) for row in self.rows]


LinkOf = Callable[[str, Any], str]  # (kind, pk) → url, or "" for no link


def staff_link(kind: str, pk: Any) -> str:
    if kind == "ticket":
        return reverse("tickets:detail", args=[pk])
    if kind == "occurrence":
        return reverse("routines:occurrence", args=[pk])
    return ""


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def prepare(rows: QuerySet) -> QuerySet:
    """The related rows each kind's table shows, fetched with the page (no query per row)."""
    if rows.model is Ticket:
        return rows.select_related("item", "assignee", "customer")
    if rows.model is TicketEvent:
        return rows.select_related("ticket")
    if rows.model is Occurrence:
        return rows.select_related("content", "assignee")
    return rows


def present(
    rows: list[Any], model: type, link: LinkOf = staff_link, *, customer_view: bool = False
) -> Table:
    if model is Ticket and customer_view:
        return Table(
            [_("Number"), _("Title"), _("Status"), _("Service"), _("Created")],
            [
                Row(
                    [
                        t.number,
                        t.title,
                        t.get_status_display(),
                        t.item.name if t.item_id else "—",
                        _when(t.created_at),
                    ],
                    link("ticket", t.pk),
                )
                for t in rows
            ],
        )
    if model is Ticket:
        return Table(
            [
                _("Number"),
                _("Title"),
                _("Status"),
                _("Service"),
                _("Customer"),
                _("Assignee"),
                _("Created"),
            ],
            [
                Row(
                    [
                        t.number,
                        t.title,
                        t.get_status_display(),
                        t.item.name if t.item_id else "—",
                        t.customer.name if t.customer_id else "—",
                        t.assignee.label if t.assignee_id else "—",
                        _when(t.created_at),
                    ],
                    link("ticket", t.pk),
                )
                for t in rows
            ],
        )
    if model is TicketEvent:
        return Table(
            [_("Ticket"), _("Title"), _("When"), _("Change")],
            [
                Row(
                    [
                        e.ticket.number,
                        e.ticket.title,
                        _when(e.at),
                        " → ".join(
                            str(Status(s).label) if s in Status.values else s
                            for s in (e.from_status, e.to_status)
                            if s
                        ),
                    ],
                    link("ticket", e.ticket_id),
                )
                for e in rows
            ],
        )
    if model is Occurrence:
        return Table(
            [_("Routine work"), _("Due"), _("Status"), _("Assignee")],
            [
                Row(
                    [
                        o.content.name,
                        _when(o.due_at),
                        o.get_status_display(),
                        o.assignee.label if o.assignee_id else "—",
                    ],
                    link("occurrence", o.pk),
                )
                for o in rows
            ],
        )
    return Table([_("Record")], [Row([str(r)], "") for r in rows])


def scope_text(scope: Scope) -> str:
    if not scope:
        return _("Whole organisation")
    return ", ".join(f"{Dimension(d).label}: {c or _('(none)')}" for d, c in scope.items())


def context(
    params: Any,
    query: Query,
    rows: QuerySet,
    *,
    restricted: bool,
    link: LinkOf,
    now: datetime,
    customer_view: bool = False,
) -> dict[str, Any]:
    """The drill-down page's context, shared with the portal's (which forces the scope and
    restricts the rows itself). One COUNT for the total, one for the figure when the rows
    were restricted, one page of rows."""
    rows = rows.order_by(*(rows.query.order_by or ["-pk"]))
    page = Paginator(prepare(rows), PER_PAGE).get_page(params.get("page"))
    figure_count = None
    if restricted:
        figure_count = engine.rows(
            query.metric.key, query.period, scope=query.scope or None, part=query.part, now=now
        ).count()
    table = present(list(page.object_list), rows.model, link, customer_view=customer_view)
    query_params = query.params()
    other_part = ""
    if query.metric.unit == Unit.RATIO:
        other_part = Part.DENOMINATOR if query.part == Part.VALUE else Part.VALUE
    return {
        "query": query,
        "page": page,
        "total": page.paginator.count,
        "figure_count": figure_count,
        "differs": figure_count is not None and figure_count != page.paginator.count,
        "table": table,
        "scope_text": scope_text(query.scope),
        "period_label": picker.label(query.period),
        "page_query": urlencode(query_params),
        "other_part": other_part,
        "other_part_query": urlencode([(k, v) for k, v in query_params if k != "part"]),
    }
