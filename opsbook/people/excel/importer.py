"""The roster import: teams, staff, customer organisations and their contacts from one
workbook (a sheet per kind, or one sheet with a kind column) or a CSV file with a kind column.

All or nothing: every row is checked against the file and the database first, each problem
named by sheet, row and column; only a file without problems is written, in one transaction,
through the same services as the pages (so the same rules, audit entries and invitations).
Rows that match what is stored change nothing, so importing the same file twice, or the
export back, is a no-op.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils.translation import gettext as _

from opsbook.accounts.access import can_grant_role, can_manage_people
from opsbook.accounts.choices import STAFF_ROLES, Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.tabular.cells import cell_text, is_empty
from opsbook.core.tabular.files import ImportFileError
from opsbook.core.tabular.headers import Headers, find_header, normalize
from opsbook.core.tabular.pipeline import Pipeline, Report, paused_gc
from opsbook.core.tabular.problems import Problem
from opsbook.core.tabular.reading import Table, basename, iter_csv, open_workbook

from .. import services
from .columns import (
    BOOL_WORDS,
    CONTACT,
    CUSTOMER,
    HEADERS,
    KIND_LABELS,
    KIND_WORDS,
    KINDS,
    MIXED_HEADERS,
    NO,
    REQUIRED,
    ROLE_LABELS,
    ROLE_TEXT,
    ROLE_WORDS,
    SHEET_NAMES,
    STAFF,
    TEAM,
    YES,
    sheet_rules,
)

_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c]+")
SEPARATORS = re.compile(r"[,，;；、\s]+")
ACTIONS = ("created", "updated", "unchanged")


def _empty_summary() -> dict[str, Any]:
    return {kind: dict.fromkeys(ACTIONS, 0) for kind in KINDS}


@dataclass
class PeopleImportReport(Report):
    summary: dict[str, Any] = field(default_factory=_empty_summary)
    # What each row does: sheet, row, kind, key, action, changed fields; changed rows first.
    rows: list[dict[str, Any]] = field(default_factory=list)
    invited: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Record:
    kind: str
    sheet: str
    row: int
    cells: dict[str, tuple[str, str]]  # key -> (text, label as headed)

    def text(self, key: str) -> str:
        return self.cells.get(key, ("", ""))[0]

    def label(self, key: str) -> str:
        return self.cells.get(key, ("", key))[1]

    def has(self, key: str) -> bool:
        return key in self.cells


def import_people(
    data: bytes, filename: str, *, actor, dry_run: bool = False, now: datetime | None = None
) -> PeopleImportReport:
    """Check (and unless ``dry_run`` write) a roster. ``actor`` None is the command line."""
    if actor is not None and not can_manage_people(actor):
        raise PermissionDenied
    report = PeopleImportReport(ok=False, dry_run=dry_run)
    name = basename(filename)
    with paused_gc():
        try:
            tables = _read(data, name)
        except ImportFileError as exc:
            report.problems.append(Problem(name, None, None, str(exc)))
            return report
        _Import(report, tables, actor=actor, now=clock.or_now(now)).run()
    return report


def _read(data: bytes, name: str) -> list[tuple[str | None, Table]]:
    """(kind or None for a mixed sheet, table) for each sheet to import."""
    rules = sheet_rules()
    workbook = open_workbook(data, name, rules)
    if workbook is None:
        rows = list(iter_csv(data, rules.max_rows))
        if not rows:
            raise ImportFileError(_("The file is empty."))
        return [(None, Table(sheet=name, rows=rows))]
    found = [(kind, workbook.named(SHEET_NAMES[kind])) for kind in KINDS]
    tables: list[tuple[str | None, Table]] = [
        (kind, workbook.table(sheet, rules.max_rows)) for kind, sheet in found if sheet
    ]
    if tables:
        return tables
    sheet = workbook.pick((), rules.ignored)
    if sheet is None:
        raise ImportFileError(_("The workbook has no worksheet to import."))
    return [(None, workbook.table(sheet, rules.max_rows))]


class _Import(Pipeline):
    def __init__(self, report: PeopleImportReport, tables, *, actor, now):
        super().__init__(report)
        self.people_report = report
        self.tables, self.actor, self.now = tables, actor, now
        self.sheet = tables[0][1].sheet
        self.records: dict[str, list[Record]] = {kind: [] for kind in KINDS}
        self.plan: dict[str, list[tuple[Record, Any, dict[str, Any]]]] = {k: [] for k in KINDS}

    def empty_summary(self) -> dict[str, Any]:
        return _empty_summary()

    def sort_problems(self) -> None:
        order = {table.sheet: i for i, (_k, table) in enumerate(self.tables)}
        self.report.problems.sort(key=lambda p: (order.get(p.sheet, 99), p.row or 0))

    # --- reading ----------------------------------------------------------------------------

    def check(self) -> None:
        for kind, table in self.tables:
            self._read_table(kind, table)
        if self.problems:
            return
        if not any(self.records.values()):
            self.problem(None, None, _("The file has headers but no rows to import."))
            return
        self._load_database()
        self._check_teams()
        self._check_customers()
        self._check_people(STAFF)
        self._check_people(CONTACT)
        self._check_emails()
        self._check_leads()
        self._check_admins_remain()
        if not self.problems:
            self._summarise()

    def _read_table(self, kind: str | None, table: Table) -> None:
        headers: Headers = MIXED_HEADERS if kind is None else HEADERS[kind]
        header = find_header(table.rows, headers, cell_text)
        for column in header.missing:
            self.problem(
                header.row, column.zh, _("This required column is missing."), sheet=table.sheet
            )
        for _i, label, _c, first in header.twice:
            self.problem(
                header.row,
                label,
                _("This column appears twice (also %(first)s).") % {"first": first},
                sheet=table.sheet,
            )
        if header.missing or header.twice:
            return
        columns = header.columns()
        for number, cells in table.rows[header.index + 1 :]:
            values: dict[str, tuple[str, str]] = {}
            bad = False
            for key, (index, label) in columns.items():
                raw = cells[index] if index < len(cells) else ""
                # A line break or tab inside a one-line cell reads as a space; other
                # spacing is kept as written, so names the pages allow come back unchanged.
                text = "" if is_empty(raw) else _LINE_BREAKS.sub(" ", cell_text(raw)).strip()
                if key in ("description", "notes") and not is_empty(raw):
                    text = cell_text(raw)
                limit = headers.by_key[key].max_length
                if limit is not None and len(text) > limit:
                    self.problem(
                        number,
                        label,
                        _("Longer than %(limit)d characters.") % {"limit": limit},
                        sheet=table.sheet,
                    )
                    bad = True
                # Line breaks and tabs (CR included: the pages keep it in descriptions and
                # notes, so the export holds it) are spaces outside descriptions and notes.
                if any(ord(ch) < 32 and ch not in "\n\t\r" for ch in text):
                    self.problem(
                        number, label, _("The cell holds control characters."), sheet=table.sheet
                    )
                    bad = True
                values[key] = (text, label)
            row_kind = kind
            if row_kind is None:
                text, label = values["kind"]
                row_kind = KIND_WORDS.get(normalize(text))
                if row_kind is None:
                    self.problem(
                        number,
                        label,
                        _("%(text)s is not one of %(choices)s.")
                        % {"text": text or "—", "choices": "、".join(KIND_LABELS)},
                        sheet=table.sheet,
                    )
                    continue
                missing = [c for c in REQUIRED[row_kind] if c.key not in columns]
                for column in missing:
                    self.problem(
                        header.row,
                        column.zh,
                        _("This column is needed for %(kind)s rows.") % {"kind": text},
                        sheet=table.sheet,
                    )
                if missing:
                    continue
            for column in REQUIRED[row_kind]:
                if not values[column.key][0]:
                    self.problem(number, values[column.key][1], _("Required."), sheet=table.sheet)
                    bad = True
            if not bad:
                self.records[row_kind].append(Record(row_kind, table.sheet, number, values))

    def bad(self, record: Record, key: str, message: str) -> None:
        self.problem(record.row, record.label(key), message, sheet=record.sheet)

    def _load_database(self) -> None:
        self.teams = {t.name.casefold(): t for t in Team.objects.select_related("lead")}
        self.customers = {c.code.casefold(): c for c in Customer.objects.all()}
        self.customers_by_name = {c.name.casefold(): c for c in self.customers.values()}
        self.users = {u.username.casefold(): u for u in User.objects.select_related("team")}
        self.emails = {u.email.casefold(): u for u in self.users.values() if u.email}
        self.service_items: dict[str, Any] = {}
        codes = {
            code
            for r in self.records[CUSTOMER]
            for code in SEPARATORS.split(r.text("services"))
            if code
        }
        self.service_items = services.active_service_items(codes)
        self.current_services: dict[int, list[str]] = {}
        if self.customers:
            from_db = Customer.objects.prefetch_related("services__item")
            for customer in from_db:
                self.current_services[customer.pk] = sorted(
                    cs.item.code for cs in customer.services.all()
                )

    def _yes_no(self, record: Record, key: str) -> bool | None:
        text = record.text(key)
        if not text:
            return None
        value = BOOL_WORDS.get(normalize(text))
        if value is None:
            self.bad(
                record,
                key,
                _("%(text)s is not one of %(choices)s.") % {"text": text, "choices": "是、否"},
            )
        return value

    def _duplicate(self, seen: dict[str, Record], key: str, record: Record, column: str) -> bool:
        first = seen.get(key.casefold())
        if first is not None:
            self.bad(
                record,
                column,
                _("%(value)s appears twice (also %(sheet)s row %(row)d).")
                % {"value": key, "sheet": first.sheet, "row": first.row},
            )
            return True
        seen[key.casefold()] = record
        return False

    # --- teams ------------------------------------------------------------------------------

    def _check_teams(self) -> None:
        seen: dict[str, Record] = {}
        self.file_teams: dict[str, Record] = {}
        for record in self.records[TEAM]:
            if not self._duplicate(seen, record.text("name"), record, "name"):
                self.file_teams[record.text("name").casefold()] = record
        parents: dict[str, str] = {
            k: t.parent.name.casefold() for k, t in self.teams.items() if t.parent_id and t.parent
        }
        for key, record in self.file_teams.items():
            parent = record.text("parent")
            if record.has("parent"):
                parents.pop(key, None)
                if parent:
                    if not self._team_known(parent):
                        self.bad(
                            record,
                            "parent",
                            _("There is no team called %(name)s.") % {"name": parent},
                        )
                        continue
                    parents[key] = parent.casefold()
        for key, record in self.file_teams.items():
            at, steps = parents.get(key), 0
            while at is not None and steps <= len(parents):
                if at == key:
                    self.bad(
                        record,
                        "parent",
                        _("A team cannot be inside itself or one of its own sub-teams."),
                    )
                    break
                at, steps = parents.get(at), steps + 1

    def _team_known(self, name: str) -> bool:
        key = name.casefold()
        return key in self.file_teams or key in self.teams

    # --- customers ----------------------------------------------------------------------------

    def _check_customers(self) -> None:
        codes: dict[str, Record] = {}
        names: dict[str, Record] = {}
        self.file_customers: dict[str, Record] = {}
        for record in self.records[CUSTOMER]:
            code, name = record.text("code"), record.text("name")
            try:
                validate_slug(code)
            except ValidationError:
                self.bad(record, "code", _("A code is letters, digits, '-' or '_' only."))
                continue
            if self._duplicate(codes, code, record, "code") or self._duplicate(
                names, name, record, "name"
            ):
                continue
            other = self.customers_by_name.get(name.casefold())
            if other is not None and other.code.casefold() != code.casefold():
                self.bad(
                    record,
                    "name",
                    _("The organisation %(name)s has the code %(code)s.")
                    % {"name": name, "code": other.code},
                )
                continue
            for item_code in SEPARATORS.split(record.text("services")):
                if item_code and item_code.casefold() not in self.service_items:
                    self.bad(
                        record,
                        "services",
                        _("There is no service item %(code)s.") % {"code": item_code},
                    )
            self._yes_no(record, "active")
            self.file_customers[code.casefold()] = record

    def _customer_for(self, text: str) -> tuple[str | None, Any]:
        """(code key, stored customer or None) of the organisation a contact names, by code or
        by name, in the file or the database; (None, None) when unknown."""
        key = text.casefold()
        if key in self.file_customers:
            return key, self.customers.get(key)
        for code, record in self.file_customers.items():
            if record.text("name").casefold() == key:
                return code, self.customers.get(code)
        stored = self.customers.get(key) or self.customers_by_name.get(key)
        if stored is not None:
            return stored.code.casefold(), stored
        return None, None

    # --- people -------------------------------------------------------------------------------

    def _check_people(self, kind: str) -> None:
        if not hasattr(self, "logins"):
            self.logins: dict[str, Record] = {}
        for record in self.records[kind]:
            login = record.text("login")
            try:
                User.username_validator(login)
            except ValidationError:
                self.bad(record, "login", _("A login is letters, digits and @/./+/-/_ only."))
                continue
            if self._duplicate(self.logins, login, record, "login"):
                continue
            stored = self.users.get(login.casefold())
            problem = None if stored is not None else services.login_problem(login)
            if problem is not None:
                self.bad(record, "login", problem)
                continue
            if stored is not None and (stored.role == Role.CUSTOMER) != (kind == CONTACT):
                message = (
                    _("%(login)s is a customer contact's login.")
                    if kind == STAFF
                    else _("%(login)s is a member of staff's login.")
                )
                self.bad(record, "login", message % {"login": login})
                continue
            email = record.text("email")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.bad(record, "email", _("Enter a valid e-mail address."))
            self._yes_no(record, "active")
            if kind == STAFF:
                self._check_staff(record, stored)
            else:
                key, _customer = self._customer_for(record.text("customer"))
                if key is None:
                    self.bad(
                        record,
                        "customer",
                        _("There is no customer organisation %(name)s in the file or in Opsbook.")
                        % {"name": record.text("customer")},
                    )

    def _check_staff(self, record: Record, stored: User | None) -> None:
        team = record.text("team")
        if team and not self._team_known(team):
            self.bad(record, "team", _("There is no team called %(name)s.") % {"name": team})
        role_text = record.text("role")
        role = ROLE_WORDS.get(normalize(role_text)) if role_text else None
        if role_text and role is None:
            self.bad(
                record,
                "role",
                _("%(text)s is not one of %(choices)s.")
                % {"text": role_text, "choices": "、".join(ROLE_LABELS)},
            )
        capacity = record.text("capacity")
        if capacity:
            try:
                hours = int(float(capacity))
                if hours != float(capacity) or not 0 <= hours <= services.MAX_CAPACITY_HOURS:
                    raise ValueError
            except ValueError:
                self.bad(
                    record,
                    "capacity",
                    _("Enter whole hours from 0 to %(max)d.")
                    % {"max": services.MAX_CAPACITY_HOURS},
                )
        lead = self._yes_no(record, "lead")
        if lead and not team:
            self.bad(record, "lead", _("A team lead needs a team."))
        if (
            self.actor is not None
            and stored is not None
            and stored.pk == self.actor.pk
            and self._yes_no_quiet(record, "active") is False
        ):
            self.bad(record, "active", _("You cannot deactivate your own account."))

    def _yes_no_quiet(self, record: Record, key: str) -> bool | None:
        return BOOL_WORDS.get(normalize(record.text(key))) if record.text(key) else None

    def _check_emails(self) -> None:
        seen: dict[str, Record] = {}
        for record in [*self.records[STAFF], *self.records[CONTACT]]:
            email = record.text("email")
            if not email:
                continue
            if self._duplicate(seen, email, record, "email"):
                continue
            owner = self.emails.get(email.casefold())
            if owner is not None and owner.username.casefold() != record.text("login").casefold():
                # Taken, unless its owner gives it up in this same file.
                release = self.logins.get(owner.username.casefold())
                if release is None or release.text("email").casefold() == email.casefold():
                    self.bad(
                        record,
                        "email",
                        _("The e-mail %(email)s belongs to another account (%(login)s).")
                        % {"email": email, "login": owner.username},
                    )

    def _check_leads(self) -> None:
        leads: dict[str, Record] = {}
        for record in self.records[STAFF]:
            if self._yes_no_quiet(record, "lead") and record.text("team"):
                self._duplicate(leads, record.text("team"), record, "lead")

    def _check_admins_remain(self) -> None:
        """The file may not leave Opsbook without an active administrator (the services refuse
        it too; here it is a problem on the row instead of a failed write)."""
        admins = {u.pk for u in self.users.values() if u.role == Role.ADMIN and u.is_active}
        if not admins:
            return
        last: Record | None = None
        for record in self.records[STAFF]:
            stored = self.users.get(record.text("login").casefold())
            role_text = record.text("role")
            role = ROLE_WORDS.get(normalize(role_text)) if role_text else None
            active = self._yes_no_quiet(record, "active")
            if stored is None:
                if role == Role.ADMIN and active is not False:
                    return
                continue
            if stored.pk in admins and (active is False or (role and role != Role.ADMIN)):
                admins.discard(stored.pk)
                last = record
            elif (
                role == Role.ADMIN
                and stored.role != Role.CUSTOMER
                and (active or (active is None and stored.is_active))
            ):
                admins.add(stored.pk)
        if not admins and last is not None:
            self.bad(
                last,
                "active" if self._yes_no_quiet(last, "active") is False else "role",
                _("%(login)s is the last active administrator.") % {"login": last.text("login")},
            )

    # --- plan ---------------------------------------------------------------------------------

    def _summarise(self) -> None:
        self._plan_teams()
        self._plan_customers()
        self._plan_people(STAFF)
        self._plan_people(CONTACT)
        rows = []
        for kind in KINDS:
            for record, stored, changes in self.plan[kind]:
                action = "created" if stored is None else ("updated" if changes else "unchanged")
                self.report.summary[kind][action] += 1
                rows.append(
                    {
                        "sheet": record.sheet,
                        "row": record.row,
                        "kind": kind,
                        "key": record.text("login") or record.text("code") or record.text("name"),
                        "action": action,
                        "changes": {
                            record.label(COLUMN_OF.get(k, k)): [_show(k, v[0]), _show(k, v[1])]
                            for k, v in changes.items()
                        },
                    }
                )
        rows.sort(key=lambda r: (r["action"] == "unchanged", r["sheet"], r["row"]))
        self.people_report.rows = rows

    def _change(self, changes: dict, name: str, old: Any, new: Any) -> None:
        if old != new:
            changes[name] = (old, new)

    def _change_folded(self, changes: dict, name: str, old: str, new: str) -> None:
        """A change of a name that matches without case (teams, parents)."""
        if old.casefold() != new.casefold():
            changes[name] = (old, new)

    def _plan_teams(self) -> None:
        for key, record in self.file_teams.items():
            stored = self.teams.get(key)
            changes: dict[str, Any] = {}
            if stored is not None:
                self._change(changes, "name", stored.name, record.text("name"))
                if record.has("parent"):
                    old = stored.parent.name if stored.parent_id and stored.parent else ""
                    self._change_folded(changes, "parent", old, record.text("parent"))
                if record.has("description"):
                    self._change(
                        changes, "description", stored.description, record.text("description")
                    )
            self.plan[TEAM].append((record, stored, changes))

    def _plan_customers(self) -> None:
        for key, record in self.file_customers.items():
            stored = self.customers.get(key)
            changes: dict[str, Any] = {}
            if stored is not None:
                self._change(changes, "name", stored.name, record.text("name"))
                if record.has("services"):
                    codes = sorted(
                        self.service_items[c.casefold()].code
                        for c in set(SEPARATORS.split(record.text("services")))
                        if c
                    )
                    self._change(
                        changes, "services", self.current_services.get(stored.pk, []), codes
                    )
                active = self._yes_no_quiet(record, "active")
                if active is not None:
                    self._change(changes, "is_active", stored.is_active, active)
                if record.has("notes"):
                    self._change(changes, "notes", stored.notes, record.text("notes"))
            self.plan[CUSTOMER].append((record, stored, changes))

    def _plan_people(self, kind: str) -> None:
        for record in self.records[kind]:
            stored = self.users.get(record.text("login").casefold())
            changes: dict[str, Any] = {}
            if stored is not None:
                self._change(changes, "display_name", stored.label, record.text("name"))
                for key, attr in (("email", "email"), ("phone", "phone")):
                    if record.has(key):
                        self._change(changes, attr, getattr(stored, attr), record.text(key))
                active = self._yes_no_quiet(record, "active")
                if active is not None:
                    self._change(changes, "is_active", stored.is_active, active)
                if kind == STAFF:
                    self._plan_staff(record, stored, changes)
                else:
                    code, _c = self._customer_for(record.text("customer"))
                    old = stored.customer.code if stored.customer_id and stored.customer else ""
                    if old.casefold() != code:
                        changes["customer"] = (old, record.text("customer"))
            if kind == STAFF:
                self._check_admin(record, stored, changes)
            self.plan[kind].append((record, stored, changes))

    def _check_admin(self, record: Record, stored: User | None, changes: dict) -> None:
        """Only an administrator makes an administrator or changes one; a manager's file may
        still list administrators unchanged (as the export does)."""
        if self.actor is None or can_grant_role(self.actor, Role.ADMIN):
            return
        role_text = record.text("role")
        role = ROLE_WORDS.get(normalize(role_text)) if role_text else None
        making = role == Role.ADMIN and (stored is None or stored.role != Role.ADMIN)
        changing = stored is not None and stored.role == Role.ADMIN and bool(changes)
        if making or changing:
            self.bad(
                record,
                "role" if record.has("role") else "login",
                _("Only an administrator can make or change an administrator."),
            )

    def _plan_staff(self, record: Record, stored: User, changes: dict) -> None:
        if record.has("team"):
            old = stored.team.name if stored.team_id and stored.team else ""
            self._change_folded(changes, "team", old, record.text("team"))
        if record.text("role"):
            self._change(changes, "role", stored.role, ROLE_WORDS[normalize(record.text("role"))])
        if record.has("capacity"):
            text = record.text("capacity")
            self._change(
                changes, "capacity_hours", stored.capacity_hours, int(float(text)) if text else None
            )
        lead = self._yes_no_quiet(record, "lead")
        if lead is not None:
            team = self.teams.get(record.text("team").casefold()) if record.text("team") else None
            was = bool(team is not None and team.lead_id == stored.pk)
            self._change(changes, "team_lead", was, lead)

    # --- write ----------------------------------------------------------------------------------

    def write(self) -> None:
        try:
            self._write()
        except ValidationError as exc:  # someone changed the data since the check
            raise ConflictError(
                _("The data changed while the file was imported (%(reason)s); import it again.")
                % {"reason": "; ".join(exc.messages)}
            ) from None

    def _write(self) -> None:
        actor, source = self.actor, "import"
        teams = dict(self.teams)
        # Teams first (parents once all exist), then organisations, staff, leads, contacts.
        for record, stored, changes in self.plan[TEAM]:
            if stored is None or changes.keys() - {"parent"}:
                data: dict[str, Any] = {"name": record.text("name")}
                if record.has("description"):
                    data["description"] = record.text("description")
                teams[record.text("name").casefold()] = services.do_save_team(
                    actor, stored, source=source, **data
                )
        for record, stored, changes in self.plan[TEAM]:
            if "parent" in changes or (stored is None and record.text("parent")):
                team = teams[record.text("name").casefold()]
                parent = record.text("parent")
                services.do_save_team(
                    actor, team, source=source, parent=teams[parent.casefold()] if parent else None
                )
        customers = dict(self.customers)
        for record, stored, changes in self.plan[CUSTOMER]:
            if stored is not None and not changes:
                continue
            data = {"code": record.text("code"), "name": record.text("name")}
            if record.has("notes"):
                data["notes"] = record.text("notes")
            active = self._yes_no_quiet(record, "active")
            if active is not None:
                data["is_active"] = active
            items = None
            if record.has("services"):
                items = [
                    self.service_items[c.casefold()]
                    for c in set(SEPARATORS.split(record.text("services")))
                    if c
                ]
            customers[record.text("code").casefold()] = services.do_save_customer(
                actor, stored, services=items, source=source, now=self.now, **data
            )
        # Addresses that move between people in this file: their old owners give them up
        # first, so the order of the rows does not matter (each row then writes, and audits,
        # its new address; the check made sure no address ends up twice).
        moving = [
            stored.pk
            for kind in (STAFF, CONTACT)
            for _r, stored, changes in self.plan[kind]
            if stored is not None and "email" in changes and stored.email
        ]
        if moving:
            User.objects.filter(pk__in=moving).update(email="")
        # Administrators stepping down go last, after the ones the file makes (a handover).
        stepping_down = [
            stored is not None
            and stored.role == Role.ADMIN
            and bool({"role", "is_active"} & set(changes))
            for _r, stored, changes in self.plan[STAFF]
        ]
        for _down, (record, stored, changes) in sorted(
            zip(stepping_down, self.plan[STAFF], strict=True), key=lambda pair: pair[0]
        ):
            if stored is not None and not changes:
                continue
            self._write_person(record, stored, changes, teams=teams)
        for record, stored, changes in self.plan[CONTACT]:
            if stored is not None and not changes:
                continue
            code, _c = self._customer_for(record.text("customer"))
            data = self._person_data(record, stored)
            data["customer"] = customers[code or ""]
            active = self._yes_no_quiet(record, "active")
            contact = services.do_save_contact(
                actor, stored, source=source, now=self.now, invite=active is not False, **data
            )
            self._count_invite(stored, contact)
            if active is not None and contact.is_active != active:
                services.do_set_active(actor, contact, active, source=source, now=self.now)

    def _person_data(self, record: Record, stored: User | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "username": record.text("login"),
            "display_name": record.text("name"),
        }
        if stored is not None and stored.label == record.text("name"):
            data.pop("display_name")
        for key in ("email", "phone"):
            if record.has(key) or stored is None:
                data[key] = record.text(key)
        return data

    def _write_person(self, record: Record, stored: User | None, changes: dict, *, teams) -> None:
        data = self._person_data(record, stored)
        if record.has("team"):
            team = record.text("team")
            data["team"] = teams[team.casefold()] if team else None
        if record.text("role"):
            data["role"] = ROLE_WORDS[normalize(record.text("role"))]
        if record.has("capacity"):
            text = record.text("capacity")
            data["capacity_hours"] = int(float(text)) if text else None
        active = self._yes_no_quiet(record, "active")
        person = services.do_save_person(
            self.actor,
            stored,
            is_team_lead=self._yes_no_quiet(record, "lead"),
            invite=active is not False,
            source="import",
            now=self.now,
            **data,
        )
        self._count_invite(stored, person)
        if active is not None and person.is_active != active:
            services.do_set_active(self.actor, person, active, source="import", now=self.now)

    def _count_invite(self, stored: User | None, person: User) -> None:
        if stored is None and person.invited_at is not None:
            self.people_report.invited += 1


# The column a planned change is read from, so the preview names it as the file heads it.
COLUMN_OF = {
    "display_name": "name",
    "is_active": "active",
    "capacity_hours": "capacity",
    "team_lead": "lead",
}


def _show(field_name: str, value: Any) -> Any:
    """A planned value as the file writes it (是/否, 客服, codes joined with 、)."""
    if isinstance(value, bool):
        return YES if value else NO
    if field_name == "role" and value in ROLE_TEXT:
        return ROLE_TEXT[value][0]
    if isinstance(value, list):
        return "、".join(value)
    return "" if value is None else value


__all__ = ["STAFF_ROLES", "PeopleImportReport", "import_people"]
