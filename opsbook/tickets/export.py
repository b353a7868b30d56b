"""Exporting the ticket list to XLSX and CSV, and counting it.

An export holds exactly the tickets the list shows its reader: the same permission-scoped
queryset (``access.visible_tickets``) narrowed by the same filters (``filters.apply``), in the
list's order. Customer contacts get the columns the portal shows them, nothing internal.

Rows are read with ``values()`` and ``iterator(chunk_size)``, so memory stays flat whatever the
size: a CSV streams as it is read; a workbook is written by XlsxWriter in constant-memory mode
to a temporary file. Every text cell goes through ``core.tabular.xlsx.neutralise`` (a cell
starting with =, +, -, @, tab or CR gets an apostrophe), in both formats, and the workbook has
formulas, URLs and numbers-from-strings turned off. Times are in the reader's time zone.

Exports of at most ``OPSBOOK_TICKET_EXPORT_DIRECT_ROWS`` rows download at once; larger ones run
as a background job (``ExportJob``, ``jobs.export_tickets_task``) whose file only its owner
downloads until it expires (docs/users/ticket-export.md).
"""

import csv
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import xlsxwriter
from django.conf import settings
from django.core.files import File
from django.db import connections
from django.db.models import QuerySet
from django.http import FileResponse, Http404, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_stubs_ext import StrOrPromise

from opsbook.catalog.choices import Channel, Priority
from opsbook.core import clock
from opsbook.core.tabular.xlsx import WORKBOOK_OPTIONS, neutralise

from . import access, filters
from .choices import RUNNING_STATUSES, ExportFormat, ExportState, Status, TicketType
from .models import ExportJob, Ticket

CHUNK = 2000
CONTENT_TYPES: dict[str, str] = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
BOM = "\ufeff"
TIME_FORMAT = "%Y-%m-%d %H:%M"


# --- the total the list shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    """How many tickets match: ``exact`` up to the limit; past it ``value`` is an estimate
    (PostgreSQL's planner) or None (no estimate: "more than ``limit``")."""

    value: int | None
    exact: bool
    limit: int


def capped_count(qs: QuerySet, limit: int) -> int:
    """The number of rows of ``qs``, counted no further than ``limit`` + 1: a COUNT over a
    LIMIT-ed subquery, so a million matches cost what ``limit`` do."""
    return qs.order_by().values("pk")[: limit + 1].count()


def _planner_estimate(qs: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows ``qs`` returns (EXPLAIN, nothing run)."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # psycopg parses the JSON; a driver that does not, we do
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def total(qs: QuerySet, limit: int | None = None) -> Total:
    """The list's total: exact up to ``limit`` (setting ``OPSBOOK_TICKET_COUNT_LIMIT``), an
    estimate past it on PostgreSQL, "more than ``limit``" on SQLite."""
    limit = settings.OPSBOOK_TICKET_COUNT_LIMIT if limit is None else limit
    counted = capped_count(qs, limit)
    if counted <= limit:
        return Total(counted, True, limit)
    estimate = _planner_estimate(qs)
    if estimate is not None and estimate <= limit:
        estimate = None  # the planner guessed low: all we know is "more than the limit"
    return Total(estimate, False, limit)


# --- columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    fields: tuple[str, ...]
    kind: str = "text"  # text, time, number, flag
    staff_only: bool = False


def _columns() -> tuple[Column, ...]:
    return (
        Column("number", gettext_lazy("No."), ("id",), "number"),
        Column("title", gettext_lazy("Title"), ("title",)),
        Column("type", gettext_lazy("Type"), ("type",)),
        Column("channel", gettext_lazy("Channel"), ("channel",), staff_only=True),
        Column("priority", gettext_lazy("Priority"), ("priority",), staff_only=True),
        Column("status", gettext_lazy("Status"), ("status",)),
        Column("item", gettext_lazy("Service item"), ("item__code", "item__name")),
        Column("customer", gettext_lazy("Customer"), ("customer__name",)),
        Column(
            "assignee",
            gettext_lazy("Assignee"),
            (
                "assignee__username",
                "assignee__display_name",
                "assignee__first_name",
                "assignee__last_name",
            ),
            staff_only=True,
        ),
        Column("team", gettext_lazy("Team"), ("team__name",), staff_only=True),
        Column("created_at", pgettext_lazy("time column", "Created"), ("created_at",), "time"),
        Column(
            "first_response_at",
            gettext_lazy("First response"),
            ("first_response_at",),
            "time",
            staff_only=True,
        ),
        Column("resolved_at", gettext_lazy("Resolved"), ("resolved_at",), "time"),
        Column(
            "response_due_at",
            gettext_lazy("Response due"),
            ("response_due_at",),
            "time",
            staff_only=True,
        ),
        Column(
            "resolution_due_at",
            gettext_lazy("Resolution due"),
            ("resolution_due_at",),
            "time",
            staff_only=True,
        ),
        Column(
            "response_breached",
            gettext_lazy("Response breached"),
            ("response_breached",),
            "flag",
            staff_only=True,
        ),
        Column(
            "resolution_breached",
            gettext_lazy("Resolution breached"),
            ("resolution_breached",),
            "flag",
            staff_only=True,
        ),
        Column(
            "response_minutes",
            gettext_lazy("Response time (business minutes)"),
            ("response_business_seconds",),
            "number",
            staff_only=True,
        ),
        Column(
            "resolution_minutes",
            gettext_lazy("Resolution time (business minutes)"),
            ("resolution_business_seconds",),
            "number",
            staff_only=True,
        ),
        Column("rating", gettext_lazy("Rating"), ("rating",), "number"),
    )


# What a row needs besides the columns' own fields: the breach flags are decided as the list's
# SLA badge decides them (a clock past its due time is breached before the job marks it).
EXTRA_FIELDS = ("status", "first_response_at")


def columns_for(user) -> tuple[Column, ...]:
    """Customer contacts get the portal's columns only."""
    staff = not access.is_customer(user)
    return tuple(c for c in _columns() if staff or not c.staff_only)


def user_time_zone(user) -> tzinfo:
    """The zone an export's times are written in: the user's, else the site's."""
    return user_time_zone_named(getattr(user, "time_zone", ""))


def scoped_tickets(user, chosen: filters.TicketFilters, now: datetime) -> QuerySet[Ticket]:
    """The tickets the list shows ``user`` with ``chosen`` filters, in the list's order."""
    return filters.apply(access.visible_tickets(user), chosen, now)


class Rows:
    """The export's rows as cell values (text, numbers, naive local datetimes or None), read
    ``CHUNK`` at a time. ``written`` counts the rows handed out so far."""

    def __init__(self, qs: QuerySet[Ticket], user, now: datetime, tz: tzinfo | None = None):
        self.columns = columns_for(user)
        self.tz = tz or user_time_zone(user)
        self.now = now
        self.customer = access.is_customer(user)
        names = [name for c in self.columns for name in c.fields]
        self.fields = list(dict.fromkeys([*names, *EXTRA_FIELDS]))
        self.qs = qs.values(*self.fields)
        self.written = 0
        self.labels = {
            "type": _labels(TicketType),
            "channel": _labels(Channel),
            "priority": _labels(Priority),
            "status": _labels(Status),
        }
        self.yes, self.no = _("Yes"), _("No")

    def headers(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def __iter__(self) -> Iterator[list[Any]]:
        for values in self.qs.iterator(chunk_size=CHUNK):
            self.written += 1
            yield [self._cell(c, values) for c in self.columns]

    def _cell(self, column: Column, v: dict[str, Any]) -> Any:
        key = column.key
        if key in self.labels:
            raw = v[key]
            return self.labels[key].get(raw, raw)
        if key == "item":
            if v["item__name"] is None:
                return None
            return v["item__name"] if self.customer else f"{v['item__code']} {v['item__name']}"
        if key == "assignee":
            if v["assignee__username"] is None:
                return None
            full = f"{v['assignee__first_name']} {v['assignee__last_name']}".strip()
            return v["assignee__display_name"] or full or v["assignee__username"]
        if column.kind == "time":
            moment = v[column.fields[0]]
            return None if moment is None else timezone.localtime(moment, self.tz)
        if column.kind == "flag":
            return self.yes if self._breached(key.removesuffix("_breached"), v) else self.no
        value = v[column.fields[0]]
        if key.endswith("_minutes") and value is not None:
            return round(value / 60, 1)
        return value

    def _breached(self, which: str, v: dict[str, Any]) -> bool:
        if v[f"{which}_breached"]:
            return True
        if v["status"] not in RUNNING_STATUSES:
            return False
        due = v[f"{which}_due_at"]
        if which == "response" and v["first_response_at"] is not None:
            return False
        return due is not None and due < self.now


def _labels(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def _text(value: Any) -> Any:
    """A cell as written: text made formula-safe, times as text in CSV."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return value


# --- writers ----------------------------------------------------------------------------------


class _Line:
    """A file-like object csv.writer writes one line into."""

    def __init__(self):
        self.value = ""

    def write(self, text: str) -> None:
        self.value += text


def csv_chunks(rows: Rows, *, on_progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes with a BOM (so Excel reads the Chinese text), a chunk of rows at
    a time."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(rows.headers())
    pending = [BOM + line.value]
    line.value = ""
    for row in rows:
        writer.writerow([_text(cell) if cell is not None else "" for cell in row])
        pending.append(line.value)
        line.value = ""
        if len(pending) >= 500:
            yield "".join(pending).encode()
            pending = []
            if on_progress:
                on_progress(rows.written)
    yield "".join(pending).encode()
    if on_progress:
        on_progress(rows.written)


def write_csv(rows: Rows, out: IO[bytes], on_progress: Callable[[int], None] | None = None) -> None:
    for chunk in csv_chunks(rows, on_progress=on_progress):
        out.write(chunk)


def write_xlsx(rows: Rows, path: Path, on_progress: Callable[[int], None] | None = None) -> None:
    """A workbook at ``path``, written row by row in constant memory."""
    options: dict[str, Any] = {**WORKBOOK_OPTIONS, "in_memory": False, "constant_memory": True}
    options["tmpdir"] = str(path.parent)
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet(_("Tickets"))
    bold = workbook.add_format({"bold": True})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    headers = rows.headers()
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    widths = {"title": 40, "item": 24, "customer": 20}
    for col, column in enumerate(rows.columns):
        sheet.set_column(col, col, widths.get(column.key, 17 if column.kind == "time" else 12))
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, datetime):
                sheet.write_datetime(r, col, cell.replace(tzinfo=None), when)
            elif isinstance(cell, int | float) and not isinstance(cell, bool):
                sheet.write_number(r, col, cell)
            else:
                sheet.write_string(r, col, neutralise(str(cell)))
        if on_progress and r % 500 == 0:
            on_progress(rows.written)
    if rows.columns:
        sheet.autofilter(0, 0, max(rows.written, 1), len(rows.columns) - 1)
    workbook.close()
    if on_progress:
        on_progress(rows.written)


def file_name(fmt: str, now: datetime, tz: tzinfo) -> str:
    stamp = timezone.localtime(now, tz).strftime("%Y%m%d-%H%M")
    return f"tickets-{stamp}.{fmt}"


def xlsx_tempfile(rows: Rows) -> IO[bytes]:
    """A small export's workbook in an unnamed temporary file (gone when closed)."""
    with tempfile.TemporaryDirectory(prefix="opsbook-export-") as folder:
        path = Path(folder) / "export.xlsx"
        write_xlsx(rows, path)
        return path.open("rb")  # the directory goes; the open file stays readable (POSIX)


# --- responses --------------------------------------------------------------------------------


def download_response(
    user, chosen: filters.TicketFilters, fmt: str, now: datetime
) -> HttpResponseBase:
    """The export of ``chosen`` as a download (a CSV streamed as it is read)."""
    tz = user_time_zone(user)
    rows = Rows(scoped_tickets(user, chosen, now), user, now, tz)
    name = file_name(fmt, now, tz)
    response: HttpResponseBase
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(csv_chunks(rows), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = FileResponse(
            xlsx_tempfile(rows),
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPES[ExportFormat.XLSX],
        )
    return private(response)


def private[R: HttpResponseBase](response: R) -> R:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def file_response(job: ExportJob) -> FileResponse:
    """A finished export's file, always as an attachment."""
    if not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.file_name,
        content_type=CONTENT_TYPES[ExportFormat(job.format)],
    )
    private(response)
    return response


# --- the background job's work ----------------------------------------------------------------


def run_job(job: ExportJob) -> int:
    """Write ``job``'s file (claimed by the caller): the list its owner sees now with the
    filters they chose, judged at the moment they asked (``created_at``). Progress is saved
    every few hundred rows, outside any transaction, for the page that polls it. Returns the
    number of rows written."""
    tz = user_time_zone_named(job.time_zone)
    with translation.override(job.language), timezone.override(tz):
        chosen, _errors = filters.parse(QueryDict(job.query), user=job.owner)
        qs = scoped_tickets(job.owner, chosen, job.created_at)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=qs.order_by().count())
        rows = Rows(qs, job.owner, job.created_at, tz)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        name = file_name(job.format, job.created_at, tz)
        with tempfile.TemporaryDirectory(prefix="opsbook-export-") as folder:
            path = Path(folder) / name
            if job.format == ExportFormat.XLSX:
                write_xlsx(rows, path, progress)
            else:
                with path.open("wb") as out:
                    write_csv(rows, out, progress)
            with path.open("rb") as handle:
                job.file.save(name, File(handle), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.DONE,
        file=job.file.name,
        file_name=name,
        rows_done=rows.written,
        rows_total=rows.written,
        finished_at=clock.now(),
    )
    return rows.written


def user_time_zone_named(name: str) -> tzinfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ValueError, KeyError, OSError):
        return ZoneInfo(settings.TIME_ZONE)
