"""The procedure pages: list, detail with version history, create and edit (managers), steps
reordered through the formset, deactivating; customers find nothing."""

import pytest
from django.urls import reverse

from opsbook.catalog.testing import make_content, make_item
from opsbook.sops import services
from opsbook.sops.models import Procedure
from opsbook.sops.testing import make_procedure, step

from .helpers import client_for

pytestmark = pytest.mark.django_db


def step_rows(rows, extra=0):
    """POST data for the steps formset: ``rows`` are dicts of a step's fields."""
    data = {
        "steps-TOTAL_FORMS": str(len(rows) + extra),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate([*rows, *({} for _ in range(extra))]):
        data |= {f"steps-{i}-{k}": v for k, v in row.items()}
        data.setdefault(f"steps-{i}-evidence", "none")  # as a browser sends the select
    return data


def test_the_list_shows_procedures_in_a_fixed_number_of_queries(
    personas, django_assert_max_num_queries
):
    item = make_item(personas.alice)
    client = client_for(personas.alice)
    make_procedure("流程0", items=[item], contents=[make_content(item, name="内容0")])
    client.get(reverse("sops:list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("sops:list"))
    for n in range(1, 8):
        make_procedure(f"流程{n}", items=[item], contents=[make_content(item, name=f"内容{n}")])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sops:list"))

    assert response.status_code == 200
    assert "流程7" in response.text and "热线电话服务" in response.text
    assert 'id="new-procedure"' not in response.text  # agents do not create


def test_a_manager_creates_a_procedure_with_steps_in_the_order_given(personas):
    item = make_item(personas.alice)
    data = {
        "name": "设备报修",
        "description": "报修到修复",
        "items": [str(item.pk)],
        "ticket_types": ["incident"],
        "note": "",
    } | step_rows(
        [
            {"name": "维修", "ORDER": "2", "limit_hours": "4", "evidence": "note"},
            {
                "name": "登记",
                "ORDER": "1",
                "limit_minutes": "30",
                "responsible_role": "agent",
                "checklist": "记录型号\n\n记录位置",
            },
        ],
        extra=1,
    )

    response = client_for(personas.mia).post(reverse("sops:new"), data)

    procedure = Procedure.objects.get(name="设备报修")
    assert response.status_code == 302 and response["Location"] == reverse(
        "sops:detail", args=[procedure.pk]
    )
    steps = list(procedure.versions.latest("number").steps.all())
    assert [(s.name, s.time_limit_minutes) for s in steps] == [("登记", 30), ("维修", 240)]
    assert steps[0].checklist == ["记录型号", "记录位置"] and steps[0].responsible_role == "agent"
    assert list(procedure.items.all()) == [item]
    assert services.ticket_types_of(procedure) == ["incident"]


def test_a_form_without_steps_comes_back_with_the_error(personas):
    response = client_for(personas.mia).post(
        reverse("sops:new"), {"name": "空流程"} | step_rows([], extra=2)
    )
    assert response.status_code == 400
    assert "at least one step" in response.text
    assert not Procedure.objects.exists()


def test_editing_the_steps_makes_a_new_version_shown_in_the_history(personas):
    procedure = make_procedure("巡检流程", steps=[step("检查"), step("记录")])
    client = client_for(personas.mia)
    page = client.get(reverse("sops:edit", args=[procedure.pk]))
    assert page.status_code == 200 and 'value="检查"' in page.text

    data = {"name": "巡检流程", "note": "删除记录步骤"} | step_rows(
        [{"name": "检查", "ORDER": "1"}, {"name": "记录", "ORDER": "2", "DELETE": "on"}]
    )
    response = client.post(reverse("sops:edit", args=[procedure.pk]), data)

    assert response.status_code == 302
    detail = client.get(reverse("sops:detail", args=[procedure.pk])).text
    assert "v2" in detail and "删除记录步骤" in detail and "First version" in detail
    old = client.get(reverse("sops:version", args=[procedure.pk, 1])).text
    assert "记录" in old
    assert [s.name for s in procedure.versions.latest("number").steps.all()] == ["检查"]


def test_agents_read_but_do_not_edit_and_customers_find_nothing(personas):
    procedure = make_procedure()
    agent = client_for(personas.alice)
    assert agent.get(reverse("sops:detail", args=[procedure.pk])).status_code == 200
    assert agent.get(reverse("sops:edit", args=[procedure.pk])).status_code == 403
    assert (
        agent.post(reverse("sops:active", args=[procedure.pk]), {"active": "0"}).status_code == 403
    )
    customer = client_for(personas.dana)
    for url in (
        reverse("sops:list"),
        reverse("sops:detail", args=[procedure.pk]),
        reverse("sops:version", args=[procedure.pk, 1]),
    ):
        assert customer.get(url).status_code == 404
    assert client_for(personas.mia).get(reverse("sops:detail", args=[999999])).status_code == 404


def test_a_manager_deactivates_and_reactivates_a_procedure(personas):
    procedure = make_procedure()
    client = client_for(personas.mia)

    client.post(reverse("sops:active", args=[procedure.pk]), {"active": "0"}, follow=True)
    procedure.refresh_from_db()
    assert not procedure.is_active
    assert "投诉处理流程" not in client.get(reverse("sops:list")).text
    assert "投诉处理流程" in client.get(reverse("sops:list") + "?state=inactive").text

    client.post(reverse("sops:active", args=[procedure.pk]), {"active": "1"})
    procedure.refresh_from_db()
    assert procedure.is_active


def test_the_item_page_lists_the_procedures_attached_to_it_and_its_content(personas):
    item = make_item(personas.alice)
    content = make_content(item, name="夜间值守")
    make_procedure("整体流程", items=[item])
    make_procedure("值守流程", contents=[content])
    make_procedure("停用流程", items=[item])
    services.do_set_procedure_active(None, Procedure.objects.get(name="停用流程"), False)

    html = client_for(personas.alice).get(reverse("catalog:item", args=[item.pk])).text

    assert 'id="item-procedures"' in html
    assert "整体流程" in html and "值守流程" in html and "夜间值守" in html
    assert "停用流程" not in html


def test_a_manager_saving_over_a_newer_version_gets_a_conflict_with_the_input_kept(personas):
    procedure = make_procedure("巡检流程", steps=[step("检查")])
    client = client_for(personas.mia)
    assert 'name="based_on" value="1"' in client.get(reverse("sops:edit", args=[procedure.pk])).text
    services.do_update_procedure(personas.erin, procedure, steps=[step("检查"), step("复核")])

    data = {"name": "巡检流程", "based_on": "1"} | step_rows([{"name": "我的步骤", "ORDER": "1"}])
    response = client.post(reverse("sops:edit", args=[procedure.pk]), data)

    assert response.status_code == 409
    assert "changed by someone else" in response.text and 'value="我的步骤"' in response.text
    assert procedure.versions.count() == 2
