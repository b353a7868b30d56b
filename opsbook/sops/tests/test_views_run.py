"""A run's own page: the checklist in a fixed number of queries however many steps it has."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from opsbook.sops import services
from opsbook.sops.testing import make_procedure, step

from .helpers import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


def run_of(personas, name, count):
    steps = [
        step(f"步骤{n}", responsible_user=personas.alice, checklist=["甲", "乙"])
        for n in range(count)
    ]
    run = services.do_start_run(make_procedure(name, steps=steps), calendar=None, now=NOW)
    first = run.step_runs.order_by("step__position")[0]
    services.do_complete_step(personas.mia, first, note="好", checked=[0, 1], now=NOW)
    return run


def test_the_checklist_costs_the_same_queries_for_3_or_30_steps(
    personas, django_assert_max_num_queries
):
    small, large = run_of(personas, "小", 3), run_of(personas, "大", 30)
    client = client_for(personas.alice)
    client.get(reverse("sops:run", args=[small.pk]))

    with django_assert_max_num_queries(40) as few:
        response = client.get(reverse("sops:run", args=[small.pk]))
    assert response.status_code == 200 and "步骤2" in response.text

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sops:run", args=[large.pk]))
    assert "步骤29" in response.text and "1 of 30 steps done" in response.text


def test_the_responsible_person_sees_a_run_held_by_nobody_else_hides_it(personas):
    run = run_of(personas, "小", 3)
    assert client_for(personas.alice).get(reverse("sops:run", args=[run.pk])).status_code == 200
    assert client_for(personas.bob).get(reverse("sops:run", args=[run.pk])).status_code == 404
