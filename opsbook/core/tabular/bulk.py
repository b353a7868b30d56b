"""Set-wise INSERT and UPDATE for importers, for speed.

Django's ``bulk_create`` compiles every value of every row through the field API, which for the
hundred thousand parts of a 10,000-row checklist costs seconds. Here each table's statement is
built once and rows go through ``executemany`` (``COPY`` on PostgreSQL); only dates, datetimes,
decimals and JSON are adapted, with the connection's own adapters. Columns missing from a row
get the field's default (computed once) and ``auto_now`` columns get ``now``, so a column added
to a model later needs no change here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.db import connection, models

_BATCH = 2000

Adapter = Callable[[Any], Any]
Row = dict[str, Any]


def _adapter(field: models.Field[Any, Any]) -> Adapter | None:
    """The connection's adapter for ``field``'s values, remembering results (values recur a lot:
    one timestamp per import, a few hundred dates, one parsed frequency per phrase)."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        memo: dict[int, tuple[Any, Any]] = {}  # by identity: parsed values are shared objects

        encoder = field.encoder

        def adapt_json(value: Any) -> Any:
            # What field.get_db_prep_save gives for a plain value, without its layers.
            hit = memo.get(id(value))
            if hit is None:
                hit = memo[id(value)] = (value, ops.adapt_json_value(value, encoder))
            return hit[1]

        return adapt_json
    adapt: Adapter
    if isinstance(field, models.DecimalField):
        decimal = field

        def adapt(value: Any) -> Any:
            return ops.adapt_decimalfield_value(value, decimal.max_digits, decimal.decimal_places)

    elif isinstance(field, models.DateTimeField):
        adapt = ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        adapt = ops.adapt_datefield_value
    else:
        return None
    by_value: dict[Any, Any] = {}

    def adapt_value(value: Any) -> Any:
        hit = by_value.get(value)
        if hit is None:
            hit = by_value[value] = adapt(value)
        return hit

    return adapt_value


@dataclass(frozen=True)
class _RowPlan:
    defaults: Row
    get: Callable[[Row], Any]
    adapters: list[tuple[int, Adapter]]
    single: bool


class Table:
    """Inserts and updates rows of one model, given as dicts keyed by field attname."""

    def __init__(self, model: type[models.Model], now: datetime):
        meta = model._meta
        self.model = model
        # Generated columns and columns with only a database default are left to the database.
        self.fields = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and not f.generated and (f.has_default() or not f.has_db_default())
        ]
        self.defaults: Row = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            else:
                self.defaults[field.attname] = field.get_default()
        self.adapters: dict[str, Adapter] = {}
        for field in self.fields:
            adapt = _adapter(field)
            if adapt is not None:
                self.adapters[field.attname] = adapt
        self.columns: dict[str, str] = {f.attname: str(f.column) for f in self.fields}
        self.defaults["id"] = None
        # The inserted columns' attnames, in the order ``insert_values`` takes them.
        self.names = [f.attname for f in self.fields]
        self._insert_plan = self._plan(self.names)
        self.quote = connection.ops.quote_name

    def _plan(self, names: list[str]) -> "_RowPlan":
        return _RowPlan(
            defaults={name: self.defaults[name] for name in names},
            get=itemgetter(*names),
            adapters=[
                (i, self.adapters[name]) for i, name in enumerate(names) if name in self.adapters
            ],
            single=len(names) == 1,
        )

    @staticmethod
    def _values(row: Row, plan: "_RowPlan") -> tuple[Any, ...]:
        # The row over its defaults, picked in column order in C; then the few adapted columns.
        picked = plan.get(plan.defaults | row)
        if not plan.adapters:
            return (picked,) if plan.single else picked
        values = [picked] if plan.single else list(picked)
        for i, adapt in plan.adapters:
            value = values[i]
            if value is not None:
                values[i] = adapt(value)
        return tuple(values)

    def insert(self, rows: Iterable[Row]) -> None:
        plan = self._insert_plan
        self.insert_values(self._values(row, plan) for row in rows)

    def template(self, row: Row) -> list[Any]:
        """``row``'s values as ``insert_values`` takes them (defaults filled, adapted), as a
        list: rows that differ in a few plain columns copy it and set those."""
        return list(self._values(row, self._insert_plan))

    def insert_values(self, values: Iterable[tuple[Any, ...]]) -> None:
        """Insert rows given as complete, adapted values in the order of ``names``."""
        names = self.names
        table = self.quote(self.model._meta.db_table)
        columns = ", ".join(self.quote(self.columns[n]) for n in names)
        if connection.vendor == "postgresql":
            # COPY streams every row in one statement: ten times faster than executemany.
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in values:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        self._run(sql, values)

    def update(self, rows: Iterable[Row], names: list[str]) -> None:
        """Set ``names`` on each row, found by its ``id``."""
        sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names from the model)
            self.quote(self.model._meta.db_table),
            ", ".join(f"{self.quote(self.columns[n])} = %s" for n in names),
            self.quote(str(self.model._meta.pk.column)),
        )
        plan = self._plan([*names, "id"])
        self._run(sql, (self._values(row, plan) for row in rows))

    @staticmethod
    def _run(sql: str, params: Iterable[tuple[Any, ...]]) -> None:
        batch: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for values in params:
                batch.append(values)
                if len(batch) == _BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def delete_ids(model: type[models.Model], ids: list[int]) -> None:
    """Delete rows by id (one DELETE per 500: parts have no signals or dependents to collect)."""
    manager = model._default_manager
    for start in range(0, len(ids), 500):
        manager.filter(pk__in=ids[start : start + 500]).delete()
