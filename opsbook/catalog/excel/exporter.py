"""Write the checklist, or an empty template, as an .xlsx the importer reads back unchanged.

One row per piece of service content, the item's columns repeated on each of its rows; an
item-level row (服务内容 empty) when the item has no content, or has its own frequency, dates,
notes, standards, KPIs, checkpoints or resources. Text that Excel could take for a formula is
prefixed with an apostrophe, which the importer removes.

Beside 考核指标 the export writes 本月实际 and 达标状态: each measured KPI's actual this month and
whether it met its target, for people to read; the importer ignores both columns.
"""

import io
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from opsbook.core import clock
from opsbook.core.tabular.xlsx import WORKBOOK_OPTIONS, neutralise, new_workbook

from .. import kpi_actuals
from ..models import Category, ServiceContent, ServiceItem
from . import parts as part_specs
from . import textformats as tf
from .columns import (
    BY_KEY,
    CATEGORY_COLUMNS,
    COLUMNS,
    ENUM_LABELS,
    HELP_SHEET_NAME,
    ITEM_COLUMNS,
    ROW_COLUMNS,
    SHEET_NAME,
    Column,
)
from .owners import OwnerDirectory

__all__ = ["WORKBOOK_OPTIONS", "export_catalog", "neutralise", "write_template"]
VALIDATED_ROWS = 2000  # rows below the data that still get the drop-down lists
ENUM_KINDS = ("tier", "status", "delivery")
ITEM_ROW_PARTS = ("standards", "kpis", "checkpoints", "resources")
EXAMPLE_ROWS: tuple[dict[str, Any], ...] = (
    {
        "category1": "客户服务",
        "category2": "热线服务",
        "item_name": "400热线",
        "item_description": "面向学员和家长的咨询热线",
        "tier": "基础",
        "target_customers": "全体学员",
        "service_hours": "工作日 9:00-18:00",
        "delivery_mode": "远程",
        "item_owners": "客服部",
        "item_status": "启用",
        "review_cycle_months": 12,
        "next_review_date": "2026-12-31",
        "content_name": "接听来电",
        "frequency": "每日",
        "owners": "张三、李四",
        "standards": "电话：响应≤5分钟，解决≤4小时（工作时间）",
        "kpis": "学员满意度≥95%；平均响应时长≤30秒",
        "start_date": "2026-01-01",
        "checkpoints": "2026-03-31 完成话术更新；2026-06-30 中期评估✓",
        "resources": "人员：3名客服；工具：工单系统",
        "status": "启用",
    },
    {
        "category1": "客户服务",
        "category2": "热线服务",
        "item_name": "400热线",
        "content_name": "回访满意度",
        "frequency": "每周两次",
        "owners": "李四",
        "kpis": "回访完成率不低于90%",
        "notes": "节假日顺延",
        "status": "启用",
    },
)


class _Sheet:
    """The checklist sheet: headers, formats, and typed cell writers."""

    def __init__(self, workbook, columns: list[Column], *, comments: bool):
        self.workbook = workbook
        self.columns = columns
        self.sheet = workbook.add_worksheet(SHEET_NAME)
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.plain = workbook.add_format({"valign": "top"})
        for index, column in enumerate(columns):
            self.sheet.write_string(0, index, column.zh, self.header)
            self.sheet.set_column(
                index,
                index,
                column.width,
                self.date
                if column.kind == "date"
                else self.wrap
                if column.width >= 24
                else self.plain,
            )
            if comments and column.help:
                self.sheet.write_comment(
                    0,
                    index,
                    f"{column.zh} / {column.en}\n{column.help}",
                    {"x_scale": 2, "y_scale": 1.5},
                )
        self.sheet.freeze_panes(1, 0)
        self.sheet.set_row(0, 30)

    def write_row(self, row: int, values: dict) -> None:
        sheet = self.sheet
        for index, column in enumerate(self.columns):
            value = values.get(column.key)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(row, index, neutralise(value))
            elif column.kind == "date":
                sheet.write_datetime(row, index, value, self.date)
            else:
                sheet.write_number(row, index, value)

    def finish(self, last_row: int) -> None:
        sheet = self.sheet
        sheet.autofilter(0, 0, max(last_row, 1), len(self.columns) - 1)
        for index, column in enumerate(self.columns):
            if column.kind in ENUM_KINDS:
                sheet.data_validation(
                    1,
                    index,
                    last_row + VALIDATED_ROWS,
                    index,
                    {
                        "validate": "list",
                        "source": list(ENUM_LABELS[column.kind].values()),
                        "error_type": "warning",
                    },
                )


def _layout(depth: int, *, actuals: bool = False) -> list[Column]:
    """The columns of a sheet; with ``actuals``, 本月实际 and 达标状态 right after 考核指标."""
    rows: list[Column] = []
    for column in ROW_COLUMNS:
        rows.append(column)
        if actuals and column.key == "kpis":
            rows += [BY_KEY["kpi_actuals"], BY_KEY["kpi_status"]]
    return [*CATEGORY_COLUMNS[: max(depth, 2)], *ITEM_COLUMNS, *rows]


STATUS_WORDS = {kpi_actuals.MET: "达标", kpi_actuals.MISSED: "未达标", None: "无数据"}


def _workbook(output: io.BytesIO):
    return new_workbook(output)


class _CategoryPaths:
    """Each category's path from its root, every category read in one query."""

    def __init__(self) -> None:
        self.categories = {c.pk: c for c in Category.objects.all()}
        self.paths: dict[int, list[Category]] = {}

    def __call__(self, pk: int) -> list[Category]:
        if pk not in self.paths:
            node = self.categories[pk]
            self.paths[pk] = [*(self(node.parent_id) if node.parent_id else []), node]
        return self.paths[pk]


class _CatalogRows:
    """The sheet's rows for each item: its item-level row when it needs one, then its content."""

    def __init__(self, path: _CategoryPaths, items: list[ServiceItem], *, now: datetime) -> None:
        self.path = path
        ids = {i.pk for i in items}
        contents = _select(ServiceContent.objects.order_by("sort_order", "code"), "item_id", ids)
        self.contents_of: dict[int, list[ServiceContent]] = defaultdict(list)
        for content in contents:
            self.contents_of[content.item_id].append(content)
        loaded = {kind: part_specs.load(kind, ids) for kind in part_specs.PART_KINDS}
        self.parts = {
            kind: {
                key: [part_specs.spec(kind, row) for row in rows]
                for key, (rows, _ids) in found.items()
            }
            for kind, found in loaded.items()
        }
        self.kpi_ids = {key: ids_ for key, (_rows, ids_) in loaded["kpis"].items()}
        self.actuals = _kpi_actuals(items, contents, self.parts["kpis"], self.kpi_ids, now)
        self.directory = OwnerDirectory()

    def of(self, item: ServiceItem) -> list[dict]:
        shared = self._item_cells(item)
        rows = []
        own = {kind: self.parts[kind].get((item.pk, None), ()) for kind in ITEM_ROW_PARTS}
        needs_item_row = (
            not self.contents_of[item.pk]
            or any(own.values())
            or any((item.frequency_text, item.start_date, item.end_date, item.notes))
        )
        if needs_item_row:
            rows.append({**shared, **_entry_cells(item, own), **self._actual_cells(item.pk, None)})
        for content in self.contents_of[item.pk]:
            rows.append(
                {
                    **shared,
                    **self._content_cells(item, content),
                    **self._actual_cells(item.pk, content.pk),
                }
            )
        return rows

    def _actual_cells(self, item_id: int, content_id: int | None) -> dict:
        """本月实际 and 达标状态 of the row's measured KPIs, one entry each, in the KPI cell's
        order (a KPI judged by hand has none)."""
        found = [
            self.actuals[pk]
            for pk in self.kpi_ids.get((item_id, content_id), ())
            if pk in self.actuals
        ]
        if not found:
            return {}
        return {
            "kpi_actuals": tf.join_entries(a.current.text or "—" for a in found),
            "kpi_status": tf.join_entries(STATUS_WORDS[a.status] for a in found),
        }

    def _item_cells(self, item: ServiceItem) -> dict:
        """The category and item columns, repeated on each of the item's rows."""
        cells: dict[str, Any] = {
            f"category{n}": c.name for n, c in enumerate(self.path(item.category_id), 1)
        }
        cells.update(
            item_code=item.code,
            item_name=item.name,
            item_description=item.description,
            tier=ENUM_LABELS["tier"].get(item.tier, item.tier),
            target_customers=item.target_customers,
            service_hours=item.service_hours,
            delivery_mode=ENUM_LABELS["delivery"].get(item.delivery_mode, item.delivery_mode),
            region=item.region,
            item_owners=self.directory.format(self.parts["owners"].get((item.pk, None), ())),
            item_status=ENUM_LABELS["status"].get(item.status, item.status),
            review_cycle_months=item.review_cycle_months,
            next_review_date=item.next_review_date,
        )
        return cells

    def _content_cells(self, item: ServiceItem, content: ServiceContent) -> dict:
        key = (item.pk, content.pk)
        cells = _entry_cells(
            content, {kind: self.parts[kind].get(key, ()) for kind in part_specs.PART_KINDS}
        )
        cells.update(
            content_code=content.code,
            content_name=content.name,
            content_description=content.description,
            owners=self.directory.format(self.parts["owners"].get(key, ())),
            status=ENUM_LABELS["status"].get(content.status, content.status),
        )
        return cells


def _kpi_actuals(items, contents, kpis: dict, kpi_ids: dict, now: datetime) -> dict:
    """This month's actual of every measured KPI exported, by KPI id: one batch."""
    item_codes = {i.pk: i.code for i in items}
    content_codes = {c.pk: c.code for c in contents}
    refs = []
    for (item_id, content_id), specs in kpis.items():
        for pk, spec in zip(kpi_ids[(item_id, content_id)], specs, strict=True):
            if spec.metric and item_id in item_codes:
                refs.append(
                    kpi_actuals.KpiRef(
                        pk,
                        spec.metric,
                        item_codes[item_id],
                        content_codes.get(content_id) if content_id else None,
                        spec.target,
                        spec.unit,
                        spec.direction,
                    )
                )
    return kpi_actuals.actuals(refs, now=now, history=False)


def export_catalog(items=None, *, now: datetime | None = None) -> bytes:
    """The items (a ServiceItem queryset; default: all of them, retired too) as .xlsx bytes,
    with each measured KPI's actual in the month of ``now`` (default: the clock's)."""
    queryset = ServiceItem.objects.all() if items is None else items
    items = list(queryset.order_by())
    path = _CategoryPaths()
    items.sort(
        key=lambda i: ([(c.sort_order, c.name) for c in path(i.category_id)], i.sort_order, i.code)
    )
    catalog_rows = _CatalogRows(path, items, now=now or clock.now())
    depth = max((len(path(i.category_id)) for i in items), default=2)
    output = io.BytesIO()
    workbook = _workbook(output)
    sheet = _Sheet(workbook, _layout(depth, actuals=True), comments=False)
    row = 0
    for item in items:
        for cells in catalog_rows.of(item):
            row += 1
            sheet.write_row(row, cells)
    sheet.finish(row)
    _help_sheet(workbook)
    workbook.close()
    return output.getvalue()


def _entry_cells(entry, parts: dict) -> dict:
    cells = {
        "frequency": entry.frequency_text,
        "start_date": entry.start_date,
        "end_date": entry.end_date,
        "notes": entry.notes,
    }
    for kind in ITEM_ROW_PARTS:
        cells[kind] = tf.FORMATTERS[kind](parts.get(kind, ()))
    return cells


def _select(queryset, field: str, ids: set[int]):
    """Rows of ``queryset`` whose ``field`` is in ``ids``: in SQL for a few, in Python for many."""
    if len(ids) <= 500:
        return list(queryset.filter(**{f"{field}__in": ids}))
    return [row for row in queryset if getattr(row, field) in ids]


def write_template() -> bytes:
    """An empty checklist with header notes, drop-down lists and a 说明 sheet with examples."""
    output = io.BytesIO()
    workbook = _workbook(output)
    sheet = _Sheet(workbook, _layout(3), comments=True)
    sheet.finish(0)
    _help_sheet(workbook)
    workbook.close()
    return output.getvalue()


def _help_sheet(workbook) -> None:
    sheet = workbook.add_worksheet(HELP_SHEET_NAME)
    formats = {
        "bold": workbook.add_format({"bold": True}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "head": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
    }
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 2, 24)
    sheet.set_column(3, 4, 14)
    sheet.set_column(5, 5, 60)
    row = _help_notes(sheet, formats)
    row = _help_columns(sheet, formats, row)
    _help_examples(sheet, formats, row + 2)


def _help_notes(sheet, formats: dict) -> int:
    """The title and the notes on filling in the sheet; returns the row after them."""
    sheet.write_string(0, 0, _("How to fill in the service checklist"), formats["title"])
    notes = (
        _(
            "Fill in the sheet %(sheet)s, one row per piece of service content. This sheet is "
            "not imported."
        )
        % {"sheet": SHEET_NAME},
        _(
            "Columns may be in any order; headers may be Chinese or English or a synonym below. "
            "An unknown header is refused."
        ),
        _(
            "Item columns are the same on every row of an item: an empty cell repeats the value "
            "above, merged cells are fine."
        ),
        _("A row with 服务内容 empty describes the service item itself."),
        _(
            "Nothing is written if any cell has a problem; importing the same file twice changes "
            "nothing. Rows missing from the file are left alone in Opsbook."
        ),
    )
    for offset, note in enumerate(notes):
        sheet.write_string(1 + offset, 0, note)
    return 2 + len(notes)


def _help_columns(sheet, formats: dict, row: int) -> int:
    """The table of columns from ``row`` on; returns its last row."""
    headers = (
        _("Column"),
        _("English"),
        _("Also accepted"),
        _("Level"),
        _("Required"),
        _("What to write"),
    )
    for index, text in enumerate(headers):
        sheet.write_string(row, index, text, formats["head"])
    levels = {
        "category": _("Category"),
        "item": _("Service item"),
        "row": _("Row"),
        "ignored": _("Ignored"),
    }
    wrap = formats["wrap"]
    for column in COLUMNS:
        row += 1
        sheet.write_string(row, 0, column.zh, formats["bold"])
        sheet.write_string(row, 1, column.en)
        sheet.write_string(row, 2, neutralise("、".join(column.synonyms)), wrap)
        sheet.write_string(row, 3, str(levels[column.level]))
        sheet.write_string(row, 4, _("yes") if column.required else "")
        sheet.write_string(row, 5, neutralise(str(column.help)), wrap)
    return row


def _help_examples(sheet, formats: dict, row: int) -> None:
    """The example rows, under a title at ``row``."""
    sheet.write_string(row, 0, _("Examples (not imported)"), formats["title"])
    row += 1
    layout = _layout(2)
    for index, column in enumerate(layout):
        sheet.write_string(row, index, column.zh, formats["head"])
    for example in EXAMPLE_ROWS:
        row += 1
        for index, column in enumerate(layout):
            value = example.get(column.key)
            if value is not None:
                sheet.write(row, index, value if isinstance(value, int) else neutralise(value))
