"""One ticket as the file tells it, its life rebuilt from its status changes, the
directories (service items, customers, staff) its cells are looked up in, and the parser of
each of its columns."""

from collections import defaultdict
from datetime import datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, User
from opsbook.catalog.choices import Priority
from opsbook.catalog.models import ServiceItem
from opsbook.core.tabular.cells import cached
from opsbook.core.tabular.headers import normalize

from ..choices import OPEN_STATUSES, EventKind, Status, TicketType
from . import cells

DONE = (Status.RESOLVED, Status.CLOSED)
REQUIRED = object()  # the "value" of an empty cell in a required column
Event = tuple[str, datetime, str, str, str]  # kind, at, from status, to status, note


class Record:
    """One ticket of the file: parsed cells, then its rebuilt life, then what to do with it."""

    __slots__ = (
        "acknowledged_at", "action", "assignee_id", "cancelled_at", "changes", "channel",
        "closed_at", "created_at", "customer_id", "db_version", "description", "external_id",
        "first_response_at", "item_id", "old_events", "pk", "priority", "rating",
        "rating_comment", "reopened_count", "resolved_at", "row", "status", "team_id", "title",
        "type",
    )  # fmt: skip
    # Set from the file's cells (None where the file has no such column).
    external_id: Any
    title: Any
    description: Any
    type: Any
    channel: Any
    priority: Any
    item_id: Any
    customer_id: Any
    assignee_id: Any
    created_at: Any
    first_response_at: Any
    resolved_at: Any
    closed_at: Any
    rating: Any
    rating_comment: Any
    # Set by ``rebuild``.
    status: str
    acknowledged_at: datetime | None
    cancelled_at: datetime | None
    reopened_count: int
    team_id: int | None

    def __init__(self, row: int):
        self.row = row
        self.changes: list[tuple[datetime, str, str]] | None = None  # (at, status, note)
        self.action = "create"
        self.pk: int | None = None
        self.db_version: int | None = None
        self.old_events: list[int] | None = None

    def history(self) -> list[Event]:
        """Timeline events (kind, at, from status, to status, note), creation first."""
        events: list[Event] = [(EventKind.CREATED, self.created_at, "", Status.NEW, "")]
        current: str = Status.NEW
        for at, status, note in self.changes or ():
            if status != current:
                events.append((EventKind.STATUS, at, current, status, note))
                current = status
        return events

    def status_changes(self) -> list[tuple[datetime, str]]:
        """The (at, status) pairs the SLA clocks are rebuilt from, the first the created one."""
        return [(at, to_status) for _kind, at, _from, to_status, _note in self.history()]

    def last_moment(self) -> datetime:
        moments = [self.created_at, self.first_response_at, self.resolved_at, self.closed_at]
        moments += [at for at, _status, _note in self.changes or ()]
        return max(m for m in moments if m is not None)

    def rebuild(self, teams: dict[int, int | None]) -> list[tuple[str, str]]:
        """Status, times and reopen count from the status changes, or inferred without them
        (new at creation, resolved at 解决时间, closed at 关闭时间); the team from the assignee.
        Returns the problems as (column key, message)."""
        if self.changes is None:
            changes: list[tuple[datetime, str, str]] = []
            if self.resolved_at is not None:
                changes.append((self.resolved_at, Status.RESOLVED, ""))
            if self.closed_at is not None:
                changes.append((self.closed_at, Status.CLOSED, ""))
            self.changes = changes or None
        else:
            # Same-instant changes keep the file's order (the sort is stable).
            self.changes.sort(key=itemgetter(0))
        history = self.history()
        status = history[-1][3]
        self.status = status
        self.acknowledged_at = next(
            (at for _kind, at, _f, to, _n in history if to == Status.ACKNOWLEDGED), None
        )
        self.reopened_count = sum(
            1 for _k, _at, old, new, _n in history if old in DONE and new in OPEN_STATUSES
        )
        last = {to: at for _k, at, _f, to, _n in history}
        self.cancelled_at = last.get(Status.CANCELLED) if status == Status.CANCELLED else None
        self.team_id = teams.get(self.assignee_id) if self.assignee_id else None
        return self._check_times(status, last)

    def _check_times(self, status: str, last: dict[str, datetime]) -> list[tuple[str, str]]:
        problems = []
        label = Status(status).label
        if status in DONE:
            if self.resolved_at is None:
                self.resolved_at = last.get(Status.RESOLVED)
        elif self.resolved_at is not None:
            problems.append(
                (
                    "resolved_at",
                    _(
                        "The ticket has a resolution time but its status changes leave it "
                        "%(status)s."
                    )
                    % {"status": label},
                )
            )
        if status == Status.CLOSED:
            if self.closed_at is None:
                self.closed_at = last.get(Status.CLOSED)
        elif self.closed_at is not None:
            problems.append(
                (
                    "closed_at",
                    _("The ticket has a closing time but its status changes leave it %(status)s.")
                    % {"status": label},
                )
            )
        if (
            self.resolved_at is not None
            and self.closed_at is not None
            and self.closed_at < self.resolved_at
        ):
            problems.append(("closed_at", _("The ticket is closed before it was resolved.")))
        return problems


# --- Directories: items, customers, staff, loaded once ----------------------------------------


class Directory:
    """Names and codes → ids for one kind of record; ambiguous names are remembered as such."""

    def __init__(self, rows: Any, noun: str, ambiguous: str):
        self.noun = noun
        self.ambiguous = ambiguous  # the message when a name fits several
        self.codes: dict[str, int] = {}
        self.names: dict[str, set[int]] = defaultdict(set)
        self.cache: dict[str, tuple[int | None, str | None]] = {}
        for pk, code, *names in rows:
            if code:
                self.codes[code] = pk
                self.names[normalize(code)].add(pk)
            for name in names:
                if name and name.strip():
                    self.names[normalize(name)].add(pk)

    def find(self, text: str) -> tuple[int | None, str | None]:
        """(id, None) or (None, the problem)."""
        hit = self.cache.get(text)
        if hit is None:
            hit = self.cache[text] = self._find(text)
        return hit

    def _find(self, text: str) -> tuple[int | None, str | None]:
        if text in self.codes:
            return self.codes[text], None
        found = self.names.get(normalize(text), set())
        if len(found) == 1:
            return next(iter(found)), None
        if not found:
            return None, _("Unknown %(noun)s %(text)s.") % {"noun": self.noun, "text": text}
        return None, self.ambiguous % {"text": text, "count": len(found)}


def directories() -> tuple[dict[int, int | None], dict[str, Directory]]:
    """Staff users' teams, and the directories for the item, customer and assignee columns."""
    items = ServiceItem.objects.values_list("id", "code", "name")
    customers = Customer.objects.values_list("id", "code", "name")
    staff = User.objects.exclude(role=Role.CUSTOMER).values_list(
        "id", "username", "display_name", "first_name", "last_name", "team_id"
    )
    teams: dict[int, int | None] = {}
    people = []
    for pk, username, display, first, last, team_id in staff:
        teams[pk] = team_id
        people.append((pk, None, username, display, f"{first} {last}".strip(), f"{last}{first}"))
    users = Directory(
        people,
        _("user"),
        _("%(text)s names %(count)d different users; write the username instead."),
    )
    return teams, {
        "item": Directory(
            items,
            _("service item"),
            _("%(text)s names %(count)d different service items; write the item code instead."),
        ),
        "customer": Directory(
            customers,
            _("customer"),
            _("%(text)s names %(count)d different customers; write the customer code instead."),
        ),
        "assignee": users,
    }


def ticket_readers(
    columns: dict[str, tuple[int, str]], found: dict[str, Directory], tz: ZoneInfo
) -> tuple[list[tuple[str, int, str, Any, Any]], list[str]]:
    """(attribute, cell index, column label, parser, value of an empty cell) for each
    column of the file, and the attributes of the columns it does not have."""

    def reference(kind):
        directory = found[kind]

        def read(raw):
            pk, error = directory.find(cells.one_line(raw))
            if error:
                raise cells.CellError(error)
            return pk

        return read

    def enum(kind):
        return cached(lambda raw: cells.enum(kind, raw))

    def when(raw):
        return cells.timestamp(raw, tz)

    # key: (attribute, parser, value of an empty cell)
    parsers = {
        "external_id": ("external_id", lambda raw: cells.one_line(raw, 64), REQUIRED),
        "title": ("title", lambda raw: cells.one_line(raw, 200), REQUIRED),
        "description": ("description", cells.text, ""),
        "type": ("type", enum("type"), TicketType.CONSULTATION),
        "channel": ("channel", enum("channel"), REQUIRED),
        "priority": ("priority", enum("priority"), Priority.NORMAL),
        "item": ("item_id", reference("item"), None),
        "customer": ("customer_id", reference("customer"), None),
        "assignee": ("assignee_id", reference("assignee"), None),
        "created_at": ("created_at", when, REQUIRED),
        "first_response_at": ("first_response_at", when, None),
        "resolved_at": ("resolved_at", when, None),
        "closed_at": ("closed_at", when, None),
        "rating": ("rating", cells.rating, None),
        "rating_comment": ("rating_comment", lambda raw: cells.text(raw, 2000), ""),
    }
    readers, absent = [], []
    for key, (name, read, empty) in parsers.items():
        if key in columns:
            index, label = columns[key]
            readers.append((name, index, label, read, empty))
        else:
            absent.append(name)
    return readers, absent
