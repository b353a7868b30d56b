"""Workload per person and month: routine work at each content's effort estimate plus open
tickets (this month only) against capacity; overload flagged; each person sees only whom they
may plan for."""

from datetime import timedelta

import pytest
from django.urls import reverse

from opsbook.accounts.services import do_create_api_token
from opsbook.routines.choices import OccurrenceStatus
from opsbook.work.workload import Load, Month

from .scene import NOW, TODAY, build, occurrence, ticket

pytestmark = pytest.mark.django_db
PAGE = reverse("work:workload")


@pytest.fixture
def scene(personas, time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.WORKLOAD_MINUTES_PER_TICKET = 90
    s = build(personas)
    alice, bob = personas.alice, personas.bob
    alice.capacity_hours, bob.capacity_hours = 10, 2
    alice.save()
    bob.save()
    content = s["content"]
    # October: alice has the scene's four occurrences (no estimate) and three estimated ones.
    for days in (3, 4, 5):
        occurrence(content, alice, TODAY + timedelta(days=days), effort=120)
    occurrence(content, alice, TODAY + timedelta(days=6), effort=600, status="cancelled")
    occurrence(content, bob, TODAY + timedelta(days=3), effort=90, status=OccurrenceStatus.DONE)
    occurrence(content, alice, TODAY.replace(month=11, day=2), effort=30)
    return s


def loads(response) -> dict[str, Load]:
    return {load.person.username: load for load in response.context["loads"]}


def test_planned_hours_add_routine_effort_and_open_tickets_against_capacity(
    client, personas, scene
):
    client.force_login(personas.mia)

    rows = loads(client.get(PAGE))

    alice = rows["alice"]
    assert alice.occurrences == 7 and alice.unestimated == 4
    assert str(alice.routine_hours) == "6.0"  # 3 × 120 minutes; the cancelled one not counted
    assert alice.tickets == 2 and str(alice.ticket_hours) == "3.0"  # 2 open × 90 minutes
    assert str(alice.planned_hours) == "9.0" and alice.percent == 90
    assert alice.near_capacity and not alice.overloaded
    bob = rows["bob"]
    assert str(bob.planned_hours) == "3.0"  # 1.5 h done + one open ticket at 1.5 h
    assert bob.overloaded and bob.percent == 150


def test_another_month_shows_routine_work_only(client, personas, scene):
    client.force_login(personas.mia)

    rows = loads(client.get(PAGE + "?month=2026-11"))

    assert rows["alice"].occurrences == 1 and str(rows["alice"].planned_hours) == "0.5"
    assert rows["alice"].tickets == 0


def test_the_page_flags_overload_and_draws_the_chart_from_npm_assets(client, personas, scene):
    client.force_login(personas.mia)

    html = client.get(PAGE).text

    assert "vendor/echarts/echarts.min.js" in html and 'id="workload-data"' in html
    assert "超负荷" in html or "overloaded" in html
    assert "cdn" not in html.lower()


def test_a_person_without_capacity_has_no_percentage(client, personas, scene):
    personas.alice.capacity_hours = None
    personas.alice.save()
    client.force_login(personas.mia)

    alice = loads(client.get(PAGE))["alice"]

    assert alice.percent is None and not alice.overloaded


def test_an_agent_sees_only_herself_and_a_lead_her_team(client, personas, scene):
    client.force_login(personas.bob)
    assert set(loads(client.get(PAGE))) == {"bob"}

    team = personas.support_team
    team.lead = personas.alice
    team.save()
    client.force_login(personas.alice)
    assert set(loads(client.get(PAGE))) == {"alice", "bob"}
    assert client.get(PAGE + f"?team={personas.tech_team.pk}").status_code == 404


def test_a_bad_month_shows_this_month(client, personas, scene):
    client.force_login(personas.mia)

    response = client.get(PAGE + "?month=2026-13")

    assert response.context["month"] == Month(2026, 10)


def test_the_workload_costs_the_same_queries_for_few_or_many_people(
    client, personas, scene, django_assert_max_num_queries
):
    client.force_login(personas.mia)
    with django_assert_max_num_queries(12) as few:
        client.get(PAGE)
    for n in range(10):
        ticket(personas.mia, scene["item"], f"工单{n}", personas.charlie, due=NOW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {do_create_api_token(user)[1]}"}


def test_the_api_gives_the_same_numbers(client, personas, scene):
    headers = bearer(personas.mia)

    body = client.get("/api/work/workload?month=2026-10", headers=headers).json()

    alice = next(p for p in body["people"] if p["person"] == personas.alice.label)
    assert alice["planned_hours"] == "9.0" and alice["percent"] == 90
    bad = client.get("/api/work/workload?month=10-2026", headers=headers)
    assert bad.status_code == 422


def test_the_api_refuses_customers(client, personas):
    response = client.get("/api/work/workload", headers=bearer(personas.dana))

    assert response.status_code == 403


def test_months_step_over_the_year_end():
    assert str(Month(2026, 12).next) == "2027-01" and str(Month(2027, 1).previous) == "2026-12"
    assert Month(2024, 2).last.day == 29
    with pytest.raises(ValueError):
        Month.parse("2026-1-1")
