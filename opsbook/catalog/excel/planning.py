"""The checklist import's third pass: generate missing codes, compare each record and each kind
of part with the database, check the final state's date order, and count what will change."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..choices import Status, Tier
from ..models import ServiceContent, ServiceItem
from . import parts, writer
from .collect import _ContentDraft, _ItemDraft
from .matching import Matching

# What an empty cell means for each field; the fields not listed keep their value when empty
# (new records get DEFAULTS).
EMPTY_VALUES = {
    "description": "", "frequency_text": "", "start_date": None, "end_date": None, "notes": "",
    "target_customers": "", "service_hours": "", "delivery_mode": "", "region": "",
    "review_cycle_months": None, "next_review_date": None,
}  # fmt: skip
DEFAULTS = {"status": Status.ACTIVE, "tier": Tier.BASIC}


@dataclass
class Plan:
    """One record to write: created when ``db`` is None, else updated if ``changed``."""

    model: type
    db: dict | None  # the record as loaded
    after: dict  # field → value, for the fields the file sets
    before: dict  # field → value in the database, for the fields that change
    parts: dict  # part kind → (old part ids, old specs, new specs), for the kinds that change
    parent: "Plan | None" = None  # the item plan, for content
    pk: int | None = None
    retired: bool = False

    def __post_init__(self):
        if self.db is not None:
            self.pk = self.db["id"]

    @property
    def changed(self) -> bool:
        return self.db is None or bool(self.before) or bool(self.parts)


# --- The import -------------------------------------------------------------------------------


class Planning(Matching):
    """Turns the matched drafts into plans."""

    item_fields: list[str]
    content_fields: list[str]
    item_parts: list[str]
    content_parts: list[str]
    new_categories: dict[tuple, None]
    item_plans: list[Plan]
    content_plans: list[Plan]
    retired_contents: list[Plan]

    def _plan(self) -> None:
        present = [c for _i, c, _l in self.columns]
        self.item_fields = [
            f
            for f in dict.fromkeys(c.item_field for c in present if c.item_field)
            if f not in parts.PART_KINDS and f not in ("code", "name")
        ]
        # Status is always planned for content: it follows its item into retirement.
        self.content_fields = [
            f
            for f in dict.fromkeys([*(c.content_field for c in present), "status"])
            if f and f not in parts.PART_KINDS and f not in ("code", "name")
        ]
        self.item_parts = [k for k in self.part_kinds if any(c.item_field == k for c in present)]
        self.content_parts = [
            k for k in self.part_kinds if any(c.content_field == k for c in present)
        ]
        self._assign_codes()
        self.new_categories: dict[tuple, None] = {}
        seen_categories: set[tuple] = set()
        self.item_plans: list[Plan] = []
        self.content_plans: list[Plan] = []
        self.retired_contents: list[Plan] = []
        summary = self.report.summary
        next_order: dict[tuple, int] = {}
        for draft in self.drafts:
            for depth in range(1, len(draft.path) + 1):
                prefix = draft.path[:depth]
                if prefix in seen_categories:
                    continue
                seen_categories.add(prefix)
                if prefix in self.category_by_path:
                    summary["categories"]["unchanged"] += 1
                else:
                    self.new_categories[prefix] = None
                    summary["categories"]["created"] += 1
            item_plan = self._plan_item(draft, next_order)
            for content in draft.contents:
                self._plan_content(draft, content, item_plan, next_order)

    def _assign_codes(self) -> None:
        used_items = set(self.items_by_code) | {d.get("code") for d in self.drafts}
        used_contents = set(self.contents_by_code) | {
            c.values.get("code") for d in self.drafts for c in d.contents
        }
        items, contents = _Codes(used_items), _Codes(used_contents)
        for draft in self.drafts:
            draft.code = draft.get("code") or (draft.db["code"] if draft.db else "")
            if not draft.code:
                draft.code = items.next("SVC-", 4)
            for content in draft.contents:
                content.code = content.values.get("code") or (
                    content.db["code"] if content.db else ""
                )
                if not content.code:
                    content.code = contents.next(f"{draft.code}-", 2)
                    if len(content.code) > 40:
                        self.problem(
                            content.row,
                            content.labels["code"],
                            _(
                                "The item code is too long to number its content; give "
                                "a content code."
                            ),
                        )

    def _final(self, fields, given: dict, db: dict | None) -> dict:
        after = {}
        for name in fields:
            if name in given:
                after[name] = given[name]
            elif name in EMPTY_VALUES:
                after[name] = EMPTY_VALUES[name]
            else:
                after[name] = DEFAULTS[name] if db is None else db[name]
        return after

    def _check_dates(self, after: dict, db: dict | None, row: int, label: str | None) -> None:
        start = after.get("start_date", db["start_date"] if db else None)
        end = after.get("end_date", db["end_date"] if db else None)
        if start and end and end < start:
            self.problem(
                row,
                label,
                _("The end date %(end)s is before the start date %(start)s.")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )

    def _plan_item(self, draft: _ItemDraft, next_order: dict) -> Plan:
        db = draft.db
        given = {name: cell[0] for name, cell in draft.values.items()}
        after = self._final(self.item_fields, given, db)
        after["code"] = draft.code
        after["name"] = given.get("name") or (db["name"] if db else "")
        after["category"] = draft.path
        end = draft.values.get("end_date")
        self._check_dates(
            after, db, end[1] if end else draft.first_row, self.labels.get("end_date")
        )
        current = None
        if db is not None:
            current = {name: db[name] for name in after if name != "category"}
            current["category"] = self.category_path[db["category_id"]]
        parts = self._plan_parts(self.item_parts, given, db and (db["id"], None))
        plan = self._plan_record(ServiceItem, "items", db, current, after, parts)
        if db is None:
            category = self.category_by_path.get(draft.path)
            siblings = self.item_orders.get(category, []) if category is not None else []
            plan.after["sort_order"] = writer.next_order(next_order, ("item", draft.path), siblings)
        self.item_plans.append(plan)
        draft_status = after.get("status", db["status"] if db else Status.ACTIVE)
        plan.retired = draft_status == Status.RETIRED
        if plan.retired and db is not None and db["status"] != Status.RETIRED:
            in_file = {c.db["id"] for c in draft.contents if c.db}
            for row in self.contents_of.get(db["id"], ()):
                if row["id"] not in in_file and row["status"] != Status.RETIRED:
                    cascade = Plan(
                        ServiceContent,
                        row,
                        after={"status": Status.RETIRED},
                        before={"status": row["status"]},
                        parts={},
                        parent=plan,
                    )
                    self.retired_contents.append(cascade)
                    self.report.summary["contents"]["updated"] += 1
        return plan

    def _plan_content(self, draft, content: _ContentDraft, item_plan: Plan, next_order) -> None:
        db = content.db
        given = content.values
        after = self._final(self.content_fields, given, db)
        after["code"] = content.code
        after["name"] = given["name"]
        if item_plan.retired:
            after["status"] = Status.RETIRED
        self._check_dates(after, db, content.row, content.labels.get("end_date"))
        current = {name: db[name] for name in after} if db is not None else None
        parts = self._plan_parts(self.content_parts, given, db and (db["item_id"], db["id"]))
        plan = self._plan_record(ServiceContent, "contents", db, current, after, parts)
        plan.parent = item_plan
        if db is None:
            siblings = (
                [r["sort_order"] for r in self.contents_of.get(draft.db["id"], ())]
                if draft.db
                else []
            )
            plan.after["sort_order"] = writer.next_order(
                next_order, ("content", id(draft)), siblings
            )
        self.content_plans.append(plan)

    def _plan_parts(self, kinds, given: dict, key) -> dict:
        changed = {}
        for kind in kinds:
            new = given.get(kind) or ()
            old_specs, old_ids = self.parts[kind].get(key, ((), ())) if key else ((), ())
            if kind in ("standards", "kpis") and old_specs and new:
                new = keep_structure(kind, old_specs, new)
            if tuple(old_specs) != tuple(new):
                changed[kind] = (list(old_ids), tuple(old_specs), tuple(new))
        return changed

    def _plan_record(self, model, level, db, current, after, parts) -> Plan:
        summary = self.report.summary[level]
        before = {}
        if db is None:
            summary["created"] += 1
        else:
            before = {name: current[name] for name in after if after[name] != current[name]}
            summary["updated" if before or parts else "unchanged"] += 1
        return Plan(model, db, after=after, before=before, parts=parts)


# --- Helpers ----------------------------------------------------------------------------------


def keep_structure(kind: str, old_specs, new) -> tuple:
    """``new`` with each standard or KPI whose sentence is unchanged taking its stored structure:
    what a manager added by hand to a sentence Opsbook could not read survives an export and
    import of the same sentence."""
    stored: dict[str, tuple] = {}
    for row in old_specs:
        spec = parts.spec(kind, tuple(row))
        if spec.text:
            stored.setdefault(spec.text, spec)
    if not stored:
        return tuple(new)
    return tuple(stored.get(spec.text, spec) for spec in new)


class _Codes:
    """Like services._next_code, in memory: the next free PREFIX + number."""

    def __init__(self, used: set):
        self.used = used
        self.counters: dict[str, int] = {}
        self.by_prefix: dict[str, int] = defaultdict(int)  # codes per "…-" prefix
        for code in used:
            if code:
                for i, char in enumerate(code):
                    if char == "-":
                        self.by_prefix[code[: i + 1]] += 1

    def next(self, prefix: str, width: int) -> str:
        n = self.counters.get(prefix) or self.by_prefix[prefix] + 1
        while f"{prefix}{n:0{width}d}" in self.used:
            n += 1
        code = f"{prefix}{n:0{width}d}"
        self.used.add(code)
        self.counters[prefix] = n + 1
        return code
