"""Issue 10 §2: the checklist comes alive. A KPI that names a metric shows this month's actual
against its target on the item page, the tree and the export, computed by the engine from real
tickets (created through the ticket services, at controlled instants)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbook.catalog import kpi_actuals, kpi_metrics
from opsbook.catalog import services as catalog
from opsbook.catalog.models import Kpi
from opsbook.catalog.testing import make_content, make_item
from opsbook.metrics import kpis, registry
from opsbook.tickets.services import do_change_status
from opsbook.tickets.tests.factories import frozen_time, make_ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 15, 10, 0, tzinfo=SH)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SH)


def client_for(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_every_key_the_checklist_knows_is_a_registry_key():
    assert kpi_actuals.provider() is kpis.PROVIDER  # installed when the metrics app started
    known = {m.key for m in registry.metrics(dynamic=False)}
    assert set(kpi_metrics.KEYS) <= known, set(kpi_metrics.KEYS) - known
    for key in kpi_metrics.KEYS:
        metric, words = registry.get(key), kpi_metrics.get(key)
        assert metric is not None and words is not None and "item" in metric.dimensions, key
        # The word list says which direction is good: it agrees with the registry.
        assert words.higher_is_better == metric.higher_is_better, key


def _hotline(personas, *kpi_texts: str):
    item = make_item(personas.alice, name="热线电话服务", code="HOT-1")
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(kpis=[Kpi(text=t) for t in kpi_texts]),
        expected_version=item.version,
        source="test",
    )
    item.refresh_from_db()
    return item


def _tickets(personas, item, *, created, complaints=0, resolved=0, total=4):
    """``total`` tickets of ``item`` created at ``created``; the first ``complaints`` are
    complaints, the first ``resolved`` are resolved an hour later."""
    made = []
    for n in range(total):
        ticket = make_ticket(
            personas.alice,
            item,
            title=f"工单{n}",
            type="complaint" if n < complaints else "consultation",
            now=created,
        )
        if n < resolved:
            do_change_status(
                personas.alice, ticket, "resolved", now=created.replace(hour=created.hour + 1)
            )
        made.append(ticket)
    return made


def _row(html: str, metric: str) -> str:
    match = re.search(
        rf'<tr class="kpi-row" data-metric="{re.escape(metric)}">(.*?)</tr>', html, re.S
    )
    assert match, metric
    return match.group(1)


def test_the_item_page_shows_each_kpis_actual_with_its_light(personas):
    item = _hotline(personas, "投诉率≤10%", "工单解决率≥50%", "服务态度良好")
    other = make_item(personas.alice, name="上门巡检", code="VISIT-1")
    _tickets(personas, item, created=at(11, 10), total=2)  # November: no complaint
    _tickets(personas, item, created=at(12, 2), complaints=1, resolved=3)  # 1/4, 3/4
    _tickets(personas, other, created=at(12, 3), complaints=3, total=3)  # not this item's

    with frozen_time(NOW):
        html = client_for(personas.mia).get(reverse("catalog:item", args=[item.pk])).text

    complaints = _row(html, "tickets.complaint_rate")
    assert "25%" in complaints and "kpi-light-red" in complaints  # 25 % > 10 %: missed
    assert "kpi-light-green" in complaints.split('class="kpi-previous"')[1]  # November: 0 %
    assert "0%" in complaints.split('class="kpi-previous"')[1]
    assert "<svg" in complaints and "polyline" in complaints  # twelve months, two with data
    assert "period=2026-12" in complaints and "item=HOT-1" in complaints  # the drill-down link
    resolution = _row(html, "tickets.resolution_rate")
    assert "75%" in resolution and "kpi-light-green" in resolution  # 75 % ≥ 50 %: met
    assert 'data-metric=""' in html and "kpi-light" not in _row(html, "")  # judged by hand
    assert f"{reverse('tickets:list')}?item={item.pk}" in html
    assert f"{reverse('routines:list')}?item={item.pk}" in html


def test_a_month_without_tickets_is_grey_not_green(personas):
    item = _hotline(personas, "投诉率≤10%")
    with frozen_time(NOW):
        html = client_for(personas.mia).get(reverse("catalog:item", args=[item.pk])).text
    row = _row(html, "tickets.complaint_rate")
    assert "kpi-light-grey" in row and "kpi-light-red" not in row and "kpi-light-green" not in row


def test_a_content_kpi_is_measured_for_its_content_or_else_for_its_item(personas):
    item = _hotline(personas)
    content = make_content(item, name="接听来电", code="HOT-1-01")
    catalog.do_update_content(
        None,
        content,
        parts=catalog.Parts(kpis=[Kpi(text="投诉率≤10%")]),
        expected_version=content.version,
        source="test",
    )
    for n in range(2):
        make_ticket(
            personas.alice,
            item,
            content=content,
            title=f"来电{n}",
            type="complaint" if n == 0 else "consultation",
            now=at(12, 1),
        )
    make_ticket(personas.alice, item, title="别的内容", now=at(12, 1))

    with frozen_time(NOW):
        html = client_for(personas.mia).get(reverse("catalog:item", args=[item.pk])).text

    row = _row(html, "tickets.complaint_rate")
    metric = registry.get("tickets.complaint_rate")
    assert metric is not None
    if "content" in metric.dimensions:
        assert "50%" in row and "content=HOT-1-01" in row
    else:
        assert "33.3%" in row and "item=HOT-1" in row


def test_the_item_pages_queries_do_not_grow_with_tickets_kpis_or_content(personas):
    item = _hotline(personas, "投诉率≤10%", "工单解决率≥50%")
    url = reverse("catalog:item", args=[item.pk])

    def count() -> int:
        with frozen_time(NOW):
            client = client_for(personas.mia)
            client.get(url)  # sessions, caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    _tickets(personas, item, created=at(12, 2), complaints=2, resolved=3, total=8)
    _tickets(personas, item, created=at(6, 2), complaints=1, total=5)
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(
            kpis=[Kpi(text=t) for t in ("投诉率≤10%", "工单解决率≥50%", "首次响应及时率≥98%")]
        ),
        expected_version=item.version,
        source="test",
    )
    for n in range(3):
        content = make_content(item, name=f"内容{n}")
        catalog.do_update_content(
            None,
            content,
            parts=catalog.Parts(kpis=[Kpi(text="投诉率≤10%")]),
            expected_version=content.version,
            source="test",
        )
    many = count()
    # One more content group (six evaluations of its families) and nothing per KPI or ticket.
    assert many <= few + 6 * 4 + 3, (few, many)
    assert many <= 120, many


def test_the_tree_shows_one_light_per_item_from_one_batch(personas):
    red = _hotline(personas, "投诉率≤10%", "工单解决率≥50%")
    green = make_item(personas.alice, name="上门巡检", code="VISIT-1")
    catalog.do_update_item(
        None,
        green,
        parts=catalog.Parts(kpis=[Kpi(text="投诉率≤50%")]),
        expected_version=green.version,
        source="test",
    )
    make_item(personas.alice, name="咨询服务", code="ASK-1")  # no KPI measured
    _tickets(personas, red, created=at(12, 2), complaints=2, resolved=3)
    _tickets(personas, green, created=at(12, 2), complaints=1)

    with frozen_time(NOW):
        html = client_for(personas.mia).get(reverse("catalog:tree")).text

    by_item = {}
    for code in ("HOT-1", "VISIT-1", "ASK-1"):
        after = html[html.index(f">{code}</a>") :]
        by_item[code] = after.split('tree-kpi">', 1)[1].split("</td>", 1)[0]
    assert "kpi-light-red" in by_item["HOT-1"] and "1/2" in by_item["HOT-1"]
    assert "kpi-light-green" in by_item["VISIT-1"] and "1/1" in by_item["VISIT-1"]
    assert "kpi-light" not in by_item["ASK-1"]
