"""Building checklist workbooks and CSV files in tests, and counting what an import wrote."""

import csv
import io

import openpyxl

from opsbook.audit.models import AuditEntry
from opsbook.catalog.excel.importer import import_catalog
from opsbook.catalog.models import (
    Category,
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)

HEADER = [
    "一级分类", "二级分类", "项目编号", "服务项目", "项目说明", "服务层级", "服务对象", "服务时间",
    "服务方式", "服务区域", "项目负责人", "项目状态", "复审周期（月）", "下次复审日期", "内容编号",
    "服务内容", "内容说明", "服务频率", "责任人", "服务标准", "考核指标", "开始时间", "结束时间",
    "检查点", "资源", "备注", "状态",
]  # fmt: skip


def row(**values) -> dict:
    return values


def table(rows: list[dict], header: list[str] = HEADER) -> list[list]:
    """Rows given as {header: value} dicts, laid out under ``header``."""
    return [list(header)] + [[r.get(h, "") for h in header] for r in rows]


def xlsx(cells: list[list], *, sheet: str = "服务清单", merges=(), extra_sheets=()) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for values in cells:
        worksheet.append([None if v == "" else v for v in values])
    for cell_range in merges:
        worksheet.merge_cells(cell_range)
    for name in extra_sheets:
        workbook.create_sheet(name).append(["这一页不导入"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(cells: list[list], encoding: str = "utf-8") -> bytes:
    output = io.StringIO()
    csv.writer(output).writerows(cells)
    return output.getvalue().encode(encoding)


def run(data: bytes, filename: str = "清单.xlsx", actor=None, **kwargs):
    return import_catalog(data, filename, actor=actor, **kwargs)


def counts() -> dict[str, int]:
    models = (Category, ServiceItem, ServiceContent, Ownership, ServiceStandard, Kpi, Checkpoint,
              Resource, AuditEntry)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]
