"""Building roster workbooks in tests, and counting what an import wrote."""

import csv
import io
from typing import Any

import openpyxl

from opsbook.accounts.models import Customer, Team, User
from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import CustomerService
from opsbook.people.excel.importer import import_people

Rows = list[list[Any]]

TEAMS: Rows = [["名称", "上级团队", "说明"], ["运营中心", "", "总部"], ["客服部", "运营中心", ""]]
STAFF: Rows = [
    ["姓名", "登录名", "邮箱", "电话", "团队", "角色", "团队负责人", "月工时", "启用"],
    ["王芳", "wangfang", "wangfang@example.com", "13800000001", "客服部", "客服", "是", 160, "是"],
    ["赵强", "zhaoqiang", "zhaoqiang@example.com", "", "客服部", "客服", "否", 120, "是"],
    ["刘洋", "liuyang", "", "", "运营中心", "运营经理", "否", "", "是"],
]
CUSTOMERS: Rows = [
    ["编号", "名称", "服务项目", "启用", "备注"],
    ["xinghe", "星河学校", "", "是", ""],
]
CONTACTS: Rows = [
    ["姓名", "登录名", "邮箱", "电话", "客户", "启用"],
    ["陈静", "chenjing", "chenjing@example.com", "", "xinghe", "是"],
]


def sheets(**overrides: list[list] | None) -> dict[str, list[list]]:
    base: dict[str, list[list] | None] = {
        "团队": TEAMS,
        "员工": STAFF,
        "客户": CUSTOMERS,
        "联系人": CONTACTS,
    }
    base.update(overrides)
    return {name: rows for name, rows in base.items() if rows is not None}


def xlsx(book: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        worksheet = workbook.create_sheet(name)
        for values in rows:
            worksheet.append([None if v == "" else v for v in values])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue().encode(encoding)


def run(data: bytes, filename: str = "花名册.xlsx", actor=None, **kwargs):
    return import_people(data, filename, actor=actor, **kwargs)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "customers": Customer.objects.count(),
        "services": CustomerService.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def state() -> list:
    """Everything an import may change, to compare before and after."""
    return [
        list(
            User.objects.order_by("pk").values_list(
                "username",
                "display_name",
                "email",
                "phone",
                "role",
                "team_id",
                "customer_id",
                "capacity_hours",
                "is_active",
                "invited_at",
            )
        ),
        list(
            Team.objects.order_by("pk").values_list("name", "parent_id", "lead_id", "description")
        ),
        list(Customer.objects.order_by("pk").values_list("code", "name", "is_active", "notes")),
        list(CustomerService.objects.order_by("pk").values_list("customer_id", "item_id")),
    ]


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]
