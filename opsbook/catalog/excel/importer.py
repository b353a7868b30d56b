"""Import the service checklist from Excel or CSV: validate everything, then write it all at once.

The import runs in four passes over data held in memory:

1. read the rows, parse every cell and group the rows into items and their content;
2. load the catalog once (categories, items, content, parts, users, teams) and match: items by
   code, else by category path and name; content by code, else by item and name;
3. plan: generate missing codes, compare each record and each kind of part with the database,
   check the final state's unique names and date order;
4. unless there was a problem or this is a dry run, write everything in one transaction with bulk
   inserts and updates, one audit entry per created or changed record.

Any problem anywhere means nothing is written. Importing the same file twice changes nothing.
Records in the database that the file does not mention are left alone. A column the file does
not have leaves that field alone; an empty cell in a column it has clears the field (status and
tier excepted: empty keeps them, or gives new records the default).
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from ..choices import Status, Tier
from ..models import Category, ServiceContent, ServiceItem
from . import parts, writer
from .cells import CellReader, cell_text
from .columns import BY_KEY, Column, column_for_header
from .owners import OwnerDirectory
from .reader import ImportFileError, Table, read_table

__all__ = ["ImportFileError", "ImportReport", "Problem", "cell_text", "import_catalog"]

PREVIEW_ROWS = 200
MAX_PROBLEMS = 1000  # listed in the report; the count of the rest follows them
HEADER_SEARCH_ROWS = 10
ITEM_DB_FIELDS = (
    "id", "version", "code", "name", "category_id", "description", "frequency_text",
    "start_date", "end_date", "notes", "status", "sort_order", "tier", "target_customers",
    "service_hours", "delivery_mode", "region", "review_cycle_months", "next_review_date",
)  # fmt: skip
CONTENT_DB_FIELDS = (
    "id", "version", "item_id", "code", "name", "description", "frequency_text", "start_date",
    "end_date", "notes", "status", "sort_order",
)  # fmt: skip
# What an empty cell means for each field; the fields not listed keep their value when empty
# (new records get DEFAULTS).
EMPTY_VALUES = {
    "description": "", "frequency_text": "", "start_date": None, "end_date": None, "notes": "",
    "target_customers": "", "service_hours": "", "delivery_mode": "", "region": "",
    "review_cycle_months": None, "next_review_date": None,
}  # fmt: skip
DEFAULTS = {"status": Status.ACTIVE, "tier": Tier.BASIC}


# --- The report -------------------------------------------------------------------------------


@dataclass
class Problem:
    """One reason to refuse the file: where (row as Excel numbers it, column as headed) and why."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f"!R{self.row}"
        if self.column:
            where += f" C({self.column})"
        return f"{where}: {self.message}" if where else self.message


def _empty_summary() -> dict[str, dict[str, int]]:
    return {
        level: {"created": 0, "updated": 0, "unchanged": 0}
        for level in ("categories", "items", "contents")
    }


@dataclass
class ImportReport:
    """What an import found and did. ``summary`` counts records per level; ``rows`` previews the
    first rows as parsed, for the wizard."""

    ok: bool
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, dict[str, int]] = field(default_factory=_empty_summary)
    unknown_owners: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the recognised headers, in file order

    def as_dict(self) -> dict:
        return asdict(self)


# --- Drafts: what the file says ---------------------------------------------------------------


class _ItemDraft:
    __slots__ = ("code", "content_names", "contents", "db", "first_row", "path", "values")

    def __init__(self, row: int, path: tuple[str, ...]):
        self.first_row = row
        self.path = path
        self.values: dict[str, tuple] = {}  # field → (value, row, column label, raw)
        self.contents: list[_ContentDraft] = []
        self.content_names: dict[str, int] = {}
        self.db: dict | None = None
        self.code = ""

    def get(self, name: str):
        cell = self.values.get(name)
        return cell[0] if cell else None


class _ContentDraft:
    __slots__ = ("code", "db", "labels", "row", "values")

    def __init__(self, row: int, values: dict, labels: dict):
        self.row = row
        self.values = values  # field → value
        self.labels = labels  # field → column label
        self.db: dict | None = None
        self.code = ""


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


def import_catalog(
    data: bytes, filename: str, *, actor, dry_run: bool = False, source: str = "import"
) -> ImportReport:
    """Validate ``data`` (an .xlsx or .csv) and, if it has no problem, write it in one go."""
    report = ImportReport(ok=False, dry_run=dry_run)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        table = read_table(data, name)
    except ImportFileError as exc:
        report.problems.append(Problem(sheet=name, row=None, column=None, message=str(exc)))
        return report
    _Import(table, report, actor=actor, source=source).run()
    return report


class _Import:
    def __init__(self, table: Table, report: ImportReport, *, actor, source: str):
        self.table = table
        self.report = report
        self.actor = actor
        self.source = source
        self.unknown: dict[str, None] = {}
        self.columns: list[tuple[int, Column, str]] = []
        self.labels: dict[str, str] = {}
        self.drafts: list[_ItemDraft] = []
        self.problem_count = 0

    # Problems ---------------------------------------------------------------------------------

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problem_count += 1
        if self.problem_count <= MAX_PROBLEMS:
            self.report.problems.append(Problem(self.table.sheet, row, column, message))

    def run(self) -> None:
        report = self.report
        data_rows = self._read_header()
        if data_rows is not None:
            self.directory = OwnerDirectory()
            self.cells = CellReader(self.directory)
            self._collect(data_rows)
            if not self.drafts and not report.problems:
                self.problem(None, None, _("The sheet has a header but no rows to import."))
            self._load()
            self._match()
            self._plan()
        report.unknown_owners = list(self.unknown)
        if report.problems:
            order = {label: i for i, (_idx, _col, label) in enumerate(self.columns)}
            report.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
            if self.problem_count > MAX_PROBLEMS:
                report.problems.append(
                    Problem(
                        self.table.sheet,
                        None,
                        None,
                        _("%(count)d more problems are not listed; fix these and import again.")
                        % {"count": self.problem_count - MAX_PROBLEMS},
                    )
                )
            report.summary = _empty_summary()
            return
        if not report.dry_run:
            try:
                writer.write(self)
            except writer.ConflictError as exc:
                report.summary = _empty_summary()
                self.problem(None, None, str(exc))
                return
        report.ok = True

    # Pass 1: header and rows ------------------------------------------------------------------

    def _read_header(self):
        rows = self.table.rows
        required = {c.key for c in BY_KEY.values() if c.required}
        header_at, best = 0, -1
        for i, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
            found = {c.key for c in (column_for_header(cell_text(v)) for v in cells) if c}
            if required <= found:
                header_at = i
                break
            if len(found) > best:
                header_at, best = i, len(found)
        header_row, cells = rows[header_at]
        seen: dict[str, str] = {}
        for index, value in enumerate(cells):
            label = cell_text(value)
            if not label:
                continue
            column = column_for_header(label)
            if column is None:
                self.problem(
                    header_row,
                    label,
                    _(
                        "Unknown column. Rename it to one of the accepted headers (listed in the "
                        "template's 说明 sheet) or delete the column."
                    ),
                )
            elif column.key in seen:
                self.problem(
                    header_row,
                    label,
                    _("This column appears twice (also as %(other)s).")
                    % {"other": seen[column.key]},
                )
            else:
                seen[column.key] = label
                if column.level != "ignored":
                    self.columns.append((index, column, label))
                    self.labels[column.key] = label
        self.report.columns = [label for _i, _c, label in self.columns]
        missing = [BY_KEY[k] for k in sorted(required - set(seen))]
        for column in missing:
            self.problem(header_row, column.zh, _("This required column is missing."))
        if missing:
            return None
        return rows[header_at + 1 :]

    def _collect(self, data_rows) -> None:
        columns = self.columns
        labels = self.labels
        categories = sorted(
            (c for _i, c, _l in columns if c.level == "category"), key=lambda c: c.key
        )
        category_keys = [c.key for c in categories]
        item_columns = [c for _i, c, _l in columns if c.level == "item" and c.item_field]
        row_columns = [c for _i, c, _l in columns if c.level == "row"]
        by_code: dict[str, _ItemDraft] = {}
        by_name: dict[tuple, _ItemDraft] = {}
        content_codes: dict[str, int] = {}
        previous_path: tuple | None = None
        previous_item: _ItemDraft | None = None
        preview = self.report.rows
        read = self.cells.read
        readers = [(i, c, label, self.cells.cache(c)) for i, c, label in columns]
        for number, raw_cells in data_rows:
            width = len(raw_cells)
            values: dict[str, object] = {}
            raws: dict[str, object] = {}
            for index, column, label, cache in readers:
                raw = raw_cells[index] if index < width else ""
                if raw == "" or raw is None:
                    continue
                key = raw if raw.__class__ is str else (raw.__class__, raw)
                hit = cache.get(key)
                value, error, unknown = hit if hit is not None else read(column, raw, cache)
                if error is not None:
                    self.problem(number, label, error)
                    for name in unknown:
                        self.unknown[name] = None
                    values[column.key] = None
                    continue
                if value == "" or value == ():
                    continue
                values[column.key] = value
                raws[column.key] = raw
            if len(preview) < PREVIEW_ROWS:
                preview.append(
                    {
                        "row": number,
                        "values": {
                            label: cell_text(raw_cells[i]) if i < width else ""
                            for i, _c, label in columns
                        },
                    }
                )
            if not values:
                continue
            path = self._row_path(number, values, category_keys, previous_path)
            explicit_path = any(values.get(k) for k in category_keys)
            code, name = values.get("item_code"), values.get("item_name")
            if not code and not name:
                if "item_code" in values or "item_name" in values:
                    continue  # the cell had an error, already reported
                item = previous_item
                if item is None:
                    self.problem(
                        number, labels["item_name"], _("Required: the row names no service item.")
                    )
                    continue
            else:
                if path is None:
                    continue
                item = by_code.get(code) if code else None
                if item is None and name:
                    item = by_name.get((path, name))
                if item is None:
                    item = _ItemDraft(number, path)
                    self.drafts.append(item)
                if code and self._merge(item, "code", code, number, labels["item_code"], raw=code):
                    by_code.setdefault(code, item)
                if name and self._merge(item, "name", name, number, labels["item_name"], raw=name):
                    by_name.setdefault((item.path, name), item)
            if explicit_path and path is not None and path != item.path:
                self._conflict(
                    number,
                    labels[category_keys[0]],
                    " / ".join(path),
                    item.first_row,
                    " / ".join(item.path),
                )
            previous_path, previous_item = (path or item.path), item
            for column in item_columns:
                key = column.key
                if (
                    key in values
                    and values[key] is not None
                    and key not in ("item_code", "item_name")
                ):
                    self._merge(
                        item, column.item_field, values[key], number, labels[key], raw=raws.get(key)
                    )
            if values.get("content_name", "") is None or values.get("content_code", "") is None:
                continue  # the cell had an error, already reported
            content_name = values.get("content_name")
            if content_name:
                content = _ContentDraft(
                    number,
                    {
                        c.content_field: values[c.key]
                        for c in row_columns
                        if c.key in values and values[c.key] is not None
                    },
                    {c.content_field: labels[c.key] for c in row_columns},
                )
                content_code = values.get("content_code")
                if content_code:
                    if content_code in content_codes:
                        self.problem(
                            number,
                            labels["content_code"],
                            _("Content code %(code)s is also used in row %(row)d.")
                            % {"code": content_code, "row": content_codes[content_code]},
                        )
                        continue
                    content_codes[content_code] = number
                if content_name in item.content_names:
                    self.problem(
                        number,
                        labels["content_name"],
                        _("This service item already has content named %(name)s (row %(row)d).")
                        % {"name": content_name, "row": item.content_names[content_name]},
                    )
                    continue
                item.content_names[content_name] = number
                item.contents.append(content)
            elif values.get("content_code"):
                self.problem(
                    number,
                    labels["content_code"],
                    _("A content code is given but the service content is empty."),
                )
            else:
                for column in row_columns:
                    key = column.key
                    if column.item_field and values.get(key) is not None:
                        self._merge(
                            item,
                            column.item_field,
                            values[key],
                            number,
                            labels[key],
                            raw=raws.get(key),
                        )

    def _row_path(self, number, values, keys, previous):
        names = [values.get(k) or "" for k in keys]
        if not any(names):
            if any(k in values for k in keys):
                return None  # a category cell had an error, already reported
            if previous is None and ("item_code" in values or "item_name" in values):
                self.problem(
                    number,
                    self.labels[keys[0]],
                    _("Required: the row has no category and no row above to take one from."),
                )
            return previous
        last = max(i for i, name in enumerate(names) if name)
        for i in range(last):
            if not names[i]:
                self.problem(
                    number, self.labels[keys[i]], _("Empty, but a lower category level is filled.")
                )
                return None
        return tuple(names[: last + 1])

    def _merge(self, item: _ItemDraft, name: str, value, row: int, label: str, raw=None) -> bool:
        have = item.values.get(name)
        if have is None:
            item.values[name] = (value, row, label, raw)
            return True
        if have[0] == value:
            return True
        self._conflict(row, label, cell_text(raw), have[1], cell_text(have[3]))
        return False

    def _conflict(self, row, label, here, other_row, there) -> None:
        self.problem(
            row,
            label,
            _(
                "Differs from row %(other)d of the same service item (here: %(here)s; row "
                "%(other)d: %(there)s)."
            )
            % {"other": other_row, "here": _short(here), "there": _short(there)},
        )

    # Pass 2: the database, and matching -------------------------------------------------------

    def _load(self) -> None:
        self.category_rows = {
            pk: (name, parent, order)
            for pk, name, parent, order in Category.objects.values_list(
                "id", "name", "parent_id", "sort_order"
            )
        }
        self.category_path: dict[int, tuple] = {}
        for pk in self.category_rows:
            self._path_of(pk)
        self.category_by_path = {path: pk for pk, path in self.category_path.items()}
        self.items = {row["id"]: row for row in ServiceItem.objects.values(*ITEM_DB_FIELDS)}
        self.items_by_code = {row["code"]: row for row in self.items.values()}
        self.item_orders: dict[int, list[int]] = defaultdict(list)
        for row in self.items.values():
            self.item_orders[row["category_id"]].append(row["sort_order"])
        self.contents_of: dict[int, list[dict]] = defaultdict(list)
        self.contents_by_code = {}
        for row in ServiceContent.objects.values(*CONTENT_DB_FIELDS):
            self.contents_of[row["item_id"]].append(row)
            self.contents_by_code[row["code"]] = row
        present = {c.item_field for _i, c, _l in self.columns} | {
            c.content_field for _i, c, _l in self.columns
        }
        self.part_kinds = [k for k in parts.PART_KINDS if k in present]
        self.parts = {kind: parts.load(kind) for kind in self.part_kinds}

    def _path_of(self, pk: int) -> tuple:
        path = self.category_path.get(pk)
        if path is None:
            name, parent, _order = self.category_rows[pk]
            path = (*self._path_of(parent), name) if parent else (name,)
            self.category_path[pk] = path
        return path

    def _match(self) -> None:
        labels = self.labels
        items_by_name = {
            (self.category_path[row["category_id"]], row["name"]): row
            for row in self.items.values()
        }
        claimed: dict[int, _ItemDraft] = {}
        for draft in self.drafts:  # by code first, so a renamed item frees its old name
            code = draft.get("code")
            db = self.items_by_code.get(code) if code else None
            if db is not None:
                draft.db = db
                claimed[db["id"]] = draft
        for draft in self.drafts:
            code, name = draft.get("code"), draft.get("name")
            if draft.db is not None or not name:
                if draft.db is None:
                    self.problem(
                        draft.first_row, labels["item_name"], _("Required for a new service item.")
                    )
                continue
            other = items_by_name.get((draft.path, name))
            if other is None or other["id"] in claimed:
                continue
            if code:
                self.problem(
                    draft.values["code"][1],
                    labels["item_code"],
                    _(
                        "A service item named %(name)s already exists in this category with "
                        "code %(code)s; use that code or leave the item code empty."
                    )
                    % {"name": name, "code": other["code"]},
                )
            draft.db = other
            claimed[other["id"]] = draft
        # Names must stay unique within a category once the file is applied.
        taken = {key: row for key, row in items_by_name.items() if row["id"] not in claimed}
        for draft in self.drafts:
            name = draft.get("name") or (draft.db["name"] if draft.db else None)
            other = taken.get((draft.path, name))
            if name and other is not None:
                where = draft.values.get("name", (None, draft.first_row))[1]
                self.problem(
                    where,
                    labels["item_name"],
                    _("Another service item, %(code)s, already has this name in category %(path)s.")
                    % {"code": other["code"], "path": " / ".join(draft.path)},
                )
            for content in draft.contents:
                self._match_content(draft, content)
            if draft.db:
                self._check_content_names(draft)

    def _match_content(self, draft: _ItemDraft, content: _ContentDraft) -> None:
        code, name = content.values.get("code"), content.values["name"]
        db = self.contents_by_code.get(code) if code else None
        if db is not None and (draft.db is None or db["item_id"] != draft.db["id"]):
            owner = self.items[db["item_id"]]
            self.problem(
                content.row,
                content.labels["code"],
                _(
                    "Content code %(code)s belongs to service item %(item)s; content cannot move "
                    "to another item. Leave the content code empty to add it as new content."
                )
                % {"code": code, "item": f"{owner['code']} {owner['name']}"},
            )
            return
        if db is None and draft.db is not None:
            for row in self.contents_of.get(draft.db["id"], ()):
                if row["name"] == name:
                    if code:
                        self.problem(
                            content.row,
                            content.labels["code"],
                            _(
                                "This service item already has content named %(name)s with code "
                                "%(code)s; use that code or leave the content code empty."
                            )
                            % {"name": name, "code": row["code"]},
                        )
                    db = row
                    break
        content.db = db

    def _check_content_names(self, draft: _ItemDraft) -> None:
        matched = {c.db["id"] for c in draft.contents if c.db}
        others = {
            row["name"]: row
            for row in self.contents_of.get(draft.db["id"], ())
            if row["id"] not in matched
        }
        for content in draft.contents:
            other = others.get(content.values["name"])
            if other is not None and other is not content.db:
                self.problem(
                    content.row,
                    content.labels["name"],
                    _("Other content of this service item, %(code)s, already has this name.")
                    % {"code": other["code"]},
                )

    # Pass 3: plan -----------------------------------------------------------------------------

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
            siblings = self.item_orders.get(category, [])
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


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
