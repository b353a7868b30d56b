"""The dashboards read the engine a fixed number of times whatever the data: one evaluation of
every key, one by channel, one by service, the sparklines and trends from the snapshots of
closed months in one query (the engine's ``series`` only when a month has no snapshot)."""

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
    for month in NOVEMBER.trailing(12):
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
    # Session, user, the three evaluations (the families' queries, snapshots and targets of
    # each), one query of snapshots for every sparkline, service names, workload, navigation.
    assert queries(client, "/dashboards/?period=2026-11", django_assert_max_num_queries, 30) <= 30
    assert (
        queries(client, "/dashboards/trends/?period=2026-11", django_assert_max_num_queries, 10)
        <= 10
    )
