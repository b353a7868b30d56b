"""Small factories for the service checklist, shared by every app's tests."""

from decimal import Decimal
from typing import Any

from opsbook.accounts.models import User
from opsbook.catalog import services as catalog
from opsbook.catalog.models import Category, Ownership, ServiceContent, ServiceItem


def make_category(name: str = "客户服务", parent: Category | None = None) -> Category:
    category, _ = Category.objects.get_or_create(name=name, parent=parent)
    return category


def make_item(
    owner: User | None = None, category: Category | None = None, **values: Any
) -> ServiceItem:
    values.setdefault("name", "热线电话服务")
    values.setdefault("frequency_text", "每日")
    parts = catalog.Parts(owners=[Ownership(user=owner, is_primary=True)] if owner else None)
    return catalog.do_create_item(
        None, category=category or make_category(), parts=parts, source="test", **values
    )


def make_content(item: ServiceItem, owner: User | None = None, **values: Any) -> ServiceContent:
    values.setdefault("name", "接听来电")
    values.setdefault("frequency_text", "工作日每天")
    parts = catalog.Parts(owners=[Ownership(user=owner, is_primary=True)] if owner else None)
    return catalog.do_create_content(None, item, parts=parts, source="test", **values)


def kpi_target(value: str) -> Decimal:
    return Decimal(value)
