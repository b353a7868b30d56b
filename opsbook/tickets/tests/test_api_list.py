"""The ticket list: the web list's filters, pages linked by ``next`` without a total count,
and a number of queries that does not grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.tickets import services
from opsbook.tickets.tests.factories import make_ticket

from . import api_helpers
from .api_helpers import api_as, error_fields

media, world = api_helpers.media, api_helpers.world  # fixtures


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


@pytest.fixture
def many(personas, world):
    """Twelve more tickets for 星火教育, with tags, so pages have rows to fill."""
    tickets = [
        make_ticket(
            personas.mia,
            world.item,
            title=f"批量工单 {n}",
            customer=personas.customer_a,
            contact=personas.dana,
            tags=["批量", f"第{n % 3}组"],
            channel="email" if n % 2 else "phone",
        )
        for n in range(12)
    ]
    return tickets


def test_the_list_is_newest_first_with_every_column_a_row_shows(personas, world):
    body = api_as(personas.erin).get("/tickets/").json()
    assert [row["id"] for row in body["items"]] == [world.ticket_b.pk, world.ticket_a.pk]
    row = body["items"][1]
    assert row["number"] == f"#{world.ticket_a.pk}"
    assert row["item"] == {"id": world.item.pk, "code": "SVC-HOT", "name": "热线电话服务"}
    assert row["customer"]["code"] == "xinghuo"
    assert row["assignee"]["username"] == "alice"
    assert row["team"]["name"] == "客服部"
    assert row["sla"]["calendar"] == "工作日历"
    assert row["sla"]["targets"] == {"response_seconds": 1800, "resolution_seconds": 28800}
    assert body["next"] is None and body["previous"] is None
    assert "count" not in body


def test_pages_are_linked_by_next_and_previous(personas, many):
    api = api_as(personas.erin)
    first = api.get("/tickets/", limit=5).json()
    assert len(first["items"]) == 5
    assert first["previous"] is None
    assert first["next"].endswith("/api/tickets/?limit=5&offset=5")
    seen = ids(api.get("/tickets/", limit=5))
    page = first
    while page["next"]:
        page = api.client.get(page["next"], headers=api.headers).json()
        seen += [row["id"] for row in page["items"]]
    assert len(seen) == len(set(seen)) == 14
    assert page["previous"].endswith("offset=5")


def test_a_page_size_outside_1_to_500_is_refused(personas, world):
    api = api_as(personas.erin)
    assert api.get("/tickets/", limit=500).status_code == 200
    assert error_fields(api.get("/tickets/", limit=501)) == {"limit"}
    assert error_fields(api.get("/tickets/", limit=0)) == {"limit"}
    assert error_fields(api.get("/tickets/", offset=-1)) == {"offset"}


def test_the_query_count_is_the_same_for_5_and_50_rows(personas, many):
    api = api_as(personas.erin)
    api.get("/tickets/")  # the token's last-used time is written on first use only
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            assert len(ids(api.get("/tickets/", limit=limit, status="new"))) in (5, 14)
        counts[limit] = len(queries)
    assert counts[5] == counts[50] <= 10


def test_an_agents_and_a_customers_list_cost_no_more_queries(personas, many):
    for name in ("alice", "dana"):
        api = api_as(getattr(personas, name))
        api.get("/tickets/")
        counts = []
        for limit in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                api.get("/tickets/", limit=limit)
            counts.append(len(queries))
        assert counts[0] == counts[1] <= 10, name


def test_filters_are_those_of_the_web_list(personas, world, many):
    api = api_as(personas.erin)
    services.do_change_status(personas.alice, world.ticket_b, "waiting")
    assert ids(api.get("/tickets/", status="waiting")) == [world.ticket_b.pk]
    both = api.get("/tickets/?status=waiting&status=new")
    assert len(ids(both)) == 14
    assert ids(api.get("/tickets/", status="waiting,acknowledged")) == [world.ticket_b.pk]
    assert len(ids(api.get("/tickets/", channel="email"))) == 6
    assert len(ids(api.get("/tickets/", tag="第1组"))) == 4
    assert ids(api.get("/tickets/", customer=personas.customer_b.pk)) == [world.ticket_b.pk]
    assert ids(api.get("/tickets/", q="打印机")) == [world.ticket_b.pk]
    assert ids(api.get("/tickets/", q=f"#{world.ticket_a.pk}")) == [world.ticket_a.pk]
    assert ids(api.get("/tickets/", sla="paused")) == [world.ticket_b.pk]
    assert ids(api.get("/tickets/", assignee="none")) == []
    assert len(ids(api.get("/tickets/", item=world.item.pk))) == 14


def test_assignee_me_means_the_tokens_user(personas, world):
    services.do_assign_ticket(personas.alice, world.ticket_a, assignee=personas.bob)
    assert ids(api_as(personas.bob).get("/tickets/", assignee="me")) == [world.ticket_a.pk]
    assert ids(api_as(personas.alice).get("/tickets/", assignee="me")) == [world.ticket_b.pk]


def test_ordering_is_chosen_from_the_allowed_list(personas, world):
    api = api_as(personas.erin)
    oldest = ids(api.get("/tickets/", ordering="created_at"))
    assert oldest == [world.ticket_a.pk, world.ticket_b.pk]
    assert error_fields(api.get("/tickets/", ordering="title; DROP TABLE tickets_ticket")) == {
        "ordering"
    }


def test_bad_filter_values_are_a_422_naming_each(personas, world):
    response = api_as(personas.erin).get(
        "/tickets/", status="bogus", channel="fax", item="abc", sla="late", created_from="1/2/2026"
    )
    assert error_fields(response) == {"status", "channel", "item", "sla", "created_from"}
    locs = {tuple(e["loc"][:1]) for e in response.json()["detail"]}
    assert locs == {("query",)}


def test_a_customer_filtering_on_another_organisation_gets_nothing(personas, world):
    api = api_as(personas.dana)
    assert ids(api.get("/tickets/", customer=personas.customer_b.pk)) == []
    assert ids(api.get("/tickets/", q="打印机")) == []
    assert ids(api.get("/tickets/", q=str(world.ticket_b.pk))) == []
