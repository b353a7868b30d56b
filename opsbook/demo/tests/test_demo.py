from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from opsbook.accounts.choices import Role
from opsbook.accounts.demo import PASSWORD
from opsbook.accounts.models import ApiToken, Customer, Team, User
from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import Category, Ownership, ServiceContent, ServiceItem
from opsbook.catalog.testing import make_item


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--no-snapshots", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Team,
            Customer,
            Category,
            ServiceItem,
            ServiceContent,
            Ownership,
            AuditEntry,
        )
    }


def test_the_demo_loads_a_whole_checklist(db):
    demo()

    assert Category.objects.roots().count() == 5
    assert Category.objects.filter(parent__isnull=False).count() == 10
    assert ServiceItem.objects.count() == 16
    assert ServiceContent.objects.count() == 48
    assert set(Team.objects.values_list("name", flat=True)) == {
        "课程运营部",
        "学员服务部",
        "技术支持部",
        "市场部",
    }
    assert not Team.objects.filter(lead__isnull=True).exists()
    assert set(Customer.objects.values_list("name", flat=True)) == {"星火教育集团", "明远实验学校"}


def test_every_demo_frequency_is_understood(db):
    demo()

    for entry in [*ServiceItem.objects.all(), *ServiceContent.objects.all()]:
        assert entry.frequency_text
        assert entry.frequency_kind, entry.frequency_text
    phrases = set(ServiceContent.objects.values_list("frequency_text", flat=True))
    assert {"每周一、三、五", "每月5日前", "每周两次", "每半年", "每年", "按需"} <= phrases


def test_every_demo_item_has_exactly_one_primary_owner(db):
    demo()

    for item in ServiceItem.objects.all():
        primaries = Ownership.objects.filter(item=item, content=None, is_primary=True)
        assert primaries.count() == 1, item.code


def test_the_demo_people_sign_in_with_the_demo_password(client, db):
    demo()

    for username in ["admin", "manager", "alice", "bob", "carol", "viewer"]:
        assert User.objects.get(username=username).check_password(PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.ADMIN
    assert User.objects.get(username="manager").role == Role.MANAGER
    assert User.objects.get(username="viewer").role == Role.VIEWER
    assert User.objects.filter(role=Role.CUSTOMER, customer__isnull=False).count() == 2
    response = client.post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    assert response.status_code == 302


def test_the_demo_is_written_by_the_manager_through_the_audited_services(db):
    demo()

    manager = User.objects.get(username="manager")
    entries = AuditEntry.objects.all()
    catalog_entries = entries.filter(object_type__startswith="catalog.")
    assert catalog_entries.count() == Category.objects.count() + 16 + 48
    assert set(catalog_entries.values_list("actor", "source").distinct()) == {(manager.pk, "demo")}
    # The rest (the chat channel by the admin, past routine work by its owners) is demo too.
    assert set(entries.values_list("source", flat=True).distinct()) == {"demo"}


def test_some_demo_items_are_due_for_review(db):
    demo()

    due = ServiceItem.objects.due_for_review(timezone.localdate())
    assert set(due.values_list("code", flat=True)) == {
        "DEV-002",
        "STU-001",
        "STU-003",
        "TEC-002",
        "CS-003",
    }


def test_running_the_demo_again_changes_nothing(db):
    first_output = demo()
    before = counts()
    renamed = ServiceItem.objects.get(code="CS-001")
    renamed.name = "客服热线（400）"
    renamed.save()

    second_output = demo()

    assert "16 service items" in first_output
    assert second_output == ""
    assert counts() == before
    assert ServiceItem.objects.get(code="CS-001").name == "客服热线（400）"
    assert not ApiToken.objects.exists()


def test_if_empty_skips_a_checklist_that_has_items(personas):
    make_item(name="已有服务", frequency_text="")
    users_before = User.objects.count()

    output = demo("--if-empty")

    assert output == ""
    assert ServiceItem.objects.count() == 1
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="manager").exists()


def test_if_empty_loads_an_empty_checklist(db):
    demo("--if-empty")

    assert ServiceItem.objects.count() == 16


@pytest.mark.parametrize("existing", ["manager", "alice"])
def test_the_demo_keeps_existing_people_as_they_are(db, existing):
    person = User(username=existing, role=Role.VIEWER, display_name="已有用户")
    person.set_password("their-own-password")
    person.save()

    demo()

    person.refresh_from_db()
    assert person.display_name == "已有用户"
    assert person.check_password("their-own-password")
    assert User.objects.filter(username=existing).count() == 1
