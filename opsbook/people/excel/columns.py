"""The roster's columns: four sheets (团队 / 员工 / 客户 / 联系人, or teams / staff / customers /
contacts) or one sheet with a kind column (类型 / kind). Headers in Chinese or English."""

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.core.tabular.files import Limits
from opsbook.core.tabular.headers import Column, Headers, words
from opsbook.core.tabular.reading import SheetRules

TEAM, STAFF, CUSTOMER, CONTACT = "team", "staff", "customer", "contact"
KINDS = (TEAM, STAFF, CUSTOMER, CONTACT)

# The sheet of each kind: its Chinese name first (the export's), then the other names.
SHEET_NAMES = {
    TEAM: ("团队", "teams", "team", "部门"),
    STAFF: ("员工", "staff", "人员", "employees"),
    CUSTOMER: ("客户", "customers", "customer", "客户单位", "organisations"),
    CONTACT: ("联系人", "contacts", "contact", "客户联系人"),
}
KIND_WORDS = words(
    {
        TEAM: ("团队", "部门", "teams"),
        STAFF: ("员工", "人员", "职员", "staff member", "employee"),
        CUSTOMER: ("客户", "客户单位", "organisation", "organization", "customers"),
        CONTACT: ("联系人", "客户联系人", "contacts"),
    }
)
KIND_LABELS = ["团队", "员工", "客户", "联系人"]

ROLE_TEXT = {  # the word the export writes first
    Role.ADMIN: ("管理员", "系统管理员", "administrator"),
    Role.MANAGER: ("运营经理", "经理", "主管", "operations manager"),
    Role.AGENT: ("客服", "坐席", "服务负责人", "工程师", "agent", "agent / service owner"),
    Role.VIEWER: ("只读", "查看者", "read-only"),
}
ROLE_WORDS = words(ROLE_TEXT)
ROLE_LABELS = [texts[0] for texts in ROLE_TEXT.values()]

YES, NO = "是", "否"
BOOL_WORDS = words(
    {
        True: (YES, "yes", "y", "true", "1", "✓", "√", "在职", "启用", "有效"),
        False: (NO, "no", "n", "false", "0", "×", "离职", "停用", "无效"),
    }
)

KIND = Column("kind", "类型", "Kind", ("类别", "种类", "记录类型", "type"), required=True, width=8)
NAME = Column(
    "name", "姓名", "Name", ("名称", "名字", "单位名称", "客户名称"), max_length=200, width=16
)
LOGIN = Column(
    "login", "登录名", "Login", ("账号", "帐号", "用户名", "username", "user name"), max_length=150
)
EMAIL = Column(
    "email", "邮箱", "E-mail", ("电子邮件", "电子邮箱", "email", "mail"), max_length=254, width=26
)
PHONE = Column(
    "phone", "电话", "Phone", ("手机", "手机号", "联系电话", "mobile", "tel"), max_length=40
)
TEAM_COL = Column(
    "team", "团队", "Team", ("部门", "所属团队", "所属部门", "department"), max_length=100
)
ROLE = Column("role", "角色", "Role", ("岗位角色",), max_length=40, width=10)
LEAD = Column(
    "lead", "团队负责人", "Team lead", ("负责人", "组长", "是否负责人"), max_length=10, width=10
)
CAPACITY = Column(
    "capacity",
    "月工时",
    "Capacity (hours per month)",
    ("可用工时", "每月工时", "工时", "capacity", "hours per month"),
    max_length=10,
    width=10,
)
ACTIVE = Column(
    "active", "启用", "Active", ("在职", "状态", "是否启用", "enabled"), max_length=10, width=8
)
PARENT = Column("parent", "上级团队", "Parent team", ("上级部门", "上级", "parent"), max_length=100)
DESCRIPTION = Column("description", "说明", "Description", ("描述",), max_length=2000, width=30)
CODE = Column("code", "编号", "Code", ("客户编号", "编码", "代码", "customer code"), max_length=50)
SERVICES = Column(
    "services",
    "服务项目",
    "Services",
    ("服务", "所享服务", "服务项目编号", "service items"),
    max_length=4000,
    width=30,
)
NOTES = Column("notes", "备注", "Notes", ("remarks", "note"), max_length=2000, width=30)
CUSTOMER_COL = Column(
    "customer",
    "客户",
    "Customer",
    ("所属客户", "客户单位", "单位", "organisation", "organization"),
    max_length=200,
)
ROW_NUMBER = Column("row_number", "序号", "No.", ("#",), ignored=True)


def _required(column: Column, *synonyms: str) -> Column:
    return replace(column, required=True, synonyms=column.synonyms + synonyms)


COLUMNS: dict[str, tuple[Column, ...]] = {
    TEAM: (
        _required(replace(NAME, zh="名称"), "姓名", "团队", "团队名称", "team"),
        PARENT,
        DESCRIPTION,
    ),
    STAFF: (
        _required(NAME),
        _required(LOGIN),
        EMAIL,
        PHONE,
        TEAM_COL,
        ROLE,
        LEAD,
        CAPACITY,
        ACTIVE,
    ),
    CUSTOMER: (
        _required(CODE),
        _required(replace(NAME, zh="名称"), "姓名"),
        SERVICES,
        ACTIVE,
        NOTES,
    ),
    CONTACT: (
        _required(NAME),
        _required(LOGIN),
        EMAIL,
        PHONE,
        _required(CUSTOMER_COL),
        ACTIVE,
    ),
}
HEADERS = {kind: Headers((*columns, ROW_NUMBER)) for kind, columns in COLUMNS.items()}
# One sheet holding every kind, told apart by the kind column.
MIXED_HEADERS = Headers(
    (
        KIND,
        NAME,
        LOGIN,
        EMAIL,
        PHONE,
        TEAM_COL,
        ROLE,
        LEAD,
        CAPACITY,
        ACTIVE,
        PARENT,
        DESCRIPTION,
        CODE,
        SERVICES,
        NOTES,
        CUSTOMER_COL,
        ROW_NUMBER,
    )
)
REQUIRED = {kind: [c for c in columns if c.required] for kind, columns in COLUMNS.items()}
KIND_NAMES = {
    TEAM: _("Teams"),
    STAFF: _("Staff"),
    CUSTOMER: _("Customer organisations"),
    CONTACT: _("Contacts"),
}


def sheet_rules() -> SheetRules:
    return SheetRules(
        names=tuple(n for names in SHEET_NAMES.values() for n in names),
        limits=Limits(rows=50_000, columns=40, uncompressed=64 * 1024 * 1024),
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=50_000,
    )
