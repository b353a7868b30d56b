"""The routine-work pages: the list (filters, quick views, query count), one occurrence
(complete, skip, reopen with their refusals), on-demand work, evidence downloads, coverage on
the item page, and who gets a 404 or a 403."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.routines.choices import OccurrenceStatus, Source
from opsbook.routines.models import Evidence, Occurrence
from opsbook.routines.services import do_complete_occurrence
from opsbook.sops.services import do_start_run
from opsbook.sops.testing import make_procedure
from opsbook.tickets.tests.factories import make_ticket

from . import ui_helpers
from .ui_helpers import NOW, TODAY, make_occurrence, png

media, scene = ui_helpers.media, ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def client_for(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def detail_url(occurrence) -> str:
    return reverse("routines:occurrence", args=[occurrence.pk])


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_what_the_user_may_see_with_a_late_badge(scene, personas):
    late = make_occurrence(scene.content, assignee=personas.alice, due_on=TODAY - timedelta(days=1))
    make_occurrence(scene.other_content, assignee=personas.charlie)
    page = client_for(personas.alice).get(reverse("routines:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="occurrence-row"') == 1
    assert f'data-id="{late.pk}"' in body
    assert ">late<" in body


def test_the_list_filters_by_late_and_missed(scene, personas):
    late = make_occurrence(scene.content, assignee=personas.alice, due_on=TODAY - timedelta(days=1))
    make_occurrence(scene.content, assignee=personas.alice, index=2, due_on=TODAY + timedelta(1))
    missed = make_occurrence(
        scene.content, assignee=personas.alice, index=3, status=OccurrenceStatus.MISSED
    )
    client = client_for(personas.mia)
    body = client.get(reverse("routines:list"), {"status": "late"}).content.decode()
    assert body.count('class="occurrence-row"') == 1 and f'data-id="{late.pk}"' in body
    body = client.get(reverse("routines:list"), {"status": "missed"}).content.decode()
    assert body.count('class="occurrence-row"') == 1 and f'data-id="{missed.pk}"' in body


def test_scope_mine_and_team_for_a_manager(scene, personas):
    make_occurrence(scene.content, assignee=personas.mia)
    make_occurrence(scene.content, assignee=personas.alice, index=2)
    client = client_for(personas.mia)
    body = client.get(reverse("routines:list"), {"scope": "mine"}).content.decode()
    assert body.count('class="occurrence-row"') == 1
    body = client.get(reverse("routines:list"), {"scope": "all"}).content.decode()
    assert body.count('class="occurrence-row"') == 2


def test_filters_it_does_not_understand_are_named_and_left_out(scene, personas):
    page = client_for(personas.mia).get(
        reverse("routines:list"), {"status": "bogus", "due_from": "2026-13-01", "item": "x"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "“bogus” is not a status." in body
    assert "is not a day" in body
    assert "is not an id" in body


def test_quick_views_show_counts(scene, personas):
    make_occurrence(scene.content, assignee=personas.alice, due_on=TODAY - timedelta(days=1))
    make_occurrence(scene.content, assignee=personas.alice, index=2)
    body = client_for(personas.alice).get(reverse("routines:list")).content.decode()
    assert 'data-view="mine_open"' in body
    assert 'data-view="mine_late"' in body


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_rows(
    scene, personas, django_assert_max_num_queries
):
    client = client_for(personas.mia)
    for index in range(3):
        make_occurrence(scene.content, assignee=personas.alice, index=index + 1)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("routines:list"))
    for index in range(3, 30):
        make_occurrence(scene.content, assignee=personas.bob, index=index + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("routines:list"))


def test_htmx_gets_the_results_only(scene, personas):
    make_occurrence(scene.content, assignee=personas.alice)
    page = client_for(personas.mia).get(reverse("routines:list"), headers={"HX-Request": "true"})
    body = page.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "quick-views" not in body


# --- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["routines:list", "routines:coverage", "routines:new", "routines:occurrence"]
)
def test_customers_get_404_everywhere(scene, personas, name):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    args = [occurrence.pk] if name == "routines:occurrence" else []
    assert client_for(personas.dana).get(reverse(name, args=args)).status_code == 404


def test_an_outsider_agent_gets_404_for_someone_elses_work(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    client = client_for(personas.charlie)
    assert client.get(detail_url(occurrence)).status_code == 404
    url = reverse("routines:complete", args=[occurrence.pk])
    assert client.post(url, {"note": "x"}).status_code == 404
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_a_viewer_reads_without_forms_and_cannot_complete(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    client = client_for(personas.vera)
    page = client.get(detail_url(occurrence))
    assert page.status_code == 200
    assert b'id="complete-form"' not in page.content
    response = client.post(reverse("routines:complete", args=[occurrence.pk]), {"note": "x"})
    assert response.status_code == 403
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_a_teammate_who_does_not_own_it_sees_it_without_forms_and_gets_403(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    client = client_for(personas.bob)
    page = client.get(detail_url(occurrence))
    assert page.status_code == 200 and b'id="complete-form"' not in page.content
    response = client.post(reverse("routines:skip", args=[occurrence.pk]), {"reason": "x"})
    assert response.status_code == 403


def test_signed_out_people_go_to_the_login_page(scene, personas):
    response = Client().get(reverse("routines:list"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- one occurrence ---------------------------------------------------------------------------


def test_the_page_shows_content_period_due_owners_and_forms(scene, personas):
    occurrence = make_occurrence(
        scene.content, assignee=personas.alice, owners=[personas.alice, personas.bob]
    )
    body = client_for(personas.alice).get(detail_url(occurrence)).content.decode()
    assert "巡检机房" in body and "机房巡检" in body
    assert "2026-03-01 – 2026-03-31" in body
    assert "2026-03-11 18:00" in body
    assert "张三, 李四" in body
    assert 'id="complete-form"' in body and 'id="skip-form"' in body


def test_completing_with_evidence_then_downloading_it(scene, personas, media):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    client = client_for(personas.alice)
    response = client.post(
        reverse("routines:complete", args=[occurrence.pk]),
        {"note": "温度正常", "link": "https://example.com/r/1", "files": [png()]},
    )
    assert response.status_code == 302
    page = client.get(detail_url(occurrence)).content.decode()
    assert "温度正常" in page and "https://example.com/r/1" in page
    evidence = Evidence.objects.get()
    download = client.get(reverse("routines:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        client_for(personas.charlie)
        .get(reverse("routines:evidence", args=[evidence.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(personas.dana).get(reverse("routines:evidence", args=[evidence.pk])).status_code
        == 404
    )


def test_a_javascript_link_comes_back_with_the_message(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    response = client_for(personas.alice).post(
        reverse("routines:complete", args=[occurrence.pk]),
        {"note": "x", "link": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    assert "starting with http:// or https://" in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_a_file_too_large_comes_back_with_the_message(scene, personas, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    response = client_for(personas.alice).post(
        reverse("routines:complete", args=[occurrence.pk]), {"files": [png(size=4096)]}
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Evidence.objects.exists()


def test_skipping_without_a_reason_comes_back_with_the_message(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    response = client_for(personas.alice).post(
        reverse("routines:skip", args=[occurrence.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert "Say why this work is skipped." in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_completing_work_already_done_says_so(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    client = client_for(personas.mia)
    do_complete_occurrence(personas.alice, occurrence, now=NOW)
    response = client.post(reverse("routines:complete", args=[occurrence.pk]), {"note": "again"})
    assert response.status_code == 400
    assert "This work was already completed." in response.content.decode()


def test_a_manager_reopens_from_the_page(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    do_complete_occurrence(personas.alice, occurrence, now=NOW)
    client = client_for(personas.mia)
    assert b'id="reopen-form"' in client.get(detail_url(occurrence)).content
    response = client.post(reverse("routines:reopen", args=[occurrence.pk]), {"reason": "错了"})
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
    history = client.get(detail_url(occurrence)).content.decode()
    assert "错了" in history


def test_reassigning_from_the_page(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    response = client_for(personas.alice).post(
        reverse("routines:reassign", args=[occurrence.pk]), {"assignee": personas.bob.pk}
    )
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.assignee == personas.bob


# --- on-demand work ---------------------------------------------------------------------------


def test_creating_on_demand_work_from_the_item_page(scene, personas):
    client = client_for(personas.alice)
    item_page = client.get(reverse("catalog:item", args=[scene.item.pk])).content.decode()
    assert f"{reverse('routines:new')}?item={scene.item.pk}" in item_page
    form = client.get(reverse("routines:new"), {"item": scene.item.pk}).content.decode()
    assert "上门维修" in form and "检查交换机" not in form
    response = client.post(
        reverse("routines:new"),
        {"item": scene.item.pk, "content": scene.on_demand.pk, "due_on": "2026-03-12"},
    )
    assert response.status_code == 302
    occurrence = Occurrence.objects.get()
    assert response["Location"] == detail_url(occurrence)
    assert occurrence.source == Source.MANUAL and occurrence.assignee == personas.alice


def test_creating_work_from_a_ticket(scene, personas):
    ticket = make_ticket(personas.alice, scene.item)
    client = client_for(personas.alice)
    ticket_page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f"{reverse('routines:new')}?ticket={ticket.pk}" in ticket_page
    response = client.post(
        reverse("routines:new"),
        {"ticket": ticket.pk, "content": scene.on_demand.pk, "due_on": "2026-03-11"},
    )
    assert response.status_code == 302
    assert Occurrence.objects.get().ticket == ticket


def test_creating_for_content_of_another_item_than_the_tickets_is_refused(scene, personas):
    ticket = make_ticket(personas.alice, scene.item)
    response = client_for(personas.mia).post(
        reverse("routines:new"),
        {"ticket": ticket.pk, "content": scene.other_content.pk, "due_on": "2026-03-11"},
    )
    assert response.status_code == 400
    assert not Occurrence.objects.exists()


def test_a_past_due_day_comes_back_with_the_message(scene, personas):
    response = client_for(personas.mia).post(
        reverse("routines:new"), {"content": scene.on_demand.pk, "due_on": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "The due day cannot be in the past." in response.content.decode()


def test_a_viewer_gets_403_on_the_create_page(scene, personas):
    assert client_for(personas.vera).get(reverse("routines:new")).status_code == 403


def test_a_ticket_outside_the_users_scope_is_a_404(scene, personas):
    ticket = make_ticket(personas.mia, scene.other_item, team=personas.tech_team)
    response = client_for(personas.alice).get(reverse("routines:new"), {"ticket": ticket.pk})
    assert response.status_code == 404


# --- coverage ---------------------------------------------------------------------------------


def test_the_item_page_loads_its_coverage_and_counts_link_to_the_rows(scene, personas):
    make_occurrence(scene.content, assignee=personas.alice, due_on=TODAY - timedelta(days=1))
    make_occurrence(
        scene.content,
        assignee=personas.alice,
        index=2,
        status=OccurrenceStatus.DONE,
        completed_at=NOW,
        due_on=TODAY + timedelta(days=1),
    )
    client = client_for(personas.mia)
    item_page = client.get(reverse("catalog:item", args=[scene.item.pk])).content.decode()
    assert f"{reverse('routines:coverage')}?item={scene.item.pk}" in item_page
    part = client.get(
        reverse("routines:coverage"), {"item": scene.item.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert part.lstrip().startswith('<div id="coverage">')
    assert "2026-03-01" in part and "2026-03-31" in part
    assert 'data-measure="planned">2<' in part
    assert 'data-measure="done_on_time">1<' in part
    assert 'data-measure="late">1 late<' in part
    # per content and per owner by default
    assert 'id="coverage-by-content"' in part and 'id="coverage-by-owner"' in part
    assert "张三" in part
    # the "late" count opens exactly the late row
    href = part.split('data-measure="late"')[0].rsplit('href="', 1)[1].split('"')[0]
    rows = client.get(href.replace("&amp;", "&")).content.decode()
    assert rows.count('class="occurrence-row"') == 1


def test_coverage_per_owner_and_another_month(scene, personas):
    make_occurrence(scene.content, assignee=personas.alice)
    client = client_for(personas.mia)
    body = client.get(
        reverse("routines:coverage"), {"by": "owner", "month": "2026-03"}
    ).content.decode()
    assert "张三" in body
    body = client.get(reverse("routines:coverage"), {"month": "2026-02"}).content.decode()
    assert "No work was due in this period." in body


def test_a_bad_period_is_named(scene, personas):
    body = (
        client_for(personas.mia)
        .get(reverse("routines:coverage"), {"month": "2026-99", "by": "nobody"})
        .content.decode()
    )
    assert "is not a month" in body and "Group by content, owner or item." in body


def test_the_pages_speak_chinese_by_default(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    client = Client()
    client.force_login(personas.alice)
    body = client.get(reverse("routines:list")).content.decode()
    assert "例行工作" in body and "我的待办工作" in body
    body = client.get(detail_url(occurrence)).content.decode()
    assert "标记为完成" in body and "本次跳过" in body


def test_the_procedures_checklist_shows_on_the_page(scene, personas):
    procedure = make_procedure()
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    occurrence.sop_run = do_start_run(procedure, calendar=None, now=NOW)
    occurrence.save(update_fields=["sop_run"])
    body = client_for(personas.alice).get(detail_url(occurrence)).content.decode()
    assert "受理登记" in body and "回访确认" in body
    assert "3 steps are not done yet." in body
    # completing without a note is refused, with the reason
    response = client_for(personas.alice).post(reverse("routines:complete", args=[occurrence.pk]))
    assert response.status_code == 400
    assert "3 steps of the procedure are not done" in response.content.decode()


def test_on_demand_content_has_its_own_new_work_link_on_the_item_page(scene, personas):
    client = client_for(personas.alice)
    page = client.get(reverse("catalog:item", args=[scene.item.pk])).content.decode()
    assert f"{reverse('routines:new')}?content={scene.on_demand.pk}" in page
    assert f"{reverse('routines:new')}?content={scene.content.pk}" not in page  # recurring
    form = client.get(reverse("routines:new"), {"content": scene.on_demand.pk}).content.decode()
    assert f'<option value="{scene.on_demand.pk}" selected>' in form
