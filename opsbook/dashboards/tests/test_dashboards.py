"""The dashboards as their people see them: the manager's overview (every built-in metric with
its target, comparison and trend, SLA by channel and by service, backlog, workload), a service
owner's own services, the executive's trends; who may open which."""

import json
import re

import pytest

from opsbook.dashboards import builders
from opsbook.metrics import engine, periods
from opsbook.metrics.models import Target

from . import scene

pytestmark = pytest.mark.django_db

NOVEMBER = periods.parse(scene.PERIOD)


def charts(response) -> dict:
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert found
    return json.loads(found.group(1))


def card_html(response, key: str) -> str:
    start = response.text.index(f'data-metric="{key}"')
    return response.text[
        start : response.text.index('<div class="col">', start)
        if '<div class="col">' in response.text[start:]
        else None
    ]


def test_the_overview_shows_every_built_in_metric_as_a_card(board, at_now, client, personas):
    client.force_login(personas.mia)
    response = client.get("/dashboards/?period=2026-11", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    for metric in builders.built_in_metrics():
        assert f'data-metric="{metric.key}"' in response.text, metric.key
    data = charts(response)
    assert set(data["sparks"]) == {m.key for m in builders.built_in_metrics()}
    assert data["sparks"]["tickets.created"]["labels"][-1] == "2026-11"
    assert data["sparks"]["tickets.created"]["values"][-2:] == [1, 5]


def test_a_card_shows_value_target_light_and_arrows(board, at_now, client, personas):
    Target.objects.create(metric="sla.response.met_rate", value="0.98")
    client.force_login(personas.mia)
    response = client.get("/dashboards/?period=2026-11", HTTP_ACCEPT_LANGUAGE="en")
    card = card_html(response, "sla.response.met_rate")
    assert "75.0 %" in card  # 3 of 4 answered in time
    assert "≥ 98.0 %" in card
    assert "text-bg-danger" in card and 'data-status="missed"' in card
    # October: 1 of 1 (100 %); the rate fell, which is bad for a rate where higher is better.
    assert 'class="text-danger vs-previous" data-tone="bad"' in card
    assert "↓" in card and "25.0 pp" in card
    created = card_html(response, "tickets.created")
    assert 'data-tone="neutral"' in created and "↑" in created  # volumes have no good way
    resolution = card_html(response, "tickets.resolution_time.median")
    assert "1 h 30 min" in resolution


def test_sla_by_channel_and_by_service_are_bars_that_drill_down(board, at_now, client, personas):
    client.force_login(personas.mia)
    response = client.get("/dashboards/?period=2026-11")
    data = charts(response)
    channel = data["channel"]
    assert set(channel["labels"]) == {"电话", "邮件"}
    assert data["service"]["labels"] and all(
        label.startswith(("A01", "B01")) for label in data["service"]["labels"]
    )
    links = data["links"]["channel"][0]
    assert all(link.startswith("/dashboards/drill/?metric=sla.response.met_rate") for link in links)
    assert any("channel=phone" in link for link in links)
    by_category = client.get("/dashboards/?period=2026-11&service=category")
    assert charts(by_category)["service"]["labels"] == ["客户服务"]


def test_the_overview_has_backlog_and_workload(board, at_now, client, personas):
    client.force_login(personas.mia)
    response = client.get("/dashboards/?period=2026-11")
    assert 'id="backlog"' in response.text
    assert 'href="/work/workload/"' in response.text


def test_the_overview_reads_the_engine_a_fixed_number_of_times(
    board, at_now, client, personas, django_assert_max_num_queries, monkeypatch
):
    calls = []
    real = engine.evaluate

    def counting(keys, period, **kw):
        calls.append(kw.get("by"))
        return real(keys, period, **kw)

    monkeypatch.setattr(engine, "evaluate", counting)
    client.force_login(personas.mia)
    client.get("/dashboards/?period=2026-11")
    assert sorted(calls, key=str) == sorted([None, "channel", "item"], key=str)


def test_agents_land_on_their_own_services(board, at_now, client, personas):
    client.force_login(personas.alice)
    response = client.get("/dashboards/?period=2026-11")
    assert response.status_code == 302 and response["Location"] == "/dashboards/mine/"
    assert client.get("/dashboards/trends/").status_code == 403


def test_a_service_owner_sees_the_items_they_own_with_their_figures(
    board, at_now, client, personas
):
    client.force_login(personas.alice)
    response = client.get("/dashboards/mine/?period=2026-11", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'data-item="A01"' in response.text and 'data-item="B01"' not in response.text
    section = response.text[response.text.index('data-item="A01"') :]
    created = section[section.index('data-metric="tickets.created"') :]
    assert re.search(r'metric-value"[^>]*>3<', created)  # A01's three November tickets
    assert "item=A01" in created


def test_someone_who_owns_nothing_is_told_so(board, at_now, client, personas):
    client.force_login(personas.bob)
    response = client.get("/dashboards/mine/")
    assert 'id="no-services"' in response.text


def test_the_executive_trends_have_twelve_months_and_target_lines(board, at_now, client, personas):
    Target.objects.create(metric="sla.resolution.met_rate", value="0.95")
    client.force_login(personas.vera)
    response = client.get("/dashboards/trends/?period=2026-11")
    assert response.status_code == 200
    trends = charts(response)["trends"]
    resolution = trends["sla.resolution.met_rate"]
    assert len(resolution["labels"]) == 12 and resolution["labels"][-1] == "2026-11"
    assert resolution["target"] == 95.0 and resolution["values"][-1] == 100.0
    assert trends["tickets.created"]["values"][-2:] == [1, 5]
    assert trends["tickets.created"]["links"][-1] == engine.drill_url("tickets.created", NOVEMBER)


def test_customers_get_404_on_staff_dashboards(board, client, personas):
    client.force_login(personas.dana)
    for url in ("/dashboards/", "/dashboards/mine/", "/dashboards/trends/"):
        assert client.get(url).status_code == 404, url


def test_the_period_picker_defaults_to_the_current_month(board, at_now, client, personas):
    client.force_login(personas.mia)
    response = client.get("/dashboards/")
    assert (
        '<span class="text-body-secondary fs-5" id="period-label">2026-12</span>' in response.text
    )
    quarter = client.get("/dashboards/?period=2026-Q4", HTTP_ACCEPT_LANGUAGE="en")
    assert "2026 Q4" in quarter.text
    ranged = client.get("/dashboards/?from=2026-11-01&to=2026-11-15")
    assert "2026-11-01 – 2026-11-15" in ranged.text
