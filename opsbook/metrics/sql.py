# ruff: noqa: S608  (SQL text built from table names and constants; values are parameters)
"""The SQL the families share: windows as named parameters, dimension joins and scope filters,
one-scan conditional aggregates and linear-interpolated percentiles (PostgreSQL's
``percentile_cont``; the same arithmetic with window functions on SQLite).

Every query here scans its table once for the three windows (current, previous, last year):
each aggregate is a ``SUM(CASE WHEN <the instant is in window i> ...)``, and the ``WHERE``
restricts the rows to the union of the windows on the instant column, so an index on that
column serves it. Nothing is loaded row by row into Python: only one row per dimension code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models

from .registry import NONE_CODE, WINDOWS, Dimension, Scope, Value, Windows


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def dt(value: datetime) -> Any:
    """A datetime as the database compares it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def window_params(windows: Windows) -> dict[str, Any]:
    """``s0``/``e0`` (current), ``s1``/``e1`` (previous), ``s2``/``e2`` (last year)."""
    params: dict[str, Any] = {}
    for i, (_name, period) in enumerate(windows.items()):
        params[f"s{i}"] = dt(period.start_at())
        params[f"e{i}"] = dt(period.end_at())
    return params


def in_window(column: str, i: int) -> str:
    return f"({column} >= %(s{i})s AND {column} < %(e{i})s)"


def in_any_window(column: str) -> str:
    return "(" + " OR ".join(in_window(column, i) for i in range(len(WINDOWS))) + ")"


# --- dimensions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    """Follow ``fk`` (a column of the previous table) to ``model``."""

    fk: str
    model: type[models.Model]


@dataclass(frozen=True)
class Dim:
    """How a row reaches a dimension's code: a column of the row itself (``hops`` empty) or
    through foreign keys to the column ``code`` of the last model; or an SQL expression of the
    row (``expr``, with ``{alias}``)."""

    hops: tuple[Hop, ...]
    code: str
    expr: Callable[[str], str] | None = None


@dataclass
class Source:
    """A table the families scan, under ``alias``, and how each dimension is reached from it."""

    model: type[models.Model]
    alias: str
    dims: Mapping[str, Dim] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def code_expr(self, dimension: str) -> tuple[str, list[str]]:
        """The SQL expression of ``dimension``'s code ('' for none) and the joins it needs."""
        dim = self.dims[dimension]
        if dim.expr is not None:
            return dim.expr(self.alias), []
        if not dim.hops:
            return f"COALESCE({self.alias}.{dim.code}, '')", []
        joins = []
        previous = self.alias
        for n, hop in enumerate(dim.hops):
            alias = f"d_{dimension}_{n}"
            joins.append(
                f"LEFT JOIN {hop.model._meta.db_table} {alias} ON {alias}.id = {previous}.{hop.fk}"
            )
            previous = alias
        return f"COALESCE({previous}.{dim.code}, '')", joins

    def scope_filter(self, scope: Scope, params: dict[str, Any]) -> str:
        """``AND``-ed conditions keeping the rows of ``scope``'s codes (index friendly: a
        foreign key ``IN`` a small subquery)."""
        conditions = []
        for n, (dimension, code) in enumerate(sorted(scope.items())):
            if dimension not in self.dims:
                raise ValueError(f"Cannot filter by {dimension!r} here.")
            dim = self.dims[dimension]
            name = f"scope{n}"
            params[name] = code
            if dim.expr is not None:
                conditions.append(f"{dim.expr(self.alias)} = %({name})s")
                continue
            if not dim.hops:
                conditions.append(f"COALESCE({self.alias}.{dim.code}, '') = %({name})s")
                continue
            first = dim.hops[0]
            inner_joins = []
            previous = "q0"
            for k, hop in enumerate(dim.hops[1:], start=1):
                alias = f"q{k}"
                inner_joins.append(
                    f"LEFT JOIN {hop.model._meta.db_table} {alias} "
                    f"ON {alias}.id = {previous}.{hop.fk}"
                )
                previous = alias
            inner = f"SELECT q0.id FROM {first.model._meta.db_table} q0 " + " ".join(inner_joins)
            column = f"{self.alias}.{first.fk}"
            if code == NONE_CODE:
                if len(dim.hops) == 1:
                    conditions.append(f"{column} IS NULL")
                else:
                    conditions.append(
                        f"({column} IS NULL OR {column} IN ({inner} "
                        f"WHERE COALESCE({previous}.{dim.code}, '') = ''))"
                    )
            else:
                conditions.append(f"{column} IN ({inner} WHERE {previous}.{dim.code} = %({name})s)")
        return " AND ".join(conditions) if conditions else "1=1"


def ticket_source() -> Source:
    from opsbook.accounts.models import Customer, Team, User
    from opsbook.catalog.models import Category, ServiceContent, ServiceItem
    from opsbook.tickets.models import Ticket

    return Source(
        Ticket,
        "t",
        {
            Dimension.CATEGORY: Dim(
                (Hop("item_id", ServiceItem), Hop("category_id", Category)), "code"
            ),
            Dimension.ITEM: Dim((Hop("item_id", ServiceItem),), "code"),
            Dimension.CONTENT: Dim((Hop("content_id", ServiceContent),), "code"),
            Dimension.CHANNEL: Dim((), "channel"),
            Dimension.TYPE: Dim((), "type"),
            Dimension.PRIORITY: Dim((), "priority"),
            Dimension.TEAM: Dim((Hop("team_id", Team),), "name"),
            Dimension.OWNER: Dim((Hop("assignee_id", User),), "username"),
            Dimension.CUSTOMER: Dim((Hop("customer_id", Customer),), "code"),
            Dimension.HOUR: Dim((), "created_at", expr=local_hour),
        },
    )


def local_hour(alias: str) -> str:
    """The hour of ``created_at`` in the organisation's zone as two digits ("09")."""
    from django.conf import settings

    zone = settings.TIME_ZONE.replace("'", "")
    if is_postgres():
        return (
            f"LPAD(CAST(EXTRACT(HOUR FROM {alias}.created_at AT TIME ZONE '{zone}') AS INTEGER)"
            "::text, 2, '0')"
        )
    # Django's SQLite functions convert from UTC to the zone like the ORM's ExtractHour.
    return (
        f"SUBSTR('0' || django_datetime_extract('hour', {alias}.created_at, '{zone}', 'UTC'), -2)"
    )


TICKET_DIMENSIONS = frozenset(Dimension.values) - {Dimension.HOUR}


# --- running a one-scan aggregate ----------------------------------------------------------


def scan(
    source: Source,
    aggregates: Mapping[str, str],
    *,
    where: str,
    windows: Windows,
    by: str | None,
    scope: Scope,
    base_from: str | None = None,
    extra_params: Mapping[str, Any] | None = None,
    per_window: Callable[[int], Mapping[str, str]] | None = None,
) -> dict[str, dict[str, dict[str | None, float | None]]]:
    """One ``SELECT`` over ``source``: each aggregate is an SQL template with ``{s}``/``{e}``
    (the window's bounds) and ``{i}`` (its number) evaluated for the three windows.

    Returns name → window → code → summed value; the total (code None) is the sum over the
    codes (every row has exactly one code)."""
    params: dict[str, Any] = window_params(windows)
    params.update(extra_params or {})
    selects = []
    for name, template in aggregates.items():
        for i in range(len(WINDOWS)):
            extra = per_window(i) if per_window else {}
            expr = template.format(s=f"%(s{i})s", e=f"%(e{i})s", i=i, **extra)
            selects.append(f"SUM({expr}) AS {name}_{i}")
    joins: list[str] = []
    code = "NULL"
    if by:
        code, joins = source.code_expr(by)
    sql = (
        f"SELECT {code} AS code, {', '.join(selects)} "
        f"FROM {base_from or f'{source.table} {source.alias}'} {' '.join(joins)} "
        f"WHERE ({where}) AND {source.scope_filter(scope, params)}"
    )
    if by:
        sql += " GROUP BY 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: dict[str, dict[str, dict[str | None, float | None]]] = {
        name: {w: {None: 0} for w in WINDOWS} for name in aggregates
    }
    for row in rows:
        row_code = row[0] if by else None
        values = iter(row[1:])
        for name in aggregates:
            for w in WINDOWS:
                v = next(values) or 0
                cell = out[name][w]
                if by:
                    cell[row_code] = (cell.get(row_code) or 0) + v
                    cell[None] = (cell[None] or 0) + v
                else:
                    cell[None] = v
    return out


def ratio(numerator: float | None, denominator: float | None) -> Value:
    num = numerator or 0
    den = denominator or 0
    return Value(num / den if den else None, numerator=num, denominator=den)


def count(n: float | None) -> Value:
    return Value(float(n or 0), numerator=float(n or 0), count=int(n or 0))


def combine(
    results: dict[str, dict[str, dict[str | None, Value]]],
    key: str,
    make: Any,
    *parts: dict[str, dict[str | None, float | None]],
) -> None:
    """``results[key][window][code] = make(part0, part1, ...)`` over every code seen."""
    out: dict[str, dict[str | None, Value]] = {}
    for w in WINDOWS:
        codes: set[str | None] = set()
        for part in parts:
            codes.update(part[w])
        out[w] = {c: make(*(part[w].get(c, 0) for part in parts)) for c in codes}
    results[key] = out


# --- percentiles ---------------------------------------------------------------------------

PERCENTILES = {"median": 0.5, "p90": 0.9}


def distribution(
    source: Source,
    value: str,
    instant: str,
    *,
    where: str,
    windows: Windows,
    by: str | None,
    scope: Scope,
) -> dict[str, dict[str, dict[str | None, Value]]]:
    """Mean, median and p90 of ``value`` over the rows whose ``instant`` is in each window
    (null values left out). Linear interpolation between the closest ranks, as
    ``percentile_cont``. Returns stat ("mean", "median", "p90") → window → code → Value."""
    params: dict[str, Any] = window_params(windows)
    joins: list[str] = []
    code = "NULL"
    if by:
        code, joins = source.code_expr(by)
    flags = ", ".join(
        f"CASE WHEN {in_window(instant, i)} THEN 1 ELSE 0 END AS w{i}" for i in range(len(WINDOWS))
    )
    base = (
        f"SELECT {code} AS code, {value} AS x, {flags} "
        f"FROM {source.table} {source.alias} {' '.join(joins)} "
        f"WHERE {value} IS NOT NULL AND {in_any_window(instant)} AND ({where}) "
        f"AND {source.scope_filter(scope, params)}"
    )
    rows: list[Sequence[Any]] = []  # (window index, code, n, mean, p50, p90)
    if is_postgres():
        stats = []
        for i in range(len(WINDOWS)):
            f = f"FILTER (WHERE w{i} = 1)"
            stats.append(
                f"COUNT(x) {f}, AVG(x) {f}, "
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY x) {f}, "
                f"percentile_cont(0.9) WITHIN GROUP (ORDER BY x) {f}"
            )
        grouping = "GROUP BY GROUPING SETS ((code), ())" if by else ""
        sql = (
            f"SELECT {'GROUPING(code), code' if by else '1, NULL'}, {', '.join(stats)} "
            f"FROM ({base}) b {grouping}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                row_code = None if row[0] == 1 else row[1]
                for i in range(len(WINDOWS)):
                    rows.append((i, row_code, *row[2 + 4 * i : 6 + 4 * i]))
    else:
        per_window = []
        for i in range(len(WINDOWS)):
            per_window.append(f"SELECT {i} AS w, NULL AS code, x FROM b WHERE w{i} = 1")
            if by:
                per_window.append(f"SELECT {i} AS w, code, x FROM b WHERE w{i} = 1")
        ranked = (
            "SELECT w, code, x, ROW_NUMBER() OVER (PARTITION BY w, code ORDER BY x) - 1 AS i, "
            "COUNT(*) OVER (PARTITION BY w, code) AS n FROM u"
        )
        picks = []
        for label, p in PERCENTILES.items():
            pos = f"({p} * (n - 1))"
            low = f"CAST({pos} AS INTEGER)"
            picks.append(f"MAX(CASE WHEN i = {low} THEN x END) AS lo_{label}")
            picks.append(f"MAX(CASE WHEN i = {low} + ({pos} > {low}) THEN x END) AS hi_{label}")
            picks.append(f"MAX({pos} - {low}) AS frac_{label}")
        sql = (
            f"WITH b AS MATERIALIZED ({base}), "  # one scan, however many windows read it
            f"u AS ({' UNION ALL '.join(per_window)}), r AS ({ranked}) "
            "SELECT w, code, n, mean, "
            + ", ".join(
                f"lo_{label} + frac_{label} * (hi_{label} - lo_{label})" for label in PERCENTILES
            )
            + f" FROM (SELECT w, code, MAX(n) AS n, AVG(x) AS mean, {', '.join(picks)} "
            "FROM r GROUP BY w, code) s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    out: dict[str, dict[str, dict[str | None, Value]]] = {
        stat: {w: {None: Value(None, count=0)} for w in WINDOWS} for stat in ("mean", *PERCENTILES)
    }
    for i, row_code, n, mean, p50, p90 in rows:
        w = WINDOWS[i]
        if not n:
            continue
        for stat, v in (("mean", mean), ("median", p50), ("p90", p90)):
            out[stat][w][row_code] = Value(
                None if v is None else float(v),
                numerator=float(mean) * n if stat == "mean" and mean is not None else None,
                denominator=float(n) if stat == "mean" else None,
                count=int(n),
            )
    return out


def union_codes(parts: Iterable[Mapping[str | None, Any]]) -> set[str | None]:
    codes: set[str | None] = set()
    for part in parts:
        codes.update(part)
    return codes
