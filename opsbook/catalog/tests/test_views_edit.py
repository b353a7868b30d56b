"""Creating and editing items and content: validation, parts, optimistic locking, permissions."""

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.catalog import forms, services
from opsbook.catalog.models import Kpi, Ownership, ServiceContent, ServiceItem, ServiceStandard
from opsbook.catalog.testing import make_category, make_content, make_item

PARTS = ("owners", "standards", "kpis", "checkpoints", "resources")


@pytest.fixture
def client():
    """A browser asking for English, so assertions read the msgids whatever is translated."""
    return Client(headers={"Accept-Language": "en"})


def rows(prefix: str, *entries: dict, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(entries)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, entry in enumerate(entries):
        data.update({f"{prefix}-{index}-{key}": value for key, value in entry.items()})
    return data


def item_data(category, item=None, **fields) -> dict:
    data = {
        "category": category.pk,
        "code": "",
        "name": "热线电话服务",
        "tier": "basic",
        "status": "active",
        "frequency_text": "每日",
        "sort_order": "0",
    }
    if item is not None:
        data.update(
            code=item.code,
            name=item.name,
            tier=item.tier,
            status=item.status,
            frequency_text=item.frequency_text,
            version=item.version,
        )
    data.update(fields)
    for name in PARTS:
        if not any(key.startswith(f"{name}-") for key in data):
            data.update(rows(name))
    return data


def test_the_item_form_covers_every_field_services_accept():
    assert set(forms.ItemForm.Meta.fields) == set(services.ITEM_FIELDS)
    assert set(forms.ContentForm.Meta.fields) == set(services.CONTENT_FIELDS)


def test_a_manager_creates_an_item_with_owners_standards_and_kpis(client, personas):
    category = make_category("热线", parent=make_category("客户服务"))
    client.force_login(personas.mia)
    data = item_data(
        category,
        **rows(
            "owners",
            {"owner": f"user:{personas.alice.pk}"},
            {"owner": f"team:{personas.support_team.pk}"},
        ),
        **{"owners-primary": "1"},
        **rows(
            "standards",
            {
                "channel": "phone",
                "priority": "urgent",
                "response_minutes": "15",
                "resolution_minutes": "240",
                "time_basis": "business",
            },
        ),
        **rows("kpis", {"name": "接通率", "direction": "at_least", "target": "95", "unit": "%"}),
    )

    response = client.post(reverse("catalog:item_create"), data)

    item = ServiceItem.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("catalog:item", args=[item.pk])
    assert item.code == "SVC-0001"  # numbered automatically
    assert item.frequency_period == "day"
    owners = {(o.user_id, o.team_id, o.is_primary) for o in Ownership.objects.all()}
    assert owners == {(personas.alice.pk, None, False), (None, personas.support_team.pk, True)}
    assert ServiceStandard.objects.get().response_minutes == 15
    assert Kpi.objects.get().name == "接通率"
    assert AuditEntry.objects.get().actor == personas.mia


def test_a_single_owner_row_becomes_the_primary_owner(client, personas):
    client.force_login(personas.mia)
    data = item_data(make_category(), **rows("owners", {"owner": f"user:{personas.bob.pk}"}))

    client.post(reverse("catalog:item_create"), data)

    assert Ownership.objects.get().is_primary


def test_several_owners_need_a_primary(client, personas):
    client.force_login(personas.mia)
    data = item_data(
        make_category(),
        **rows(
            "owners",
            {"owner": f"user:{personas.alice.pk}"},
            {"owner": f"user:{personas.bob.pk}"},
        ),
    )

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 200
    assert "Choose which owner is the primary owner." in response.text
    assert not ServiceItem.objects.exists()


def test_an_unreadable_frequency_is_refused_with_the_parsers_message(client, personas):
    client.force_login(personas.mia)

    response = client.post(
        reverse("catalog:item_create"), item_data(make_category(), frequency_text="每当月亮升起")
    )

    assert response.status_code == 200
    assert "cannot read “每当月亮升起” as a frequency" in response.text
    assert "每周两次" in response.text  # the examples the parser suggests
    assert 'value="每当月亮升起"' in response.text  # the input is kept
    assert not ServiceItem.objects.exists()


def test_an_end_date_before_the_start_date_is_refused(client, personas):
    client.force_login(personas.mia)

    response = client.post(
        reverse("catalog:item_create"),
        item_data(make_category(), start_date="2026-05-01", end_date="2026-04-01"),
    )

    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.text
    assert not ServiceItem.objects.exists()


def test_a_part_row_with_a_bad_value_shows_its_error(client, personas):
    client.force_login(personas.mia)
    data = item_data(
        make_category(),
        **rows("kpis", {"name": "接通率", "direction": "at_least", "target": "很多"}),
    )

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 200
    assert "Enter a number." in response.text
    assert not ServiceItem.objects.exists()


def test_the_frequency_preview_explains_what_was_understood(client, personas):
    client.force_login(personas.vera)

    good = client.get(reverse("catalog:frequency_preview"), {"frequency_text": "每周两次"})
    bad = client.get(reverse("catalog:frequency_preview"), {"frequency_text": "每当月亮升起"})

    assert "Twice a week" in good.text and "<html" not in good.text
    assert "cannot read" in bad.text


def test_an_owner_edits_their_item(client, personas):
    item = make_item(personas.alice, name="热线电话服务")
    client.force_login(personas.alice)
    assert client.get(reverse("catalog:item_edit", args=[item.pk])).status_code == 200
    data = item_data(
        item.category,
        item,
        name="热线服务",
        **rows("owners", {"owner": f"user:{personas.alice.pk}"}, initial=1),
        **{"owners-primary": "0"},
    )

    response = client.post(reverse("catalog:item_edit", args=[item.pk]), data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "热线服务" and item.version == 2
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.actor == personas.alice
    assert entry.changes == {"name": ["热线电话服务", "热线服务"]}  # nothing else changed


def test_an_agent_cannot_edit_an_item_they_do_not_own(client, personas):
    item = make_item(personas.charlie)
    client.force_login(personas.alice)

    assert client.get(reverse("catalog:item_edit", args=[item.pk])).status_code == 403
    response = client.post(
        reverse("catalog:item_edit", args=[item.pk]), item_data(item.category, item, name="改名")
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name != "改名"


def test_a_viewer_cannot_edit_anything(client, personas):
    item = make_item(personas.alice)
    content = make_content(item)
    client.force_login(personas.vera)

    assert client.get(reverse("catalog:item_edit", args=[item.pk])).status_code == 403
    assert client.post(reverse("catalog:item_create"), item_data(item.category)).status_code == 403
    assert client.get(reverse("catalog:content_create", args=[item.pk])).status_code == 403
    assert client.get(reverse("catalog:content_edit", args=[content.pk])).status_code == 403
    assert client.post(reverse("catalog:item_retire", args=[item.pk])).status_code == 403


def test_agents_cannot_create_items_or_retire(client, personas):
    item = make_item(personas.alice)
    client.force_login(personas.alice)

    assert client.get(reverse("catalog:item_create")).status_code == 403
    assert client.post(reverse("catalog:item_retire", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == "active"


def test_an_agent_cannot_retire_through_the_status_field(client, personas):
    item = make_item(personas.alice)
    client.force_login(personas.alice)
    data = item_data(
        item.category,
        item,
        status="retired",
        **rows("owners", {"owner": f"user:{personas.alice.pk}"}, initial=1),
    )

    response = client.post(reverse("catalog:item_edit", args=[item.pk]), data)

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    item.refresh_from_db()
    assert item.status == "active"


def test_a_concurrent_edit_is_a_conflict_and_keeps_the_users_input(client, personas):
    item = make_item(personas.alice, name="热线电话服务")
    client.force_login(personas.mia)
    stale = item_data(item.category, item, name="我的改动")
    services.do_update_item(personas.bob, item, notes="别人先保存了")  # version 1 → 2

    response = client.post(reverse("catalog:item_edit", args=[item.pk]), stale)

    assert response.status_code == 409
    assert "was changed by someone else after you opened it" in response.text
    assert 'value="我的改动"' in response.text
    item.refresh_from_db()
    assert item.name == "热线电话服务" and item.notes == "别人先保存了"


def test_a_conflict_over_htmx_is_a_409_too(client, personas):
    item = make_item(personas.alice)
    client.force_login(personas.mia)
    stale = item_data(item.category, item, name="我的改动")
    services.do_update_item(personas.bob, item, notes="别人先保存了")

    response = client.post(
        reverse("catalog:item_edit", args=[item.pk]), stale, headers={"HX-Request": "true"}
    )

    assert response.status_code == 409


def test_a_form_without_the_csrf_token_is_refused(personas):
    item = make_item(personas.alice, name="热线电话服务")
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.mia)

    response = client.post(
        reverse("catalog:item_edit", args=[item.pk]), item_data(item.category, item, name="x")
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name == "热线电话服务"


def test_a_manager_retires_an_item_and_its_content(client, personas):
    item = make_item(personas.alice)
    content = make_content(item)
    client.force_login(personas.mia)

    response = client.post(reverse("catalog:item_retire", args=[item.pk]))

    assert response.status_code == 302
    item.refresh_from_db()
    content.refresh_from_db()
    assert item.status == "retired" and content.status == "retired"


def test_retiring_needs_a_post(client, personas):
    item = make_item(personas.alice)
    client.force_login(personas.mia)

    assert client.get(reverse("catalog:item_retire", args=[item.pk])).status_code == 405


def test_an_owner_adds_and_edits_content(client, personas):
    item = make_item(personas.alice)
    client.force_login(personas.alice)
    data = {
        "code": "",
        "name": "接听来电",
        "status": "active",
        "frequency_text": "工作日每天",
        "sort_order": "0",
    }
    for name in PARTS:
        data.update(rows(name))

    created = client.post(reverse("catalog:content_create", args=[item.pk]), data)

    content = ServiceContent.objects.get()
    assert created.status_code == 302
    assert content.code == f"{item.code}-01"
    data.update(code=content.code, name="接听来电（含夜间）", version=content.version)
    edited = client.post(reverse("catalog:content_edit", args=[content.pk]), data)
    assert edited.status_code == 302
    content.refresh_from_db()
    assert content.name == "接听来电（含夜间）"


def test_content_edits_are_locked_optimistically_too(client, personas):
    item = make_item(personas.alice)
    content = make_content(item)
    client.force_login(personas.alice)
    data = {
        "code": content.code,
        "name": "改名",
        "status": "active",
        "frequency_text": "",
        "sort_order": "0",
        "version": content.version,
    }
    for name in PARTS:
        data.update(rows(name))
    services.do_update_content(personas.bob, content, notes="先改了")

    response = client.post(reverse("catalog:content_edit", args=[content.pk]), data)

    assert response.status_code == 409
    content.refresh_from_db()
    assert content.name != "改名"


def test_managers_create_rename_and_move_categories(client, personas):
    service = make_category("客户服务")
    field = make_category("现场服务")
    client.force_login(personas.mia)

    client.post(
        reverse("catalog:categories"), {"name": "热线", "parent": service.pk, "sort_order": "0"}
    )
    hotline = service.children.get()
    client.post(
        reverse("catalog:category_edit", args=[hotline.pk]),
        {"name": "电话热线", "parent": field.pk, "sort_order": "1"},
    )

    hotline.refresh_from_db()
    assert hotline.name == "电话热线" and hotline.parent == field


def test_a_category_cannot_move_under_its_own_child(client, personas):
    service = make_category("客户服务")
    hotline = make_category("热线", parent=service)
    client.force_login(personas.mia)

    response = client.post(
        reverse("catalog:category_edit", args=[service.pk]),
        {"name": "客户服务", "parent": hotline.pk, "sort_order": "0"},
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    service.refresh_from_db()
    assert service.parent is None


def test_agents_cannot_manage_categories(client, personas):
    category = make_category()
    client.force_login(personas.alice)

    assert client.get(reverse("catalog:categories")).status_code == 403
    assert client.get(reverse("catalog:category_edit", args=[category.pk])).status_code == 403
