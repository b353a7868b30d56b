"""The import's last pass: write every planned change in one transaction, set-wise.

Versions of the records about to change are checked (and locked) first, so a record someone
saved after the import loaded it is never overwritten: the import stops and writes nothing.
Each created or changed record gets the audit entry ``audit.record`` would write, with the same
``changes`` shape (``services.part_label`` for parts), inserted in bulk. As the services do,
``standards_changed`` is sent after the commit for each existing item whose standards (or its
content's) changed, so its open tickets are measured again.
"""

from collections import defaultdict
from datetime import date
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.accounts.models import User
from opsbook.accounts.services import do_create_named_staff
from opsbook.audit import services as audit
from opsbook.audit.models import Action, AuditEntry
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.tabular import bulk

from ..changes import announce_contents
from ..models import Category, ServiceContent, ServiceItem, fill_category_codes
from ..signals import standards_changed
from . import parts

_BATCH = 500


def write(job) -> None:
    """Write ``job``'s plans (an importer._Import after planning without problems); the
    pipeline holds the transaction."""
    plans = job.item_plans + job.content_plans + job.retired_contents
    if not job.new_categories and not any(plan.changed for plan in plans):
        return
    _Writer(job, clock.now()).run()


def busy_message() -> str:
    return _(
        "The checklist changed while the file was being imported, or the database was "
        "busy; nothing was written. Import the file again."
    )


def next_order(counters: dict, key, existing: list[int]) -> int:
    """The sort order for a new record after ``existing`` siblings (0 when it is the first)."""
    n = counters.get(key)
    if n is None:
        n = max(existing, default=0) + 1 if existing else 0
    counters[key] = n + 1
    return n


def _plain(value):
    """A JSON-ready value for the audit trail."""
    if isinstance(value, tuple):  # a category path
        return " / ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class _Writer:
    def __init__(self, job, now):
        self.job = job
        self.now = now
        self.labeller = parts.Labeller(job.directory, job.cells.calendars)
        self.entries: list[dict] = []
        self._rows: dict[tuple, tuple] = {}  # (kind, id(spec)) → (spec, its insert values)
        actor = job.actor
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.actor_label = str(actor) if actor else "system"

    def run(self) -> None:
        job = self.job
        self._check_versions()
        self._create_owners()
        categories = self._create_categories()
        self._records(
            ServiceItem,
            job.item_plans,
            lambda plan: {"category_id": categories[plan.after["category"]]},
        )
        self._records(ServiceContent, job.content_plans, lambda plan: {"item_id": plan.parent.pk})
        self._records(ServiceContent, job.retired_contents, lambda plan: {})
        self._parts()
        bulk.Table(AuditEntry, self.now).insert(self.entries)
        self._announce()

    def _announce(self) -> None:
        """One ``contents_changed`` after the commit for every content whose scheduling the
        import may have changed (its own fields or owners, or its item's status or owners):
        the routines app reschedules them once, not row by row."""
        job = self.job
        ids = {plan.pk for plan in job.content_plans + job.retired_contents if plan.changed}
        items = [
            plan.pk
            for plan in job.item_plans
            if plan.changed
            and plan.db is not None
            and ("status" in plan.before or "owners" in plan.parts)
        ]
        for start in range(0, len(items), _BATCH):
            ids.update(
                ServiceContent.objects.filter(
                    item_id__in=items[start : start + _BATCH]
                ).values_list("pk", flat=True)
            )
        announce_contents(ids)

    def _check_versions(self) -> None:
        job = self.job
        for model, plans in (
            (ServiceItem, job.item_plans),
            (ServiceContent, job.content_plans + job.retired_contents),
        ):
            expected = {p.db["id"]: p.db for p in plans if p.db is not None and p.changed}
            ids = list(expected)
            for start in range(0, len(ids), _BATCH):
                batch = ids[start : start + _BATCH]
                found = dict(
                    model.objects.select_for_update()
                    .filter(id__in=batch)
                    .values_list("id", "version")
                )
                for pk in batch:
                    if found.get(pk) != expected[pk]["version"]:
                        raise ConflictError(
                            _(
                                "Someone changed %(code)s while the file was being imported; "
                                "nothing was written. Import the file again."
                            )
                            % {"code": expected[pk]["code"]}
                        )

    def _create_owners(self) -> None:
        """Create the staff members the import was told to create for owner names no user or
        team has, and put their ids in place of the planning's placeholders."""
        job = self.job
        directory = job.directory
        if not directory.pending:
            return
        plans = [plan for plan in job.item_plans + job.content_plans if "owners" in plan.parts]
        used = {u for plan in plans for u, _t, _p in plan.parts["owners"][2] if u and u < 0}
        real: dict[int, int] = {}
        for placeholder in sorted(used, reverse=True):  # -1 first: in the order the file names them
            name = directory.pending[placeholder]
            user = do_create_named_staff(name, actor=job.actor)
            directory.created(placeholder, user)
            real[placeholder] = user.pk
            self._entry(
                Action.CREATE,
                User,
                user.pk,
                user.label,
                {
                    "username": [None, user.username],
                    "display_name": [None, user.display_name],
                    "role": [None, user.role],
                },
            )
            job.report.created_owners.append(
                {"name": name, "username": user.username, "id": user.pk}
            )
        for plan in plans:
            old_ids, old, new = plan.parts["owners"]
            remapped = tuple((real.get(u, u) if u else u, t, p) for u, t, p in new)
            plan.parts["owners"] = (old_ids, old, remapped)

    def _create_categories(self) -> dict[tuple, int]:
        job = self.job
        ids = dict(job.category_by_path)
        siblings: dict[int | None, list[int]] = defaultdict(list)
        for _name, parent, order in job.category_rows.values():
            siblings[parent].append(order)
        counters: dict = {}
        depth = max((len(path) for path in job.new_categories), default=0)
        for level in range(1, depth + 1):
            paths = [p for p in job.new_categories if len(p) == level]
            objs = []
            for path in paths:
                parent = ids[path[:-1]] if level > 1 else None
                order = next_order(counters, parent, siblings.get(parent, []))
                objs.append(Category(name=path[-1], parent_id=parent, sort_order=order))
            Category.objects.bulk_create(objs)
            fill_category_codes()
            for path, obj in zip(paths, objs, strict=True):
                ids[path] = obj.pk
                changes = {"name": [None, obj.name]}
                if level > 1:
                    changes["parent"] = [None, path[-2]]
                self._entry(Action.CREATE, Category, obj.pk, obj.name, changes)
        return ids

    def _records(self, model, plans, foreign) -> None:
        frequency = self.job.cells.frequency
        table = bulk.Table(model, self.now)
        creates, updates = [], defaultdict(list)
        for plan in plans:
            if not plan.changed:
                continue
            row = {k: v for k, v in plan.after.items() if k != "category"}
            row.update(foreign(plan))
            if "frequency_text" in row:
                parsed, kind, period = frequency(row["frequency_text"])
                row.update(frequency=parsed, frequency_kind=kind, frequency_period=period)
            if plan.db is None:
                creates.append((plan, row))
            else:
                row.update(id=plan.pk, version=plan.db["version"] + 1, updated_at=self.now)
                updates[tuple(sorted(row))].append(row)
        # Names are unique per category (items) or per item (content). Renamed records first
        # take a unique placeholder, so renames that swap or reuse names never collide; then the
        # updates, then the inserts, which may take a name an update has just freed.
        moved = [
            {"id": plan.pk, "name": f"~{plan.pk}~"}
            for plan in plans
            if plan.db is not None and ("name" in plan.before or "category" in plan.before)
        ]
        table.update(moved, ["name"])
        for names, rows in updates.items():
            table.update(rows, [name for name in names if name != "id"])
        table.insert(row for _plan, row in creates)
        codes = [row["code"] for _plan, row in creates]
        ids = {}
        for start in range(0, len(codes), _BATCH):
            ids.update(
                model.objects.filter(code__in=codes[start : start + _BATCH]).values_list(
                    "code", "id"
                )
            )
        for plan, row in creates:
            plan.pk = ids[row["code"]]
        for plan in plans:
            if plan.changed:
                action = Action.CREATE if plan.db is None else Action.UPDATE
                code = plan.after.get("code") or plan.db["code"]
                name = plan.after.get("name") or plan.db["name"]
                self._entry(
                    action, model, plan.pk, f"{code} {name}", self._changes(plan), plan.parent
                )

    def _changes(self, plan) -> dict:
        if plan.db is None:
            changes = {
                name: [None, value if value.__class__ is str else _plain(value)]
                for name, value in plan.after.items()
                if value not in ("", None)
            }
        else:
            changes = audit.diff(
                {name: _plain(value) for name, value in plan.before.items()},
                {name: _plain(plan.after[name]) for name in plan.before},
            )
        labels = self.labeller.labels
        for kind, (_ids, old, new) in plan.parts.items():
            changes[kind] = [labels(kind, old) if old else [], labels(kind, new) if new else []]
        return changes

    def _parts(self) -> None:
        job = self.job
        doomed: dict[str, list[int]] = defaultdict(list)
        born: dict[str, list[tuple]] = defaultdict(list)
        restandarded: dict[int, None] = {}  # existing items whose standards changed
        tables = {kind: bulk.Table(model, self.now) for kind, model in parts.PART_MODELS.items()}
        # Where a part's owner and position go in a row of its table.
        slots = {
            kind: tuple(table.names.index(n) for n in ("item_id", "content_id", "position"))
            for kind, table in tables.items()
        }
        for plan in job.item_plans + job.content_plans:
            if not plan.parts:
                continue
            if plan.model is ServiceItem:
                item_id, content_id = plan.pk, None
            else:
                item_id, content_id = plan.parent.pk, plan.pk
            if "standards" in plan.parts and plan.db is not None:
                restandarded[item_id] = None
            for kind, (old_ids, _old, new) in plan.parts.items():
                doomed[kind].extend(old_ids)
                at_item, at_content, at_position = slots[kind]
                rows = born[kind]
                for position, spec in enumerate(new):
                    row = self._part_row(tables[kind], kind, spec)
                    row[at_item], row[at_content], row[at_position] = item_id, content_id, position
                    rows.append(tuple(row))
        for kind, model in parts.PART_MODELS.items():
            bulk.delete_ids(model, doomed.get(kind, []))
            if born.get(kind):
                tables[kind].insert_values(born[kind])
        # Records created by this import have no tickets yet: nothing to measure again.
        for item_id in restandarded:
            transaction.on_commit(
                partial(standards_changed.send, sender=ServiceItem, item_id=item_id)
            )

    def _part_row(self, table: bulk.Table, kind: str, spec) -> list:
        """A copy of the insert values of ``spec``'s part, its owner and position to be set.
        Remembered by identity: cells with the same text share specs."""
        hit = self._rows.get((kind, id(spec)))
        if hit is None:
            values = parts.values(kind, spec, self.job.cells.calendars)
            row = table.template({"item_id": None, "content_id": None, "position": 0, **values})
            hit = self._rows[kind, id(spec)] = (spec, row)  # keeps the spec alive: ids stay unique
        return hit[1].copy()

    def _entry(self, action, model, pk, label: str, changes: dict, parent=None) -> None:
        self.entries.append(
            {
                "at": self.now,
                "actor_id": self.actor_id,
                "actor_label": self.actor_label,
                "source": self.job.source,
                "action": action,
                "object_type": model._meta.label_lower,
                "object_id": str(pk),
                "object_repr": label[:300],
                "parent_type": ServiceItem._meta.label_lower if parent is not None else "",
                "parent_id": str(parent.pk) if parent is not None else "",
                "changes": changes,
            }
        )
