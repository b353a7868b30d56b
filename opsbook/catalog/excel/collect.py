"""The checklist import's first pass: read every row's cells and group the rows into service
items (by code, else by category path and name) and their content."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from opsbook.core.tabular.cells import cell_text
from opsbook.core.tabular.pipeline import Pipeline

from .cells import CellReader
from .columns import Column
from .owners import OwnerDirectory

PREVIEW_ROWS = 200


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

    def get(self, name: str) -> Any:
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
class _Rows:
    """What reading one row needs from the rows before it."""

    category_keys: list[str]
    item_columns: list[Column]
    row_columns: list[Column]
    by_code: dict[str, _ItemDraft] = field(default_factory=dict)
    by_name: dict[tuple, _ItemDraft] = field(default_factory=dict)
    content_codes: dict[str, int] = field(default_factory=dict)
    previous_path: tuple | None = None
    previous_item: _ItemDraft | None = None
    content_labels: dict[str | None, str] = field(default_factory=dict)  # shared by every content


class Collecting(Pipeline):
    """Reads the data rows into drafts."""

    columns: list[tuple[int, Column, str]]  # (cell index, column, label) in file order
    labels: dict[str, str]  # column key → label
    drafts: list[_ItemDraft]
    unknown: dict[str, None]  # owner names no user or team has
    directory: OwnerDirectory
    cells: CellReader
    report: Any

    def _collect(self, data_rows) -> None:
        columns = self.columns
        state = _Rows(
            category_keys=sorted(c.key for _i, c, _l in columns if c.level == "category"),
            item_columns=[c for _i, c, _l in columns if c.level == "item" and c.item_field],
            row_columns=[c for _i, c, _l in columns if c.level == "row"],
        )
        state.content_labels = {c.content_field: self.labels[c.key] for c in state.row_columns}
        preview = self.report.rows
        item_fields = [
            (c.key, c.item_field, self.labels[c.key])
            for c in state.item_columns
            if c.item_field and c.key not in ("item_code", "item_name")
        ]
        # Per kind of column, the parsed value of each text cell that parsed without error to
        # something not empty: most cells are found there, in one dictionary lookup.
        found: dict[int, dict[str, object]] = {}
        readers = []
        for i, c, label in columns:
            cache = self.cells.cache(c)
            readers.append((i, c.key, found.setdefault(id(cache), {}), c, label, cache))
        need = max((i for i, _c, _l in columns), default=-1) + 1
        for number, raw_cells in data_rows:
            cells = (
                raw_cells if len(raw_cells) >= need else raw_cells + [""] * (need - len(raw_cells))
            )
            values, raws = self._read_cells(number, cells, readers)
            if len(preview) < PREVIEW_ROWS:
                width = len(raw_cells)
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
            item = self._item_of_row(number, values, state)
            if item is None:
                continue
            merged = item.values
            for key, name, label in item_fields:
                value = values.get(key)
                if value is None:
                    continue
                # The row repeats its item's value (the common case): nothing to merge.
                have = merged.get(name)
                if have is not None and have[0] == value:
                    continue
                self._merge(item, name, value, number, label, raws.get(key))
            if values.get("content_name", "") is None or values.get("content_code", "") is None:
                continue  # the cell had an error, already reported
            self._content_of_row(number, values, raws, item, state)

    def _read_cells(self, number: int, cells: list, readers: list) -> tuple[dict, dict]:
        """The row's parsed values (None where a cell has an error) and raw cells, by key."""
        values: dict[str, object] = {}
        raws: dict[str, object] = {}
        # Kept lean: it runs for every cell (a quarter of a million in a 10,000-row sheet).
        for index, key, found, column, label, cache in readers:
            raw = cells[index]
            value = found.get(raw)  # text cells only: 1, 1.0 and True never match a str key
            if value is not None:
                values[key] = value
                raws[key] = raw
                continue
            if raw == "" or raw is None:
                continue
            is_text = raw.__class__ is str
            hit = cache.get(raw if is_text else (raw.__class__, raw))
            if hit is None:
                hit = self.cells.read(column, raw, cache)
            value, error, unknown = hit
            if error is not None:
                self.problem(number, label, error)
                for name in unknown:
                    self.unknown[name] = None
                values[key] = None
                continue
            if value == "" or value == ():
                continue
            if is_text and value is not None:
                found[raw] = value
            values[key] = value
            raws[key] = raw
        return values, raws

    def _item_of_row(self, number: int, values: dict, state: _Rows) -> _ItemDraft | None:
        """The item the row belongs to: the one it names, or the row above's."""
        keys = state.category_keys
        path = self._row_path(number, values, keys, state.previous_path)
        explicit_path = any(values.get(k) for k in keys)
        code, name = values.get("item_code"), values.get("item_name")
        if not code and not name:
            if "item_code" in values or "item_name" in values:
                return None  # the cell had an error, already reported
            item = state.previous_item
            if item is None:
                self.problem(
                    number, self.labels["item_name"], _("Required: the row names no service item.")
                )
                return None
        else:
            if path is None:
                return None
            item = state.by_code.get(code) if code else None
            if item is None and name:
                item = state.by_name.get((path, name))
            if item is None:
                item = _ItemDraft(number, path)
                self.drafts.append(item)
            labels = self.labels
            if code and self._merge(item, "code", code, number, labels["item_code"], code):
                state.by_code.setdefault(code, item)
            if name and self._merge(item, "name", name, number, labels["item_name"], name):
                state.by_name.setdefault((item.path, name), item)
        if explicit_path and path is not None and path != item.path:
            self._conflict(
                number,
                self.labels[keys[0]],
                " / ".join(path),
                item.first_row,
                " / ".join(item.path),
            )
        state.previous_path, state.previous_item = (path or item.path), item
        return item

    def _content_of_row(
        self, number: int, values: dict, raws: dict, item: _ItemDraft, state: _Rows
    ) -> None:
        labels = self.labels
        content_name = values.get("content_name")
        if content_name:
            content = _ContentDraft(
                number,
                {
                    c.content_field: values[c.key]
                    for c in state.row_columns
                    if c.key in values and values[c.key] is not None
                },
                state.content_labels,
            )
            content_code = values.get("content_code")
            if content_code:
                if content_code in state.content_codes:
                    self.problem(
                        number,
                        labels["content_code"],
                        _("Content code %(code)s is also used in row %(row)d.")
                        % {"code": content_code, "row": state.content_codes[content_code]},
                    )
                    return
                state.content_codes[content_code] = number
            if content_name in item.content_names:
                self.problem(
                    number,
                    labels["content_name"],
                    _("This service item already has content named %(name)s (row %(row)d).")
                    % {"name": content_name, "row": item.content_names[content_name]},
                )
                return
            item.content_names[content_name] = number
            item.contents.append(content)
        elif values.get("content_code"):
            self.problem(
                number,
                labels["content_code"],
                _("A content code is given but the service content is empty."),
            )
        else:
            for column in state.row_columns:
                key = column.key
                if column.item_field and values.get(key) is not None:
                    self._merge(
                        item, column.item_field, values[key], number, labels[key], raws.get(key)
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

    def _merge(self, item: _ItemDraft, name, value, row: int, label: str, raw=None) -> bool:
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


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
