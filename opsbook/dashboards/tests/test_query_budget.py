"""The dashboards read the engine a fixed number of times whatever the data: one evaluation of
every key, one by channel, one by service, the sparklines and trends from the snapshots of
closed months in one query (the engine's ``series`` only when a month has no snapshot)."""

import re

import pytest

from opsbook.catalog.testing import make_category
from opsbook.metrics import engine, periods, snapshots
from opsbook.tickets.tests.factories import frozen_time, make_service, make_ticket

from . import scene
from .scene import at

pytestmark = pytest.mark.django_db

NOVEMBER = periods.parse(scene.PERIOD)


def take_snapshots(now):
    """What the snapshot jobs leave behind: the final figures of each closed month and the
    current month's latest refresh."""
    for month in NOVEMBER.trailing(14):  # back to October 2025: November's year-ago window
        snapshots.take(month, now=now, final=True)
    snapshots.refresh_current(now)


def more_data(personas):
    """Another category, item, channel and customer with tickets: more codes in every cut."""
    item = make_service(personas.charlie, name="新服务", code="C01", category=make_category("新类"))
    for day in (9, 10, 11):
        with frozen_time(at(day, 10)):
            make_ticket(personas.mia, item, title=f"新工单{day}", channel="chat", now=at(day, 10))


def queries(client, url, django_assert_max_num_queries, ceiling=100) -> int:
    with django_assert_max_num_queries(ceiling) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/?period=2026-11",
        "/dashboards/?period=2026-11&service=category",
        "/dashboards/trends/?period=2026-11",
        "/dashboards/mine/?period=2026-11",
        "/dashboards/drill/?metric=tickets.created&period=2026-11",
        "/portal/dashboard/?period=2026-11",
        "/portal/dashboard/drill/?metric=tickets.created&period=2026-11",
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_data(
    board, at_now, client, personas, url, django_assert_num_queries, django_assert_max_num_queries,
    monkeypatch,
):  # fmt: skip
    take_snapshots(at_now)
    client.force_login(personas.dana if url.startswith("/portal/") else personas.mia)
    if "/mine/" in url:
        client.force_login(personas.charlie)
    client.get(url)  # warm the caches (calendar, session)
    before = queries(client, url, django_assert_max_num_queries)
    more_data(personas)
    with django_assert_num_queries(before):
        assert client.get(url).status_code == 200


def test_closed_months_come_from_snapshots_in_one_query(
    board, at_now, client, personas, monkeypatch, django_assert_max_num_queries
):
    take_snapshots(at_now)

    def no_series(*args, **kwargs):
        raise AssertionError("the sparklines were computed, not read from the snapshots")

    monkeypatch.setattr(engine, "series", no_series)
    client.force_login(personas.mia)
    client.get("/dashboards/?period=2026-11")
    # Session, user, three reads of snapshots with the targets (2 queries) of each, one read of
    # snapshots for every sparkline, service names, workload (3), navigation: no family scan.
    assert queries(client, "/dashboards/?period=2026-11", django_assert_max_num_queries, 20) <= 20
    assert (
        queries(client, "/dashboards/trends/?period=2026-11", django_assert_max_num_queries, 10)
        <= 10
    )


def test_the_overview_shows_the_snapshot_and_says_when_it_was_taken(
    board, at_now, client, personas
):
    from opsbook.tickets import services

    take_snapshots(at_now)
    # After the snapshots: the UPS ticket is resolved (a flow figure would move live).
    ticket = board.tickets["UPS告警"]
    with frozen_time(at_now):
        services.resolve(personas.charlie, ticket, now=at_now)
    client.force_login(personas.mia)
    response = client.get("/dashboards/?period=2026-12", HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="as-of"' in response.text and "2026-12-03 10:00" in response.text
    card = response.text[response.text.index('data-metric="tickets.resolved"') :]
    assert re.search(r'metric-value"[^>]*>0<', card)  # as of the refresh, before the change
    live = client.get("/dashboards/?period=2026-Q4")  # no snapshots of quarters: live
    assert 'id="as-of"' not in live.text
