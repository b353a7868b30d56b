"""The checklist tree: listing, search, filters, paging, bulk edits and its query budget."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbook.catalog import services
from opsbook.catalog.models import Ownership, ServiceItem
from opsbook.catalog.testing import make_category, make_content, make_item

TREE = reverse("catalog:tree")


@pytest.fixture
def client():
    """A browser asking for English, so assertions read the msgids whatever is translated."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def hotline(personas):
    service = make_category("客户服务")
    return make_item(
        personas.alice,
        category=make_category("热线", parent=service),
        code="HOT-1",
        name="热线电话服务",
        frequency_text="每日",
        next_review_date=dt.date(2020, 1, 1),
    )


def test_staff_see_items_grouped_under_their_category_path(client, personas, hotline):
    make_content(hotline, name="接听来电")
    client.force_login(personas.vera)

    response = client.get(TREE)

    assert response.status_code == 200
    html = response.text
    assert "客户服务 / 热线" in html
    assert "HOT-1" in html and "热线电话服务" in html
    assert "张三" in html  # the primary owner, alice's display name
    assert "Daily" in html  # the parsed frequency, in the reader's language
    assert "接听来电" in html  # the content, in the collapsible row
    assert 'data-label="' in html


def test_chinese_readers_see_the_chinese_frequency_label(personas, hotline):
    client = Client(headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    client.force_login(personas.vera)

    html = client.get(TREE).text

    assert "每日" in html and "Daily" not in html


def test_a_script_in_an_item_name_is_shown_as_text(client, personas):
    make_item(personas.alice, name="<script>alert(1)</script>")
    client.force_login(personas.vera)

    html = client.get(TREE).text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_search_matches_code_name_and_content(client, personas, hotline):
    other = make_item(personas.bob, name="上门巡检", code="VISIT-1")
    make_content(other, name="检查打印机")
    client.force_login(personas.vera)

    by_name = client.get(TREE, {"q": "热线电话"}).text
    by_content = client.get(TREE, {"q": "打印机"}).text
    by_code = client.get(TREE, {"q": "hot-1"}).text

    assert "HOT-1" in by_name and "VISIT-1" not in by_name
    assert "VISIT-1" in by_content and "HOT-1" not in by_content
    assert "HOT-1" in by_code


def test_an_htmx_search_returns_only_the_results_partial(client, personas, hotline):
    client.force_login(personas.vera)

    response = client.get(TREE, {"q": "热线"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results">')
    assert "<html" not in response.text
    assert 'id="filters"' not in response.text
    assert "HOT-1" in response.text
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client, personas, hotline):
    client.force_login(personas.vera)

    response = client.get(
        TREE, {"q": "热线"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.text


def test_the_search_box_searches_as_you_type_and_pushes_the_url(client, personas):
    client.force_login(personas.vera)

    html = client.get(TREE).text

    assert 'hx-trigger="input changed delay:300ms from:#id_q' in html
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#results"' in html


def test_retired_items_are_hidden_unless_asked_for(client, personas, hotline):
    make_item(personas.alice, name="旧服务", code="OLD-1", status="retired")
    client.force_login(personas.vera)

    default = client.get(TREE).text
    retired = client.get(TREE, {"status": "retired"}).text
    every = client.get(TREE, {"status": "all"}).text

    assert "OLD-1" not in default and "HOT-1" in default
    assert "OLD-1" in retired and "HOT-1" not in retired
    assert "OLD-1" in every and "HOT-1" in every


def owned_by_team(team, **values) -> ServiceItem:
    return services.do_create_item(
        None,
        category=make_category(),
        parts=services.Parts(owners=[Ownership(team=team, is_primary=True)]),
        source="test",
        **values,
    )


def test_mine_shows_items_owned_by_me_or_my_team(client, personas, hotline):
    owned_by_team(personas.support_team, name="投诉处理", code="CMP-1")
    make_item(personas.charlie, name="机房巡检", code="DC-1")
    make_item(personas.bob, name="回访", code="CALL-1")
    client.force_login(personas.bob)

    html = client.get(TREE, {"owner": "mine"}).text

    assert "CALL-1" in html  # bob's own
    assert "CMP-1" in html  # his team's
    assert "HOT-1" not in html  # alice's personally
    assert "DC-1" not in html


def test_the_owner_filter_takes_a_person_or_a_team(client, personas, hotline):
    owned_by_team(personas.support_team, name="投诉处理", code="CMP-1")
    make_item(personas.charlie, name="机房巡检", code="DC-1")
    client.force_login(personas.vera)

    by_alice = client.get(TREE, {"owner": f"user:{personas.alice.pk}"}).text
    by_team = client.get(TREE, {"owner": f"team:{personas.support_team.pk}"}).text

    assert "HOT-1" in by_alice and "CMP-1" not in by_alice and "DC-1" not in by_alice
    assert "HOT-1" in by_team and "CMP-1" in by_team and "DC-1" not in by_team


def test_filters_by_tier_frequency_and_category(client, personas, hotline):
    other = make_category("现场服务")
    make_item(
        personas.bob,
        category=other,
        name="季度巡检",
        code="Q-1",
        tier="advanced",
        frequency_text="每季度",
    )
    client.force_login(personas.vera)

    advanced = client.get(TREE, {"tier": "advanced"}).text
    quarterly = client.get(TREE, {"period": "quarter"}).text
    daily = client.get(TREE, {"period": "day"}).text
    in_service = client.get(TREE, {"category": hotline.category.parent_id}).text

    assert "Q-1" in advanced and "HOT-1" not in advanced
    assert "Q-1" in quarterly and "HOT-1" not in quarterly
    assert "HOT-1" in daily and "Q-1" not in daily
    assert "HOT-1" in in_service and "Q-1" not in in_service  # subcategories included


def test_due_for_review_uses_today_in_the_users_time_zone(client, personas, hotline, settings):
    make_item(personas.bob, name="年度评审", code="LATER-1", next_review_date=dt.date(2999, 1, 1))
    client.force_login(personas.vera)

    html = client.get(TREE, {"due": "on"}).text

    assert "HOT-1" in html and "LATER-1" not in html


def test_nonsense_filter_values_are_ignored(client, personas, hotline):
    client.force_login(personas.vera)

    response = client.get(
        TREE, {"owner": "user:abc", "category": "999999", "tier": "gold", "page": "x"}
    )

    assert response.status_code == 200
    assert "HOT-1" in response.text


def test_items_are_paged_fifty_at_a_time(client, personas):
    category = make_category()
    for n in range(51):
        make_item(
            None, category=category, name=f"服务{n:02d}", code=f"P-{n:02d}", frequency_text=""
        )
    client.force_login(personas.vera)

    first = client.get(TREE).text
    second = client.get(TREE, {"page": 2}).text

    assert "P-49" in first and "P-50" not in first
    assert "P-50" in second and "P-00" not in second


def make_items(count: int, start: int, owner, category):
    for n in range(start, start + count):
        item = make_item(owner, category=category, name=f"服务{n}", code=f"N-{n:03d}")
        make_content(item, owner, name="内容甲")
        make_content(item, None, name="内容乙", frequency_text="")


def test_the_tree_query_count_does_not_grow_with_the_items_on_the_page(
    client, personas, django_assert_max_num_queries
):
    hotline = make_category("热线", parent=make_category("客户服务"))
    make_items(5, 0, personas.alice, hotline)
    client.force_login(personas.mia)
    client.get(TREE)  # warm the session and caches
    with CaptureQueriesContext(connection) as five:
        assert client.get(TREE).status_code == 200

    make_items(35, 5, personas.alice, make_category("现场", parent=make_category("技术服务")))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = client.get(TREE)

    assert response.text.count('name="items"') == 40


def test_managers_get_bulk_actions_and_others_do_not(client, personas, hotline):
    client.force_login(personas.mia)
    manager_html = client.get(TREE).text
    client.force_login(personas.alice)
    agent_html = client.get(TREE).text

    assert 'data-select-all="items"' in manager_html
    assert reverse("catalog:bulk") in manager_html
    assert reverse("catalog:item_create") in manager_html
    assert 'data-select-all="items"' not in agent_html
    assert reverse("catalog:bulk") not in agent_html
    assert reverse("catalog:item_create") not in agent_html


def test_a_manager_sets_the_status_of_the_selected_items(client, personas, hotline):
    other = make_item(personas.bob, name="回访", code="CALL-1")
    untouched = make_item(personas.bob, name="巡检", code="VISIT-1")
    client.force_login(personas.mia)

    response = client.post(
        reverse("catalog:bulk"),
        {"items": [hotline.pk, other.pk], "status": "draft", "return_query": "q=x&tier=basic"},
    )

    assert response.status_code == 302
    assert response.url == f"{TREE}?q=x&tier=basic"
    statuses = dict(ServiceItem.objects.values_list("code", "status"))
    assert statuses == {"HOT-1": "draft", "CALL-1": "draft", "VISIT-1": "active"}
    assert untouched.code in statuses


def test_a_bulk_edit_without_a_value_changes_nothing_and_says_why(client, personas, hotline):
    client.force_login(personas.mia)

    response = client.post(reverse("catalog:bulk"), {"items": [hotline.pk]}, follow=True)

    assert "Choose a status, a tier or a next review date to set." in response.text
    hotline.refresh_from_db()
    assert hotline.version == 1


def test_agents_cannot_bulk_edit(client, personas, hotline):
    client.force_login(personas.alice)

    response = client.post(reverse("catalog:bulk"), {"items": [hotline.pk], "tier": "custom"})

    assert response.status_code == 403
    hotline.refresh_from_db()
    assert hotline.tier == "basic"
