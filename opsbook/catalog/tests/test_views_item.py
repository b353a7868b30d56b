"""The item page: every field, its content with their parts, and its history."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsbook.audit.models import AuditEntry
from opsbook.catalog import services
from opsbook.catalog.models import Checkpoint, Kpi, Ownership, Resource, ServiceStandard
from opsbook.catalog.testing import make_category, make_content, make_item


@pytest.fixture
def client():
    """A browser asking for English, so assertions read the msgids whatever is translated."""
    return Client(headers={"Accept-Language": "en"})


def item_url(item) -> str:
    return reverse("catalog:item", args=[item.pk])


@pytest.fixture
def hotline(personas):
    return services.do_create_item(
        personas.mia,
        category=make_category("热线", parent=make_category("客户服务")),
        code="HOT-1",
        name="热线电话服务",
        tier="advanced",
        frequency_text="每周两次",
        target_customers="全体学校",
        service_hours="工作日 8:30-17:30",
        delivery_mode="hybrid",
        region="华东",
        review_cycle_months=6,
        next_review_date=dt.date(2026, 6, 30),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        notes="客户希望周末也有人值守",
        parts=services.Parts(
            owners=[
                Ownership(user=personas.alice, is_primary=True),
                Ownership(team=personas.support_team),
            ],
            standards=[
                ServiceStandard(
                    channel="phone",
                    priority="urgent",
                    response_minutes=15,
                    resolution_minutes=240,
                    time_basis="calendar",
                )
            ],
            kpis=[Kpi(name="接通率", target=Decimal("95.5"), unit="%", direction="at_least")],
            checkpoints=[Checkpoint(due_date=dt.date(2026, 3, 31), title="一季度回顾")],
            resources=[Resource(kind="people", description="两名坐席")],
        ),
    )


def test_the_item_page_shows_every_field(client, personas, hotline):
    client.force_login(personas.vera)

    response = client.get(item_url(hotline))

    assert response.status_code == 200
    html = response.text
    for text in (
        "HOT-1",
        "热线电话服务",
        "客户服务 / 热线",
        "Advanced",
        "Twice a week",
        "全体学校",
        "工作日 8:30-17:30",
        "Remote and on-site",
        "华东",
        "every 6 months",
        "2026-06-30",
        "2026-01-01",
        "2026-12-31",
        "客户希望周末也有人值守",
        "Active",
        "张三",
        "客服部",
        "Phone",
        "Urgent",
        "15 min",
        "4 h",
        "Calendar time",
        "接通率",
        "95.5%",
        "At least",
        "一季度回顾",
        "2026-03-31",
        "两名坐席",
    ):
        assert text in html, text


def test_the_item_page_shows_its_content_with_their_own_parts(client, personas, hotline):
    make_content(
        hotline,
        personas.bob,
        name="接听来电",
        code="HOT-1-A",
        frequency_text="工作日每天",
        notes="高峰期增加人手",
    )
    client.force_login(personas.vera)

    html = client.get(item_url(hotline)).text

    assert "HOT-1-A" in html and "接听来电" in html
    assert "Every working day" in html
    assert "高峰期增加人手" in html
    assert "李四" in html  # bob owns the content


def test_the_history_lists_who_changed_what_before_and_after(client, personas, hotline):
    services.do_update_item(personas.mia, hotline, name="热线服务（新）", tier="custom")
    content = make_content(hotline, name="接听来电")
    services.do_update_content(personas.alice, content, notes="改为全天")
    client.force_login(personas.vera)

    html = client.get(item_url(hotline)).text
    history = html[html.index('id="history"') :]

    assert "米娅" in history and "张三" in history
    assert "热线电话服务" in history and "热线服务（新）" in history
    assert "Advanced" in history and "Custom" in history  # choices shown by their labels
    assert "改为全天" in history  # content changes appear on the item's history
    assert "Tier" in history and "Notes" in history


def test_history_times_are_shown_in_the_users_time_zone(client, personas, hotline):
    AuditEntry.objects.filter(object_id=str(hotline.pk)).update(
        at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)
    )
    personas.vera.time_zone = "America/New_York"
    personas.vera.save()
    client.force_login(personas.vera)

    html = client.get(item_url(hotline)).text

    assert "2025-12-31 19:30" in html


def test_history_uses_the_site_time_zone_by_default(client, personas, hotline):
    moment = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)
    AuditEntry.objects.filter(object_id=str(hotline.pk)).update(at=moment)
    client.force_login(personas.vera)

    html = client.get(item_url(hotline)).text

    local = timezone.localtime(moment, zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y-%m-%d %H:%M}" in html


def test_a_script_in_an_item_name_is_inert_on_the_item_page(client, personas):
    item = make_item(
        personas.alice, name='<script>alert("x")</script>', notes="<img src=x onerror=1>"
    )
    client.force_login(personas.vera)

    html = client.get(item_url(item)).text

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_a_viewer_sees_no_edit_buttons(client, personas, hotline):
    make_content(hotline, name="接听来电")
    client.force_login(personas.vera)

    html = client.get(item_url(hotline)).text

    assert reverse("catalog:item_edit", args=[hotline.pk]) not in html
    assert reverse("catalog:item_retire", args=[hotline.pk]) not in html
    assert reverse("catalog:content_create", args=[hotline.pk]) not in html
    assert "/catalog/content/" not in html


def test_an_owner_sees_edit_buttons_but_no_retire(client, personas, hotline):
    client.force_login(personas.alice)

    html = client.get(item_url(hotline)).text

    assert reverse("catalog:item_edit", args=[hotline.pk]) in html
    assert reverse("catalog:item_retire", args=[hotline.pk]) not in html


def test_a_manager_can_retire_with_a_confirmation(client, personas, hotline):
    client.force_login(personas.mia)

    html = client.get(item_url(hotline)).text

    assert reverse("catalog:item_retire", args=[hotline.pk]) in html
    assert "data-confirm=" in html


def test_an_unknown_item_is_not_found(client, personas):
    client.force_login(personas.vera)

    assert client.get(reverse("catalog:item", args=[999999])).status_code == 404
