"""Checklist services check the actor themselves: called directly, without a page or route in
front, they refuse whoever the pages and the API refuse, and write nothing. Managers change
anything; an agent edits what they own (not retiring it); an actor of ``None`` is the system
(commands, the demo loader, factories)."""

import pytest
from django.core.exceptions import PermissionDenied

from opsbook.audit.models import AuditEntry
from opsbook.catalog import services
from opsbook.catalog.excel.importer import import_catalog
from opsbook.catalog.models import Category, Ownership, ServiceContent, ServiceItem
from opsbook.catalog.testing import make_category, make_content, make_item
from opsbook.catalog.tests.excel_helpers import row, table, xlsx

# Charlie is an agent on another team than Alice, who owns the item; Vera a viewer; Dana a
# customer contact.
OUTSIDERS = ["charlie", "vera", "dana"]
NOT_MANAGERS = ["alice", *OUTSIDERS]


@pytest.fixture
def scene(personas):
    category = make_category()
    item = make_item(personas.alice, category=category, name="热线电话服务")
    content = make_content(item, personas.alice)
    return category, item, content


def _state() -> tuple:
    """Everything a checklist write could change."""
    return (
        list(Category.objects.values_list("pk", "name", "parent_id", "sort_order")),
        list(ServiceItem.objects.values_list("pk", "name", "status", "tier", "version")),
        list(ServiceContent.objects.values_list("pk", "name", "status", "version")),
        list(Ownership.objects.values_list("pk", "user_id", "team_id", "is_primary")),
        AuditEntry.objects.count(),
    )


def _writes(scene) -> dict:
    category, item, content = scene
    return {
        "create category": lambda a: services.do_create_category(a, name="新分类"),
        "update category": lambda a: services.do_update_category(a, category, name="改名"),
        "create item": lambda a: services.do_create_item(a, category=category, name="新服务"),
        "update item": lambda a: services.do_update_item(a, item, name="改名"),
        "retire item": lambda a: services.do_retire_item(a, item),
        "retire item by edit": lambda a: services.do_update_item(a, item, status="retired"),
        "create content": lambda a: services.do_create_content(a, item, name="新内容"),
        "update content": lambda a: services.do_update_content(a, content, name="改名"),
        "retire content": lambda a: services.do_retire_content(a, content),
        "retire content by edit": lambda a: services.do_update_content(
            a, content, status="retired"
        ),
        "bulk update": lambda a: services.do_bulk_update_items(a, [item], tier="custom"),
    }


MANAGERS_ONLY = [
    "create category",
    "update category",
    "create item",
    "retire item",
    "retire item by edit",
    "retire content",
    "retire content by edit",
    "bulk update",
]
OWNERS_TOO = ["update item", "create content", "update content"]


def _refused(scene, personas, who: str, write: str) -> None:
    before = _state()

    with pytest.raises(PermissionDenied):
        _writes(scene)[write](getattr(personas, who))

    assert _state() == before


@pytest.mark.parametrize("who", NOT_MANAGERS)
@pytest.mark.parametrize("write", MANAGERS_ONLY)
def test_only_managers_create_retire_and_bulk_edit(scene, personas, who, write):
    _refused(scene, personas, who, write)


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("write", OWNERS_TOO)
def test_agents_of_another_team_viewers_and_customers_edit_nothing(scene, personas, who, write):
    _refused(scene, personas, who, write)


@pytest.mark.parametrize("write", OWNERS_TOO)
def test_the_owning_agent_edits_the_item_and_its_content(scene, personas, write):
    before = _state()

    _writes(scene)[write](personas.alice)

    assert _state() != before


@pytest.mark.parametrize("who", ["mia", "erin"])
@pytest.mark.parametrize("write", [*MANAGERS_ONLY, *OWNERS_TOO])
def test_managers_and_administrators_change_anything(scene, personas, who, write):
    before = _state()

    _writes(scene)[write](getattr(personas, who))

    assert _state() != before


@pytest.mark.parametrize("write", ["create category", "update item", "retire content"])
def test_an_actor_of_none_is_the_system_and_is_not_checked(scene, write):
    before = AuditEntry.objects.filter(actor=None).count()

    _writes(scene)[write](None)

    assert AuditEntry.objects.filter(actor=None).count() > before


@pytest.mark.parametrize("name", NOT_MANAGERS)
def test_the_spreadsheet_import_refuses_anyone_but_a_manager_and_writes_nothing(
    personas, scene, name
):
    data = xlsx(table([row(一级分类="客户服务", 服务项目="新的服务", 服务内容="新内容")]))
    before = _state()

    with pytest.raises(PermissionDenied):
        import_catalog(data, "清单.xlsx", actor=getattr(personas, name))

    assert _state() == before


@pytest.mark.parametrize("name", ["mia", "erin", None])
def test_managers_administrators_and_the_system_may_import(personas, scene, name):
    data = xlsx(table([row(一级分类="客户服务", 服务项目="新的服务", 服务内容="新内容")]))
    actor = getattr(personas, name) if name else None

    report = import_catalog(data, "清单.xlsx", actor=actor)

    assert report.ok, report.problems
    assert ServiceItem.objects.filter(name="新的服务").exists()
