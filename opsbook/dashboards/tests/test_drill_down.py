"""The drill-down lists the rows behind a figure: its count is the figure (a count, or a rate's
numerator and denominator), staff who do not see the organisation see their own rows and are
told so, and bad links get a clear message."""

import re

import pytest

from opsbook.metrics import engine, periods

from . import scene

pytestmark = pytest.mark.django_db

NOVEMBER = periods.parse(scene.PERIOD)


def total(response) -> int:
    found = re.search(rb'id="drill-total" data-total="(\d+)"', response.content)
    assert found, response.content[:2000]
    return int(found.group(1))


def figure(key, at, **kw):
    return engine.evaluate([key], NOVEMBER, now=at, **kw).figures[key]


@pytest.mark.parametrize(
    "key",
    ["tickets.created", "tickets.resolved", "tickets.backlog", "sla.response.breached"],
)
def test_the_count_of_rows_equals_a_count(board, at_now, client, personas, key):
    client.force_login(personas.mia)
    response = client.get(engine.drill_url(key, NOVEMBER))
    assert response.status_code == 200
    expected = figure(key, at_now).value
    assert expected
    assert total(response) == expected


@pytest.mark.parametrize(
    "key", ["sla.response.met_rate", "tickets.resolution_rate", "csat.satisfied_share"]
)
def test_a_rates_rows_are_its_numerator_and_its_denominator(board, at_now, client, personas, key):
    client.force_login(personas.mia)
    fig = figure(key, at_now)
    assert fig.denominator
    numerator = client.get(engine.drill_url(key, NOVEMBER))
    denominator = client.get(engine.drill_url(key, NOVEMBER, part="denominator"))
    assert total(numerator) == fig.numerator
    assert total(denominator) == fig.denominator
    assert b'id="drill-other-part"' in numerator.content


def test_a_median_lists_the_tickets_it_is_taken_over(board, at_now, client, personas):
    client.force_login(personas.mia)
    fig = figure("tickets.first_response.median", at_now)
    response = client.get(engine.drill_url("tickets.first_response.median", NOVEMBER))
    assert total(response) == fig.count == 4


def test_a_scoped_figure_lists_only_its_scope(board, at_now, client, personas):
    client.force_login(personas.mia)
    scope = {"item": "B01"}
    fig = figure("tickets.created", at_now, scope=scope)
    response = client.get(engine.drill_url("tickets.created", NOVEMBER, scope=scope))
    assert total(response) == fig.value == 2
    assert "机房温度高" in response.text and "打印机卡纸" not in response.text
    assert "B01" in response.text


def test_the_rows_link_to_their_tickets(board, at_now, client, personas):
    client.force_login(personas.mia)
    ticket = board.tickets["UPS告警"]
    response = client.get(engine.drill_url("tickets.created", NOVEMBER))
    assert f'href="/tickets/{ticket.pk}/"' in response.text


def test_an_agent_sees_their_own_rows_and_is_told_the_figure_counts_more(
    board, at_now, client, personas
):
    client.force_login(personas.charlie)  # 技术支持部: B01's two tickets are his
    response = client.get(engine.drill_url("tickets.created", NOVEMBER))
    assert response.status_code == 200
    assert total(response) == 2
    assert 'id="drill-restricted"' in response.text
    note = re.search(r'id="drill-restricted">(.*?)</div>', response.text, re.S)
    assert note and "5" in note.group(1)
    assert "打印机卡纸" not in response.text


def test_a_manager_sees_no_restriction_note(board, at_now, client, personas):
    client.force_login(personas.vera)  # viewers see the organisation
    response = client.get(engine.drill_url("tickets.created", NOVEMBER))
    assert total(response) == 5
    assert 'id="drill-restricted"' not in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("metric=nope&period=2026-11", "Unknown metric"),
        ("metric=tickets.created&period=2026-13", "Not a period"),
        ("metric=tickets.created&period=2026-11&part=all", "Part is"),
        ("metric=tickets.created&period=2026-11&scope=planet:mars", "Not a scope"),
        ("metric=routines.coverage&period=2026-11&channel=phone", "cannot be cut by"),
    ],
)
def test_a_bad_link_says_what_is_wrong(board, at_now, client, personas, query, message):
    client.force_login(personas.mia)
    response = client.get(f"/dashboards/drill/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'id="drill-error"' in response.text
    assert message in response.text


def test_customers_and_strangers_cannot_open_the_staff_drill_down(board, at_now, client, personas):
    url = engine.drill_url("tickets.created", NOVEMBER)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(personas.dana)
    assert client.get(url).status_code == 404


def test_the_drill_down_pages_through_its_rows(board, at_now, client, personas, monkeypatch):
    from opsbook.dashboards import drill

    monkeypatch.setattr(drill, "PER_PAGE", 2)
    client.force_login(personas.mia)
    url = engine.drill_url("tickets.created", NOVEMBER)
    first = client.get(url)
    third = client.get(url + "&page=3")
    assert total(first) == total(third) == 5
    assert first.text.count("<tr>") - 1 == 2 and third.text.count("<tr>") - 1 == 1
