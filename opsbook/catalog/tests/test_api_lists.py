"""Item and content lists: pagination, filters, and query counts that do not grow with a page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opsbook.catalog import services
from opsbook.catalog.models import Kpi, Ownership, ServiceItem, ServiceStandard
from opsbook.catalog.testing import make_category, make_content

from .api_helpers import api_as, error_fields, item_for


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["items"]]


def test_items_come_in_pages_with_the_total_count(personas):
    for n in range(7):
        item_for(code=f"SVC-{n:02d}", name=f"服务{n}")
    api = api_as(personas.vera)
    first = api.get("/catalog/items", limit=3).json()
    assert first["count"] == 7
    assert [i["code"] for i in first["items"]] == ["SVC-00", "SVC-01", "SVC-02"]
    assert codes(api.get("/catalog/items", limit=3, offset=6)) == ["SVC-06"]
    assert codes(api.get("/catalog/items", offset=10)) == []


def test_a_page_larger_than_500_is_refused(personas):
    api = api_as(personas.vera)
    assert api.get("/catalog/items", limit=500).status_code == 200
    assert error_fields(api.get("/catalog/items", limit=501)) == {"limit"}
    assert error_fields(api.get("/catalog/items", limit=0)) == {"limit"}
    assert error_fields(api.get("/catalog/items", offset=-1)) == {"offset"}


def test_search_finds_items_by_code_name_and_content(personas):
    hotline = item_for(code="SVC-1", name="热线电话服务")
    make_content(hotline, name="夜间值守", frequency_text="")
    item_for(code="SVC-2", name="现场巡检")
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", q="热线")) == ["SVC-1"]
    assert codes(api.get("/catalog/items", q="值守")) == ["SVC-1"]
    assert codes(api.get("/catalog/items", q="svc-2")) == ["SVC-2"]


def test_a_category_filter_includes_its_descendants(personas):
    root = make_category("客户服务")
    child = make_category("热线", parent=root)
    grandchild = make_category("夜间", parent=child)
    other = make_category("技术支持")
    item_for(code="SVC-1", category=root)
    item_for(code="SVC-2", category=grandchild)
    item_for(code="SVC-3", category=other)
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", category=root.pk)) == ["SVC-1", "SVC-2"]
    assert codes(api.get("/catalog/items", category=child.pk)) == ["SVC-2"]
    assert codes(api.get("/catalog/items", category=999999)) == []


def test_status_and_tier_filters(personas):
    item_for(code="SVC-1", tier="basic")
    item_for(code="SVC-2", tier="custom", status="draft")
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", tier="custom")) == ["SVC-2"]
    assert codes(api.get("/catalog/items", status="active")) == ["SVC-1"]
    assert error_fields(api.get("/catalog/items", status="gone")) == {"status"}


def test_owner_filter_takes_an_id_or_a_username_and_counts_team_ownership(personas):
    item_for(personas.alice, code="SVC-1")
    item_for(personas.charlie, code="SVC-2")
    team_item = item_for(code="SVC-3")
    services.do_update_item(
        None,
        team_item,
        parts=services.Parts(owners=[Ownership(team=personas.support_team, is_primary=True)]),
    )
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", owner="alice")) == ["SVC-1", "SVC-3"]
    assert codes(api.get("/catalog/items", owner=str(personas.charlie.pk))) == ["SVC-2"]
    assert codes(api.get("/catalog/items", owner="nobody")) == []


def test_team_filter_covers_the_team_and_its_members(personas):
    item_for(personas.alice, code="SVC-1")
    item_for(personas.charlie, code="SVC-2")
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", team="客服部")) == ["SVC-1"]
    assert codes(api.get("/catalog/items", team=str(personas.tech_team.pk))) == ["SVC-2"]
    assert codes(api.get("/catalog/items", team="不存在")) == []


def test_due_for_review_filter_leaves_out_retired_items(personas):
    past = timezone.localdate() - timedelta(days=1)
    item_for(code="SVC-1", next_review_date=past)
    item_for(code="SVC-2", next_review_date=timezone.localdate() + timedelta(days=30))
    item_for(code="SVC-3", next_review_date=past, status="retired")
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", due_for_review="true")) == ["SVC-1"]
    assert codes(api.get("/catalog/items", due_for_review="false")) == ["SVC-2", "SVC-3"]


def test_updated_since_filter(personas):
    old = item_for(code="SVC-1")
    ServiceItem.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=10))
    item_for(code="SVC-2")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/items", updated_since=since)) == ["SVC-2"]
    assert codes(
        api.get("/catalog/items", updated_since=str(timezone.localdate() - timedelta(days=30)))
    ) == [
        "SVC-1",
        "SVC-2",
    ]
    assert error_fields(api.get("/catalog/items", updated_since="yesterday")) == {"updated_since"}


def test_contents_filter_by_item_status_search_and_owner(personas):
    one = item_for(code="SVC-1")
    two = item_for(code="SVC-2", name="现场巡检")
    make_content(one, personas.alice, code="C-1", name="接听来电", frequency_text="")
    make_content(one, personas.bob, code="C-2", name="回访", frequency_text="", status="draft")
    make_content(two, personas.charlie, code="C-3", name="巡检机房", frequency_text="")
    api = api_as(personas.vera)
    assert codes(api.get("/catalog/contents")) == ["C-1", "C-2", "C-3"]
    assert codes(api.get("/catalog/contents", item=one.pk)) == ["C-1", "C-2"]
    assert codes(api.get("/catalog/contents", status="draft")) == ["C-2"]
    assert codes(api.get("/catalog/contents", q="机房")) == ["C-3"]
    assert codes(api.get("/catalog/contents", owner="charlie")) == ["C-3"]
    # bob owns C-2 himself; alice's team (bob's too) owns nothing as a team, so only C-2.
    assert codes(api.get("/catalog/contents", owner="bob")) == ["C-2"]


# --- Query counts -----------------------------------------------------------------------------


@pytest.fixture
def hundred_items(personas):
    categories = [
        make_category("客户服务"),
        make_category("热线", parent=make_category("客户服务")),
    ]
    for n in range(100):
        item = item_for(personas.alice, code=f"SVC-{n:03d}", category=categories[n % 2])
        ServiceStandard.objects.create(item=item, channel="phone", response_minutes=5)
        Kpi.objects.create(item=item, name="满意度", target=95)
        make_content(item, personas.bob, code=f"SVC-{n:03d}-01", frequency_text="")
    return personas


def warm(api):
    """The first request with a token records when it was used; later ones only read it."""
    api.get("/catalog/categories")
    return api


def count_queries(api, path, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200
    assert len(response.json()["items"]) == params["limit"]
    return len(queries)


@pytest.mark.parametrize("path", ["/catalog/items", "/catalog/contents"])
def test_a_page_of_100_costs_no_more_queries_than_a_page_of_5(
    hundred_items, path, django_assert_max_num_queries
):
    api = warm(api_as(hundred_items.vera))
    small = count_queries(api, path, limit=5)
    large = count_queries(api, path, limit=100)
    assert small == large
    with django_assert_max_num_queries(12):
        api.get(path, limit=100)


def test_item_history_and_audit_pages_cost_a_fixed_number_of_queries(hundred_items):
    api = warm(api_as(hundred_items.mia))
    assert count_queries(api, "/audit", limit=5) == count_queries(api, "/audit", limit=100)


def test_an_item_with_much_content_reads_in_a_fixed_number_of_queries(
    personas, django_assert_max_num_queries
):
    item = item_for(personas.alice, code="SVC-1")
    for n in range(30):
        make_content(item, personas.bob, code=f"SVC-1-{n:02d}", name=f"内容{n}", frequency_text="")
    api = api_as(personas.vera)
    with django_assert_max_num_queries(16):
        body = api.get(f"/catalog/items/{item.pk}").json()
    assert len(body["contents"]) == 30
