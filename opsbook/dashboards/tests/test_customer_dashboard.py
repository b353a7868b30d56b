"""A customer contact's dashboard in the portal: their own organisation's volume, service
levels and satisfaction only. The scope is forced to their organisation: no query string can
show another organisation's figures or rows."""

import re

import pytest

from opsbook.metrics import engine, periods

from . import scene

pytestmark = pytest.mark.django_db

NOVEMBER = periods.parse(scene.PERIOD)


def total(response) -> int:
    found = re.search(r'id="drill-total" data-total="(\d+)"', response.text)
    assert found, response.text[:2000]
    return int(found.group(1))


def test_the_customer_sees_their_own_volume_sla_and_satisfaction(board, at_now, client, personas):
    client.force_login(personas.dana)
    response = client.get("/portal/dashboard/?period=2026-11", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    keys = re.findall(r'data-metric="([^"]+)"', response.text)
    assert keys == [
        "tickets.created",
        "tickets.resolved",
        "sla.response.met_rate",
        "sla.resolution.met_rate",
        "csat.average",
        "csat.satisfied_share",
    ]
    created = response.text[response.text.index('data-metric="tickets.created"') :]
    assert re.search(r'metric-value"[^>]*>3<', created)  # 星火教育's three, not all five
    assert "/dashboards/" not in response.text.replace('href="/portal/dashboard/', "")
    assert 'id="nav-portal-dashboard"' in response.text


def test_the_customers_drill_down_lists_their_tickets_only(board, at_now, client, personas):
    client.force_login(personas.dana)
    response = client.get("/portal/dashboard/drill/?metric=tickets.created&period=2026-11")
    assert response.status_code == 200
    figure = engine.evaluate(
        ["tickets.created"], NOVEMBER, scope={"customer": "xinghuo"}, now=at_now
    ).figures["tickets.created"]
    assert total(response) == figure.value == 3
    assert "机房温度高" not in response.text
    ticket = board.tickets["打印机卡纸"]
    assert f'href="/portal/tickets/{ticket.pk}/"' in response.text


@pytest.mark.parametrize(
    "extra",
    [
        "&customer=mingyuan",
        "&scope=customer:mingyuan",
        "&customer=mingyuan&customer=xinghuo",
        "&item=B01",
        "&scope=item:B01",
    ],
)
def test_a_customer_can_never_pass_another_scope(board, at_now, client, personas, extra):
    client.force_login(personas.dana)
    for path in (
        "/portal/dashboard/drill/?metric=tickets.created&period=2026-11",
        "/portal/dashboard/?period=2026-11",
    ):
        response = client.get(path + extra)
        assert response.status_code == 200
        assert "机房温度高" not in response.text and "UPS告警" not in response.text
    drill = client.get("/portal/dashboard/drill/?metric=tickets.created&period=2026-11" + extra)
    assert total(drill) == 3


def test_only_the_customer_metrics_can_be_drilled(board, at_now, client, personas):
    client.force_login(personas.dana)
    for key in ("tickets.backlog", "routines.coverage", "tickets.breached_open", "nope"):
        url = f"/portal/dashboard/drill/?metric={key}&period=2026-11"
        assert client.get(url).status_code == 404, key


def test_another_customer_sees_their_own_figures(board, at_now, client, personas):
    client.force_login(personas.carl)
    response = client.get(
        "/portal/dashboard/drill/?metric=tickets.created&period=2026-11&customer=xinghuo"
    )
    assert total(response) == 2
    assert "打印机卡纸" not in response.text


def test_staff_are_sent_to_their_own_dashboards(board, client, personas):
    client.force_login(personas.mia)
    response = client.get("/portal/dashboard/")
    assert response.status_code == 302


def test_anonymous_visitors_sign_in_first(client):
    response = client.get("/portal/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
