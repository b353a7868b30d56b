"""Write an import's tickets set-wise, in one transaction, a batch at a time.

Per batch: new tickets are built (positionally, the fast path of ``Model.__init__``), their SLA
columns computed by ``sla_store.apply_sla`` with one ``PolicyResolver`` for the whole import (no
query per ticket), and inserted with ``core.tabular.bulk.Table`` (``executemany`` on
SQLite, ``COPY`` on PostgreSQL); their ids are read back by external id. Tickets to update are
locked and must still have the version the import compared (else nothing is written). Then the
timeline events of the batch: the imported status history of each ticket (marked
``{"import": true}``, so a later import can tell them from work done in Opsbook).

Warnings and breaches that fell before the import are marked as already announced: migrating
a backlog must not e-mail every breach of the past at once. They still show as breached.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from opsbook.catalog.choices import Priority
from opsbook.core.errors import ConflictError
from opsbook.core.tabular import bulk

from .. import sla_policy, sla_store
from ..choices import OPEN_STATUSES, RUNNING_STATUSES, Source, TicketType
from ..models import Ticket, TicketEvent

BATCH = 2000
IMPORT_MARK = {"import": True}

FIELDS = Ticket._meta.concrete_fields
POSITION = {f.attname: i for i, f in enumerate(FIELDS)}
# get_field() may return a relation in the stubs; the SLA fields are concrete fields.
SLA_COLUMNS = [Ticket._meta.get_field(name).attname for name in sla_store.SLA_FIELDS]  # type: ignore[union-attr]
# The columns a file may have (or not: then existing tickets keep theirs).
PLAIN_COLUMNS = (
    "title", "description", "type", "channel", "priority", "item_id", "customer_id",
    "assignee_id", "first_response_at", "rating", "rating_comment",
)  # fmt: skip
# Always the file's: the ticket's life as its status history tells it.
LIFECYCLE = (
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "reopened_count",
)
LIFECYCLE_COLUMNS = [*LIFECYCLE, "updated_at", "version"]
# New tickets get these when the file has no such column.
DEFAULTS = {
    "description": "",
    "type": TicketType.CONSULTATION,
    "priority": Priority.NORMAL,
    "rating_comment": "",
}


def write(records, plain: list[str], now: datetime) -> int:
    """Create and update the records marked so (inside the import's transaction); returns the
    number of events written.
    ``plain`` names the ticket columns the file has (the others of existing tickets stay)."""
    writer = _Writer(plain, now)
    writer.resolver.preload({r.item_id for r in records if r.item_id is not None})
    batch = []
    for record in records:
        if record.action in ("create", "update"):
            batch.append(record)
            if len(batch) == BATCH:
                writer.batch(batch)
                batch = []
    if batch:
        writer.batch(batch)
    return writer.events


class _Writer:
    def __init__(self, plain: list[str], now: datetime):
        self.plain = plain
        self.now = now
        self.resolver = sla_policy.PolicyResolver()
        self.template = [f.get_default() for f in FIELDS]
        self.template[POSITION["source"]] = Source.IMPORT
        self.events = 0
        columns = [*plain, *LIFECYCLE_COLUMNS, *SLA_COLUMNS]
        if "assignee_id" in plain:
            columns.append("team_id")
        self.update_columns = list(dict.fromkeys(columns))

    def batch(self, records: list) -> None:
        # A table per batch: its adapters remember values, which must not grow for 200,000 rows.
        tickets = bulk.Table(Ticket, self.now)
        new = [r for r in records if r.action == "create"]
        if new:
            built = [self._build(r) for r in new]
            tickets.insert(t.__dict__ for t in built)
            ids = dict(
                Ticket.objects.filter(external_id__in=[r.external_id for r in new]).values_list(
                    "external_id", "id"
                )
            )
            for record in new:
                record.pk = ids[record.external_id]
        changed = [r for r in records if r.action == "update"]
        if changed:
            self._update(changed, tickets)
        events = bulk.Table(TicketEvent, self.now)
        rows = []
        for record in records:
            for kind, at, old, new_status, note in record.history():
                rows.append(
                    {
                        "ticket_id": record.pk,
                        "at": at,
                        "kind": kind,
                        "from_status": old,
                        "to_status": new_status,
                        "is_public": True,
                        "data": {**IMPORT_MARK, "note": note} if note else IMPORT_MARK,
                    }
                )
        events.insert(rows)
        self.events += len(rows)

    def _build(self, record) -> Ticket:
        values = list(self.template)
        for name in PLAIN_COLUMNS:
            value = getattr(record, name)
            values[POSITION[name]] = DEFAULTS.get(name) if value is None else value
        values[POSITION["team_id"]] = record.team_id
        values[POSITION["external_id"]] = record.external_id
        for name, value in _lifecycle(record).items():
            values[POSITION[name]] = value
        values[POSITION["version"]] = 1
        ticket = Ticket(*values)
        self._sla(ticket, record)
        return ticket

    def _sla(self, ticket: Ticket, record) -> None:
        sla_store.apply_sla(ticket, record.status_changes(), self.now, self.resolver)
        _quiet_past_alerts(ticket, self.now)

    def _update(self, records: list, table: bulk.Table) -> None:
        locked = Ticket.objects.select_for_update().in_bulk([r.pk for r in records])
        rows: list[dict] = []
        old_events: list[int] = []
        for record in records:
            ticket = locked.get(record.pk)
            if ticket is None or ticket.version != record.db_version:
                raise ConflictError(
                    _(
                        "Ticket #%(pk)d (external id %(id)s) was changed while the import ran; "
                        "nothing was written. Import the file again."
                    )
                    % {"pk": record.pk, "id": record.external_id}
                )
            assignee_before = ticket.assignee_id
            for name in self.plain:
                value = getattr(record, name)
                setattr(ticket, name, DEFAULTS.get(name) if value is None else value)
            if ticket.assignee_id != assignee_before:
                ticket.team_id = record.team_id
            for name, value in _lifecycle(record).items():
                setattr(ticket, name, value)
            ticket.version += 1
            self._sla(ticket, record)
            rows.append(ticket.__dict__)
            old_events += record.old_events or []
        table.update(rows, self.update_columns)
        bulk.delete_ids(TicketEvent, old_events)


def _lifecycle(record) -> dict:
    """The status and times the record's history gives, and the last moment it tells of."""
    values = {name: getattr(record, name) for name in LIFECYCLE}
    values["updated_at"] = record.last_moment()
    return values


def _quiet_past_alerts(ticket: Ticket, now: datetime) -> None:
    """Mark warnings and breaches that fell before ``now`` as announced, and move the SLA
    job's next check to the first moment still ahead (or none)."""
    if ticket.status not in OPEN_STATUSES:
        return
    moments = []
    for clock in ("response", "resolution"):
        if clock == "response" and ticket.first_response_at is not None:
            continue
        for moment_field, mark_field in (
            (f"{clock}_warn_at", f"{clock}_warned_at"),
            (f"{clock}_due_at", f"{clock}_breach_notified_at"),
        ):
            moment = getattr(ticket, moment_field)
            if moment is None or getattr(ticket, mark_field) is not None:
                continue
            if moment <= now:
                setattr(ticket, mark_field, now)
            elif ticket.status in RUNNING_STATUSES:
                moments.append(moment)
    ticket.sla_next_check_at = min(moments) if moments else None
