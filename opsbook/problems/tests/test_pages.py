"""The problem and action pages as people use them, and who may open which."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.catalog.testing import make_item
from opsbook.problems import services
from opsbook.problems.choices import ActionStatus, Effect, ProblemStatus
from opsbook.problems.models import ActionEffect, Problem
from opsbook.tickets.choices import TicketType

from .factories import NOW, at, ticket

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scene(personas):
    item = make_item(name="校园网络服务", code="NET01")
    mine = ticket(at(2026, 11, 2), item=item, team=personas.support_team, title="宿舍无线掉线")
    other = ticket(at(2026, 11, 3), item=item, team=personas.tech_team, title="机房告警")
    problem = services.do_create_problem(
        personas.mia, title="宿舍区无线信号弱", tickets=[mine, other], owner=personas.alice, now=NOW
    )
    action = services.do_create_action(
        personas.mia,
        problem=problem,
        title="更换老旧AP",
        owner=personas.alice,
        due=date(2026, 11, 20),
        status=ActionStatus.IN_PROGRESS,
        now=NOW,
    )
    return {"item": item, "mine": mine, "other": other, "problem": problem, "action": action}


def test_customers_never_see_problem_pages(personas, scene):
    client = client_for(personas.dana)
    for url in (
        reverse("problems:list"),
        reverse("problems:new"),
        reverse("problems:detail", args=[scene["problem"].pk]),
        reverse("problems:actions"),
        reverse("problems:action_detail", args=[scene["action"].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_viewer_reads_but_cannot_raise(personas, scene):
    client = client_for(personas.vera)
    page = client.get(reverse("problems:list"))
    assert page.status_code == 200 and "宿舍区无线信号弱" in page.text
    assert client.get(reverse("problems:new")).status_code == 403
    detail = client.get(reverse("problems:detail", args=[scene["problem"].pk]))
    assert 'id="problem-edit"' not in detail.text


def test_unknown_ids_are_404(personas):
    client = client_for(personas.mia)
    assert client.get(reverse("problems:detail", args=[999])).status_code == 404
    assert client.get(reverse("problems:action_detail", args=[999])).status_code == 404


def test_raising_a_problem_from_the_ticket_page(personas, scene):
    client = client_for(personas.alice)
    ticket_page = client.get(reverse("tickets:detail", args=[scene["mine"].pk]))
    link = f"{reverse('problems:new')}?tickets={scene['mine'].pk}"
    assert link in ticket_page.text
    # Only the tickets Alice can see are pre-linked.
    form = client.get(f"{reverse('problems:new')}?tickets={scene['mine'].pk},{scene['other'].pk}")
    assert "宿舍无线掉线" in form.text and "机房告警" not in form.text
    response = client.post(
        reverse("problems:new"),
        {"title": "宿舍无线掉线反复", "tickets": str(scene["mine"].pk)},
    )
    problem = Problem.objects.get(title="宿舍无线掉线反复")
    assert response.status_code == 302
    assert response["Location"] == reverse("problems:detail", args=[problem.pk])
    assert list(problem.tickets.all()) == [scene["mine"]]


def test_linking_a_ticket_one_cannot_see_is_refused(personas, scene):
    client = client_for(personas.alice)
    response = client.post(
        reverse("problems:new"), {"title": "越权", "tickets": str(scene["other"].pk)}
    )
    assert response.status_code == 200
    assert not Problem.objects.filter(title="越权").exists()


def test_raising_from_a_ticket_list_selection(personas, scene):
    client = client_for(personas.alice)
    listing = client.get(reverse("tickets:list"))
    assert 'id="raise-problem-selected"' in listing.text
    response = client.post(
        reverse("problems:new"), {"prefill": "1", "tickets": [scene["mine"].pk], "action": ""}
    )
    assert response.status_code == 200
    assert 'id="prelinked"' in response.text and "宿舍无线掉线" in response.text
    assert Problem.objects.count() == 1  # nothing created yet


def test_the_problem_page_shows_tickets_frequency_and_actions(personas, scene):
    client = client_for(personas.alice)
    page = client.get(reverse("problems:detail", args=[scene["problem"].pk]))
    assert page.status_code == 200
    assert "宿舍无线掉线" in page.text and "机房告警" not in page.text  # only visible tickets
    assert 'data-period="2026-11" data-count="2"' in page.text
    assert "更换老旧AP" in page.text
    assert 'id="problem-edit"' in page.text  # Alice owns it


def test_saving_the_five_whys(personas, scene):
    problem = scene["problem"]
    client = client_for(personas.alice)
    response = client.post(
        reverse("problems:edit", args=[problem.pk]),
        {
            "version": problem.version,
            "title": problem.title,
            "status": ProblemStatus.KNOWN_ERROR,
            "why_1": "信号弱",
            "why_2": "AP老化",
            "why_3": "未纳入更新计划",
            "root_cause": "设备更新计划缺失",
            "cause_category": "process",
            "owner": personas.alice.pk,
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.whys == ["信号弱", "AP老化", "未纳入更新计划"]
    assert problem.status == ProblemStatus.KNOWN_ERROR
    stale = client.post(
        reverse("problems:edit", args=[problem.pk]),
        {
            "version": 1,
            "title": "旧版本",
            "status": ProblemStatus.KNOWN_ERROR,
            "root_cause": "x",
            "owner": personas.alice.pk,
        },
    )
    assert stale.status_code == 400
    problem.refresh_from_db()
    assert problem.title == "宿舍区无线信号弱"


def test_another_agent_cannot_edit(personas, scene):
    client = client_for(personas.bob)
    response = client.post(
        reverse("problems:edit", args=[scene["problem"].pk]),
        {"version": 1, "title": "x", "status": "open"},
    )
    assert response.status_code == 403


def test_adding_an_action_and_its_effect_history(personas, scene):
    client = client_for(personas.mia)
    response = client.post(
        reverse("problems:action_new", args=[scene["problem"].pk]),
        {"title": "加装AP", "status": ActionStatus.PLANNED, "owner": personas.bob.pk},
    )
    assert response.status_code == 302
    ActionEffect.objects.create(
        action=scene["action"], period="2026-11", value=3, verdict=Effect.IMPROVED
    )
    page = client.get(reverse("problems:action_detail", args=[scene["action"].pk]))
    assert 'data-period="2026-11"' in page.text


def test_the_action_list_puts_overdue_first(personas, scene):
    services.do_create_action(personas.mia, title="以后再说", due=date(2099, 1, 1), now=NOW)
    client = client_for(personas.alice)
    page = client.get(reverse("problems:actions"))
    assert page.text.index("更换老旧AP") < page.text.index("以后再说")
    mine = client.get(reverse("problems:actions") + "?mine=1")
    assert "以后再说" not in mine.text


def test_list_filters(personas, scene):
    client = client_for(personas.mia)
    assert "宿舍区无线信号弱" not in client.get(reverse("problems:list") + "?status=closed").text
    assert "宿舍区无线信号弱" in client.get(reverse("problems:list") + "?status=open").text


def test_complaint_tickets_mark_the_problem(personas, scene):
    complaint = ticket(at(2026, 11, 5), item=scene["item"], type=TicketType.COMPLAINT)
    services.do_create_problem(personas.mia, title="投诉", tickets=[complaint], now=NOW)
    page = client_for(personas.mia).get(reverse("problems:list"))
    assert page.status_code == 200
    assert page.text.count("text-bg-warning") == 1  # the complaint badge on its row


def test_the_lists_do_not_grow_queries_with_rows(personas, scene, django_assert_max_num_queries):
    client = client_for(personas.mia)
    client.get(reverse("problems:list"))  # warm the session
    for n in range(8):
        p = services.do_create_problem(personas.mia, title=f"问题{n}", owner=personas.bob, now=NOW)
        services.do_create_action(personas.mia, problem=p, title=f"措施{n}", now=NOW)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("problems:list")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("problems:actions")).status_code == 200
