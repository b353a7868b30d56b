"""The follow-ups page and the ticket page's owed visit: scoped like tickets (an outsider does
not see another team's visits, customers see none), filters, and a flat number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from opsbook.tickets import services
from opsbook.tickets.models import FollowUpTask
from opsbook.tickets.tests.factories import make_ticket
from opsbook.tickets.tests.views_helpers import client_for

from .followup_helpers import DUE, OPENED, RESOLVED, complaint, scene

pytestmark = pytest.mark.django_db
URL = reverse("tickets:follow_ups")


@pytest.fixture
def owed(personas, time_machine):
    """One complaint of alice's team, resolved and owing a visit; the clock a day later."""
    item = scene(personas)
    ticket = complaint(personas, item, title="投诉：客服态度")
    services.resolve(personas.alice, ticket, now=RESOLVED)
    time_machine.move_to(RESOLVED + timedelta(days=1), tick=False)
    return FollowUpTask.objects.get(ticket=ticket)


def rows(response):
    return response.text.count('class="follow-up-task"')


def test_a_manager_sees_every_open_visit_with_a_link_to_the_visit_form(personas, owed):
    page = client_for(personas.mia).get(URL)

    assert page.status_code == 200 and rows(page) == 1
    assert "投诉：客服态度" in page.text
    assert reverse("tickets:detail", args=[owed.ticket_id]) + "#complaint-panel" in page.text
    assert "2026-10-10 18:00" in page.text  # shown in the reader's time zone (Shanghai)


def test_the_owner_and_their_team_see_it(personas, owed):
    assert rows(client_for(personas.alice).get(URL)) == 1
    assert rows(client_for(personas.bob).get(URL + "?owner=me")) == 0
    assert rows(client_for(personas.alice).get(URL + "?owner=me")) == 1


def test_an_outsider_does_not_see_another_teams_visits(personas, owed):
    page = client_for(personas.charlie).get(URL)

    assert page.status_code == 200 and rows(page) == 0
    assert "投诉：客服态度" not in page.text


def test_a_customer_never_reaches_the_page(personas, owed):
    assert client_for(personas.dana).get(URL).status_code == 404
    assert client_for().get(URL).status_code == 302  # to the login page


def test_overdue_visits_carry_a_badge_and_have_their_own_filter(personas, owed, time_machine):
    assert rows(client_for(personas.mia).get(URL + "?state=overdue")) == 0

    time_machine.move_to(DUE + timedelta(hours=1), tick=False)
    page = client_for(personas.mia).get(URL + "?state=overdue")

    assert rows(page) == 1 and "overdue</span>" in page.text


def test_done_visits_leave_the_open_list(personas, owed):
    services.do_add_follow_up(
        personas.alice,
        owed.ticket,
        method="phone",
        outcome="已回访",
        now=RESOLVED + timedelta(hours=3),
    )

    assert rows(client_for(personas.mia).get(URL)) == 0
    assert rows(client_for(personas.mia).get(URL + "?state=done")) == 1


@pytest.mark.parametrize(
    "query", ["state=nonsense", "owner=999999", "owner=<script>", "reason=x", "page=-1"]
)
def test_bad_filters_are_refused_calmly(personas, owed, query):
    page = client_for(personas.mia).get(f"{URL}?{query}")

    assert page.status_code == 200
    assert "<script>" not in page.text


def test_the_list_reads_a_fixed_number_of_queries(personas, owed, django_assert_max_num_queries):
    item = owed.ticket.item
    for n in range(15):
        ticket = make_ticket(personas.mia, item, title=f"投诉{n}", type="complaint", now=OPENED)
        services.resolve(personas.alice, ticket, now=RESOLVED)

    client = client_for(personas.mia)
    with django_assert_max_num_queries(10):
        page = client.get(URL)
    assert rows(page) == 16


def test_the_ticket_page_shows_the_owed_visit_and_its_due_time(personas, owed):
    page = client_for(personas.alice).get(reverse("tickets:detail", args=[owed.ticket_id]))

    assert f'id="owed-follow-up-{owed.pk}"' in page.text
    assert "2026-10-10 18:00" in page.text
    assert 'id="follow-up-form"' in page.text


def test_the_portal_page_shows_no_owed_visit(personas, owed):
    page = client_for(personas.dana).get(reverse("portal:ticket", args=[owed.ticket_id]))

    assert page.status_code == 200 and "owed-follow-up" not in page.text
