"""'My work': one list of what needs a person, most urgent first, with counts per quick view;
team leads and managers see their teams' work; nobody sees work outside their scope."""

import pytest
from django.urls import reverse

from opsbook.accounts.models import Team
from opsbook.core import clock
from opsbook.work import mywork
from opsbook.work.mywork import Scope, View

from .scene import NOW, build

pytestmark = pytest.mark.django_db
MINE = reverse("work:mine")


@pytest.fixture
def scene(personas, time_machine):
    time_machine.move_to(NOW, tick=False)
    return build(personas)


def titles(response) -> list[str]:
    return [e.title for e in response.context["work"].entries]


def test_an_agent_sees_her_tickets_routines_steps_and_follow_ups_most_urgent_first(
    client, personas, scene
):
    client.force_login(personas.alice)

    response = client.get(MINE)

    t = scene
    assert titles(response) == [
        "巡检机房",  # the occurrence due yesterday at 18:00
        f"#{t['t_alice_late'].pk} 网络中断",  # due at 08:00 today: overdue by two hours
        "1. 确认故障现象",  # the SOP step due in 30 minutes
        f"#{t['t_alice'].pk} 打印机卡纸",  # due in three hours
        "巡检机房",  # due today at 18:00
        f"#{t['t_alice_done'].pk} 已解决",  # the follow-up visit due in two days
    ]
    text = response.text
    assert "同事的工单" not in text and "别队的工单" not in text


def test_the_quick_views_count_and_filter(client, personas, scene):
    client.force_login(personas.alice)

    counts = {v["value"]: v["count"] for v in client.get(MINE).context["views"]}
    assert counts == {
        "all": 6,
        "overdue": 2,
        "today": 3,
        "ticket": 2,
        "occurrence": 2,
        "step": 1,
        "follow_up": 1,
    }
    overdue = client.get(MINE + "?view=overdue")
    assert len(titles(overdue)) == 2
    assert all(e.overdue for e in overdue.context["work"].entries)
    only_steps = client.get(MINE + "?view=step")
    assert titles(only_steps) == ["1. 确认故障现象"]


def test_an_unknown_view_shows_everything(client, personas, scene):
    client.force_login(personas.alice)

    assert len(titles(client.get(MINE + "?view=<script>"))) == 6


def test_an_agent_who_leads_no_team_cannot_see_the_team_view(client, personas, scene):
    client.force_login(personas.bob)

    response = client.get(MINE + "?scope=team")

    assert response.context["scope"] == "mine"
    assert titles(response) == [f"#{scene['t_bob'].pk} 同事的工单", "巡检机房"]


def test_a_team_lead_sees_her_teams_work_and_not_another_teams(client, personas, scene):
    team = personas.support_team
    team.lead = personas.alice
    team.save()
    client.force_login(personas.alice)

    response = client.get(MINE + f"?scope=team&team={team.pk}")

    shown = set(titles(response))
    assert f"#{scene['t_bob'].pk} 同事的工单" in shown
    assert f"#{scene['t_charlie'].pk} 别队的工单" not in shown
    other = personas.tech_team
    assert client.get(MINE + f"?scope=team&team={other.pk}").status_code == 404


def test_a_manager_sees_every_team(client, personas, scene):
    client.force_login(personas.mia)

    shown = set(titles(client.get(MINE + "?scope=team")))

    assert {f"#{scene['t_bob'].pk} 同事的工单", f"#{scene['t_charlie'].pk} 别队的工单"} <= shown


@pytest.mark.parametrize("path", [MINE, reverse("work:count"), reverse("work:workload")])
def test_customers_do_not_have_work_pages(client, personas, path):
    client.force_login(personas.dana)

    assert client.get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(MINE)

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_navigation_badge_counts_my_work(client, personas, scene):
    client.force_login(personas.alice)

    badge = client.get(reverse("work:count")).text

    assert ">6<" in badge and "text-bg-danger" in badge


def test_the_navigation_badge_is_loaded_after_the_page(client, personas):
    client.force_login(personas.alice)

    page = client.get(reverse("catalog:tree")).text

    assert f'hx-get="{reverse("work:count")}"' in page


def test_the_list_costs_the_same_queries_for_two_or_twenty_tickets(
    client, personas, scene, django_assert_max_num_queries
):
    from .scene import ticket

    client.force_login(personas.alice)
    with django_assert_max_num_queries(14) as few:
        client.get(MINE)
    for n in range(18):
        ticket(personas.alice, scene["item"], f"工单{n}", personas.alice, due=NOW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(MINE)
    assert response.context["views"][0]["count"] == 24


def test_work_reads_the_clock_it_is_given(personas, scene):
    later = mywork.counts(Scope.of(personas.alice), NOW.replace(day=12))

    # Three days on, everything is past due: both tickets, three occurrences (the one due on the
    # 10th now shows), the step and the follow-up due on the 11th.
    assert later.overdue == later.total == 7
    assert mywork.counts(Scope.of(personas.alice), clock.now()).overdue == 2


def test_a_deleted_holder_leaves_no_orphan_step(personas, scene):
    scene["t_alice"].delete()

    work = mywork.work(Scope.of(personas.alice), NOW, View.STEP)

    assert work.entries == []
    assert Team.objects.exists()
