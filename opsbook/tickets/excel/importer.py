"""Import historical tickets from Excel or CSV: check everything, then write it all at once.

The import reads its files once, row by row, and runs in four passes:

1. load the service items, customers and staff once; read the tickets sheet, parse every cell
   and check each row (required cells, time order, nothing in the future, duplicate external
   ids), keeping one compact record per ticket;
2. read the status changes (a sheet of the same workbook, or a file of their own): each must
   name a ticket of the file, come after its creation and name a known status; then rebuild each
   ticket's life from them (or, without any, infer it: new at creation, resolved at 解决时间,
   closed at 关闭时间);
3. match the file's tickets with the database by external id, a batch at a time: a ticket not
   there is created; one that is there and equal is unchanged; one that differs is updated if
   nobody has worked on it in Opsbook since it was imported, else kept as Opsbook has it (a
   warning); an external id held by a ticket that was not imported is a problem;
4. unless there was a problem or this is a dry run, write everything in one transaction
   (``writer.py``): tickets, their status history as timeline events, and their SLA columns.

Any problem anywhere means nothing is written. Importing the same file twice changes nothing.
A column the file does not have leaves that field of existing tickets alone (new tickets get the
default); the status history and the times derived from it are always the file's.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import chain, islice
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from opsbook.core import clock
from opsbook.core.tabular.cells import cached
from opsbook.core.tabular.headers import Column, Headers, find_header
from opsbook.core.tabular.pipeline import Pipeline, paused_gc
from opsbook.core.tabular.problems import MAX_PROBLEMS, Problem
from opsbook.core.tabular.reading import basename

from ..choices import EventKind, Source
from ..models import Ticket, TicketEvent
from . import cells, writer
from .columns import STATUS_HEADERS, TICKET_HEADERS
from .reader import ImportFileError, Sheet, open_status_file, open_ticket_file
from .records import REQUIRED, Record, directories, ticket_readers

__all__ = ["MAX_PROBLEMS", "ImportFileError", "Problem", "TicketImportReport", "import_tickets"]

HEADER_SEARCH_ROWS = 10
MATCH_BATCH = 1000
# Events the system adds on its own; they do not mean someone worked on the ticket.
BOOKKEEPING_EVENTS = frozenset(
    {EventKind.SLA_WARNING, EventKind.SLA_BREACH, EventKind.SLA_RECOMPUTED}
)
# Compared with the database, and written, when the file has the column (key → attribute).
PLAIN_FIELDS = {
    "title": "title",
    "description": "description",
    "type": "type",
    "channel": "channel",
    "priority": "priority",
    "item": "item_id",
    "customer": "customer_id",
    "assignee": "assignee_id",
    "first_response_at": "first_response_at",
    "rating": "rating",
    "rating_comment": "rating_comment",
}
assert set(PLAIN_FIELDS.values()) == set(writer.PLAIN_COLUMNS)
LIFECYCLE_FIELDS = writer.LIFECYCLE
_BEFORE_CREATED = {
    "first_response_at": lambda: _("The first response is before the ticket was created."),
    "resolved_at": lambda: _("The ticket is resolved before it was created."),
    "closed_at": lambda: _("The ticket is closed before it was created."),
}
ACTIONS = {"create": "created", "update": "updated", "unchanged": "unchanged", "kept": "kept"}


# --- The report -------------------------------------------------------------------------------


def _empty_summary() -> dict:
    return {
        "tickets": {"created": 0, "updated": 0, "unchanged": 0, "kept": 0},
        "status_changes": 0,
        "events": 0,
    }


@dataclass
class TicketImportReport:
    """What an import found and did. ``summary`` counts tickets by outcome, the status-change
    rows read and the timeline events written; ``warnings`` do not stop the import (columns
    that are not imported, tickets kept because they were worked on in Opsbook)."""

    ok: bool
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    summary: dict = field(default_factory=_empty_summary)
    sheets: dict[str, str | None] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# --- The import -------------------------------------------------------------------------------


def import_tickets(
    data: bytes,
    filename: str,
    *,
    status_data: bytes | None = None,
    status_filename: str = "",
    dry_run: bool = False,
    now: datetime | None = None,
) -> TicketImportReport:
    """Check ``data`` (an .xlsx or .csv of tickets, optionally with a 状态变更 sheet) and the
    optional file of status changes; if nothing is wrong and this is not a dry run, write."""
    report = TicketImportReport(ok=False, dry_run=dry_run)
    name = basename(filename)
    status_name = basename(status_filename) if status_data is not None else ""
    try:
        tickets, statuses = open_ticket_file(data, name)
    except ImportFileError as exc:
        report.problems.append(Problem(name, None, None, str(exc)))
        return report
    if status_data is not None:
        if statuses is not None:
            report.problems.append(
                Problem(
                    name,
                    None,
                    None,
                    _(
                        "The workbook has a sheet of status changes (%(sheet)s) and a file of "
                        "status changes was given too; give them once."
                    )
                    % {"sheet": statuses.name},
                )
            )
            return report
        try:
            statuses = open_status_file(status_data, status_name)
        except ImportFileError as exc:
            report.problems.append(Problem(status_name, None, None, str(exc)))
            return report
    with paused_gc():
        _Import(report, tickets, statuses, now or clock.now()).run()
    return report


class _Import(Pipeline):
    overflow_sheet = ""
    report: "TicketImportReport"

    def __init__(self, report, tickets: Sheet, statuses: Sheet | None, now: datetime):
        super().__init__(report)
        self.sheet = tickets.name
        self.tickets = tickets
        self.statuses = statuses
        self.now = now
        self.tz = timezone.get_default_timezone()
        self.records: list[Record] = []
        self.by_external_id: dict[str, Record] = {}
        self.present: set[str] = set()
        report.sheets = {"tickets": tickets.name, "status_changes": statuses and statuses.name}

    def problem_in(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problem(row, column, message, sheet=sheet)

    def warn(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        if len(self.report.warnings) < MAX_PROBLEMS:
            self.report.warnings.append(Problem(sheet, row, column, message))

    def check(self) -> None:
        read = self._reading(self.tickets, self._read_tickets)
        if read and self.statuses is not None:
            read = self._reading(self.statuses, self._read_statuses)
        if read:
            if not self.records and not self.problems:
                self.problem(None, None, _("The sheet has a header but no tickets."))
            for record in self.records:
                self._rebuild(record)
            self._match()

    def empty_summary(self) -> dict[str, Any]:
        return _empty_summary()

    def write(self) -> None:
        plain = [PLAIN_FIELDS[key] for key in sorted(self.present)]
        self.report.summary["events"] = writer.write(self.records, plain, self.now)

    def _reading(self, sheet: Sheet, read) -> bool:
        """Run ``read``; a file that turns out unreadable half-way is one problem."""
        try:
            return read() is not False
        except ImportFileError as exc:
            self.problem_in(sheet.name, None, None, str(exc))
            return False

    # Headers ----------------------------------------------------------------------------------

    def _header(self, sheet: Sheet, headers: Headers[Column], kind: str):
        """Find the header among the first rows; the columns as {key: (index, label)} and the
        data rows, or None when a required column is missing."""
        first = list(islice(sheet.rows, HEADER_SEARCH_ROWS))
        if not first:
            self.problem_in(sheet.name, None, None, _("The sheet is empty."))
            return None
        header = find_header(first, headers, cells.cell_text, search=HEADER_SEARCH_ROWS)
        for _index, label in header.unknown:
            self.warn(
                sheet.name,
                header.row,
                label,
                _("This column is not imported (it is not one of the accepted headers)."),
            )
        for _index, label, column, other in header.twice:
            if not column.ignored:
                self.problem_in(
                    sheet.name,
                    header.row,
                    label,
                    _("This column appears twice (also as %(other)s).") % {"other": other},
                )
        columns = header.columns()
        self.report.columns[kind] = [label for _index, label in columns.values()]
        for column in header.missing:
            self.problem_in(
                sheet.name, header.row, column.zh, _("This required column is missing.")
            )
        if header.missing:
            return None
        return columns, chain(first[header.index + 1 :], sheet.rows)

    # Pass 1: tickets --------------------------------------------------------------------------

    def _read_tickets(self) -> bool:
        found = self._header(self.tickets, TICKET_HEADERS, "tickets")
        if found is None:
            return False
        columns, rows = found
        self.present = {key for key in columns if key in PLAIN_FIELDS}
        self.teams, self.directories = directories()
        self.labels = {key: label for key, (_index, label) in columns.items()}
        readers, absent = ticket_readers(columns, self.directories, self.tz)
        sheet = self.tickets.name
        by_external_id = self.by_external_id
        for number, row in rows:
            record = Record(number)
            for name in absent:
                setattr(record, name, None)
            width = len(row)
            ok = True
            for name, index, label, read, empty in readers:
                raw = row[index] if index < width else ""
                if raw is None or raw == "" or (raw.__class__ is str and not raw.strip()):
                    value = empty
                else:
                    try:
                        value = read(raw)
                    except cells.CellError as exc:
                        self.problem_in(sheet, number, label, str(exc))
                        setattr(record, name, None)
                        ok = False
                        continue
                if value is REQUIRED:
                    self.problem_in(sheet, number, label, _("Required."))
                    value = None
                    ok = False
                setattr(record, name, value)
            if record.external_id is not None:
                other = by_external_id.get(record.external_id)
                if other is not None:
                    self.problem_in(
                        sheet,
                        number,
                        self.labels["external_id"],
                        _("External id %(id)s is also on row %(row)d.")
                        % {"id": record.external_id, "row": other.row},
                    )
                    continue
                by_external_id[record.external_id] = record
            if ok:
                self._check_times(record)
                self.records.append(record)
        return True

    def _check_times(self, record: Record) -> None:
        sheet, labels, now = self.tickets.name, self.labels, self.now
        created = record.created_at
        for key in ("created_at", "first_response_at", "resolved_at", "closed_at"):
            value = getattr(record, key)
            if value is not None and value > now:
                self.problem_in(
                    sheet, record.row, labels.get(key), _("This time is in the future.")
                )
        for key in ("first_response_at", "resolved_at", "closed_at"):
            value = getattr(record, key)
            if value is not None and value < created:
                self.problem_in(sheet, record.row, labels.get(key), _BEFORE_CREATED[key]())
        # Closing before resolving is checked once the status changes are known (_rebuild).

    # Pass 2: status changes -------------------------------------------------------------------

    def _read_statuses(self) -> None:
        sheet = self.statuses
        assert sheet is not None  # read only when there is one
        found = self._header(sheet, STATUS_HEADERS, "status_changes")
        if found is None:
            return
        columns, rows = found
        name = sheet.name
        tz = self.tz
        ext_index, ext_label = columns["external_id"]
        at_index, at_label = columns["at"]
        status_index, status_label = columns["status"]
        note_index, note_label = columns.get("note", (-1, ""))
        read_status = cached(lambda raw: cells.enum("status", raw))
        count = 0
        for number, row in rows:
            count += 1
            width = len(row)
            raw_id = row[ext_index] if ext_index < width else ""
            raw_at = row[at_index] if at_index < width else ""
            raw_status = row[status_index] if status_index < width else ""
            raw_note = row[note_index] if 0 <= note_index < width else ""
            ok = True
            external_id: Any = None
            at: Any = None
            status: Any = None
            note = ""
            for label, raw, read in (
                (ext_label, raw_id, lambda raw: cells.one_line(raw, 64)),
                (at_label, raw_at, lambda raw: cells.timestamp(raw, tz)),
                (status_label, raw_status, read_status),
            ):
                if raw is None or cells.cell_text(raw) == "":
                    self.problem_in(name, number, label, _("Required."))
                    ok = False
                    continue
                try:
                    value = read(raw)
                except cells.CellError as exc:
                    self.problem_in(name, number, label, str(exc))
                    ok = False
                    continue
                if label == ext_label:
                    external_id = value
                elif label == at_label:
                    at = value
                else:
                    status = value
            if raw_note not in ("", None):
                try:
                    note = cells.text(raw_note, 1000)
                except cells.CellError as exc:
                    self.problem_in(name, number, note_label, str(exc))
                    ok = False
            if external_id is not None:
                self._attach_change(
                    number, (ext_label, at_label), external_id, at, (status, note), ok
                )
        self.report.summary["status_changes"] = count

    def _attach_change(
        self,
        number: int,
        labels: tuple[str, str],
        external_id: str,
        at: Any,
        change: tuple[Any, str],
        ok: bool,
    ) -> None:
        """Add one status change to its ticket, after checking it names one and its time."""
        name = self.statuses.name if self.statuses else ""
        ext_label, at_label = labels
        status, note = change
        now = self.now
        record = self.by_external_id.get(external_id)
        if record is None:
            self.problem_in(
                name,
                number,
                ext_label,
                _("No ticket in %(sheet)s has external id %(id)s.")
                % {"sheet": self.tickets.name, "id": external_id},
            )
        elif at is None or record.created_at is None:
            return
        elif at < record.created_at:
            self.problem_in(
                name,
                number,
                at_label,
                _("This change is before the ticket was created (row %(row)d of %(sheet)s).")
                % {"row": record.row, "sheet": self.tickets.name},
            )
        elif at > now:
            self.problem_in(name, number, at_label, _("This time is in the future."))
        elif ok:
            if record.changes is None:
                record.changes = []
            record.changes.append((at, status, note))

    # Rebuilding each ticket's life ------------------------------------------------------------

    def _rebuild(self, record: Record) -> None:
        """Status, times and reopen count from the status changes, or inferred without them."""
        for key, message in record.rebuild(self.teams):
            self.problem_in(self.tickets.name, record.row, self.labels.get(key), message)

    # Pass 3: matching with the database -------------------------------------------------------

    def _match(self) -> None:
        fields = [PLAIN_FIELDS[key] for key in sorted(self.present)]
        compared = ["id", "external_id", "source", "version", *fields, *LIFECYCLE_FIELDS]
        summary = self.report.summary["tickets"]
        records = self.records
        for start in range(0, len(records), MATCH_BATCH):
            batch = {r.external_id: r for r in records[start : start + MATCH_BATCH]}
            rows = Ticket.objects.filter(external_id__in=list(batch)).values_list(*compared)
            found = {}
            for values in rows:
                db = dict(zip(compared, values, strict=True))
                record = batch[db["external_id"]]
                if db["source"] != Source.IMPORT:
                    self.problem_in(
                        self.tickets.name,
                        record.row,
                        self.labels["external_id"],
                        _(
                            "External id %(id)s is already ticket #%(pk)d, which was not "
                            "imported; give this ticket another external id."
                        )
                        % {"id": record.external_id, "pk": db["id"]},
                    )
                    record.action = "refused"
                    continue
                found[db["id"]] = (record, db)
            if found:
                self._compare(found, fields)
        for record in records:
            if record.action in ACTIONS:
                summary[ACTIONS[record.action]] += 1

    def _compare(self, found: dict[int, tuple[Record, dict]], fields: list[str]) -> None:
        events = defaultdict(list)
        worked_on = set()
        for pk, ticket_id, kind, at, old, new, data in (
            TicketEvent.objects.filter(ticket_id__in=list(found))
            .order_by("ticket_id", "at", "id")
            .values_list("id", "ticket_id", "kind", "at", "from_status", "to_status", "data")
        ):
            if isinstance(data, dict) and data.get("import"):
                events[ticket_id].append((pk, (kind, at, old, new, data.get("note", ""))))
            elif kind not in BOOKKEEPING_EVENTS:
                worked_on.add(ticket_id)
        for pk, (record, db) in found.items():
            record.pk, record.db_version = pk, db["version"]
            imported = events.get(pk, [])
            same = [e for _pk, e in imported] == record.history() and all(
                db[name] == getattr(record, name) for name in (*fields, *LIFECYCLE_FIELDS)
            )
            if same:
                record.action = "unchanged"
            elif pk in worked_on:
                record.action = "kept"
                self.warn(
                    self.tickets.name,
                    record.row,
                    self.labels["external_id"],
                    _(
                        "Ticket #%(pk)d differs from this row but has been worked on in Opsbook "
                        "since it was imported; it is kept as it is in Opsbook."
                    )
                    % {"pk": pk},
                )
            else:
                record.action = "update"
                record.old_events = [event_pk for event_pk, _e in imported]
