"""The checklist import's second pass: load the catalog once and match the file's items and
content with it (items by code, else by category path and name; content by code, else by item
and name), checking that names stay unique once the file is applied."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from ..models import Category, ServiceContent, ServiceItem
from . import parts
from .collect import Collecting, _ContentDraft, _ItemDraft

ITEM_DB_FIELDS = (
    "id", "version", "code", "name", "category_id", "description", "frequency_text",
    "start_date", "end_date", "notes", "status", "sort_order", "tier", "target_customers",
    "service_hours", "delivery_mode", "region", "review_cycle_months", "next_review_date",
)  # fmt: skip
CONTENT_DB_FIELDS = (
    "id", "version", "item_id", "code", "name", "description", "frequency_text", "start_date",
    "end_date", "notes", "status", "sort_order",
)  # fmt: skip


class Matching(Collecting):
    """Loads the catalog and matches the drafts with it."""

    category_rows: dict[int, tuple[str, int | None, int]]
    category_path: dict[int, tuple]
    category_by_path: dict[tuple, int]
    items: dict[int, dict[str, Any]]
    items_by_code: dict[str, dict[str, Any]]
    item_orders: dict[int, list[int]]
    contents_of: dict[int, list[dict[str, Any]]]
    contents_by_code: dict[str, dict[str, Any]]
    part_kinds: list[str]
    parts: dict[str, dict]

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
        assert draft.db is not None  # called for matched drafts
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
