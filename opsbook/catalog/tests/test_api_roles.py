"""Who may do what through the API; the same rules as the web pages (opsbook/catalog/access.py)."""

import pytest

from opsbook.catalog.testing import make_content

from .api_helpers import api_as, item_for


@pytest.fixture
def world(personas):
    """An item alice owns (with content she owns) and one charlie's team owns."""
    alices = item_for(personas.alice, code="SVC-A", name="热线电话服务")
    content = make_content(alices, personas.alice, code="SVC-A-01", frequency_text="")
    charlies = item_for(personas.charlie, code="SVC-C", name="现场巡检")
    return alices, content, charlies


NEW_ITEM = {"name": "新服务", "category_id": None}


def new_item(category_id):
    return {**NEW_ITEM, "category_id": category_id}


@pytest.mark.parametrize("name", ["erin", "mia", "alice", "charlie", "vera"])
def test_every_staff_role_reads_the_checklist(personas, world, name):
    api = api_as(getattr(personas, name))
    alices, content, _ = world
    assert api.get("/catalog/items").json()["count"] == 2
    assert api.get(f"/catalog/items/{alices.pk}").status_code == 200
    assert api.get(f"/catalog/contents/{content.pk}").status_code == 200
    assert api.get("/catalog/categories").status_code == 200


@pytest.mark.parametrize("name", ["dana", "carl"])
@pytest.mark.parametrize(
    "path",
    [
        "/catalog/items",
        "/catalog/items/{item}",
        "/catalog/items/by-code/SVC-A",
        "/catalog/items/{item}/history",
        "/catalog/items/{item}/standards",
        "/catalog/contents",
        "/catalog/contents/{content}",
        "/catalog/categories",
        "/catalog/frequency?text=每日",
    ],
)
def test_customer_contacts_are_refused_the_whole_checklist(personas, world, name, path):
    alices, content, _ = world
    response = api_as(getattr(personas, name)).get(path.format(item=alices.pk, content=content.pk))
    assert response.status_code == 403
    assert "SVC-A" not in response.content.decode()


def test_a_customer_contact_gets_the_same_403_for_an_item_that_does_not_exist(personas, world):
    api = api_as(personas.dana)
    assert api.get("/catalog/items/999999").status_code == 403
    assert api.post(f"/catalog/items/{world[0].pk}/retire").status_code == 403


def test_a_viewer_cannot_write_anything(personas, world):
    alices, content, _ = world
    api = api_as(personas.vera)
    assert api.post("/catalog/items", new_item(alices.category_id)).status_code == 403
    assert api.patch(f"/catalog/items/{alices.pk}", {"name": "改名"}).status_code == 403
    assert api.post(f"/catalog/items/{alices.pk}/retire").status_code == 403
    assert api.post(f"/catalog/items/{alices.pk}/contents", {"name": "新内容"}).status_code == 403
    assert api.patch(f"/catalog/contents/{content.pk}", {"name": "改名"}).status_code == 403
    assert api.post(f"/catalog/contents/{content.pk}/retire").status_code == 403
    assert api.post("/catalog/categories", {"name": "新分类"}).status_code == 403
    alices.refresh_from_db()
    assert alices.name == "热线电话服务"


def test_an_agent_edits_the_item_they_own(personas, world):
    alices, _, _ = world
    response = api_as(personas.alice).patch(f"/catalog/items/{alices.pk}", {"notes": "周末加班"})
    assert response.status_code == 200
    assert response.json()["notes"] == "周末加班"


def test_a_teammate_may_not_edit_an_item_a_colleague_owns_in_person(personas, world):
    alices, _, _ = world
    assert (
        api_as(personas.bob).patch(f"/catalog/items/{alices.pk}", {"notes": "x"}).status_code == 403
    )


def test_a_teammate_edits_an_item_their_team_owns(personas):
    item = item_for(None, code="SVC-T")
    owners = [{"team": personas.support_team.pk, "primary": True}]
    response = api_as(personas.mia).patch(f"/catalog/items/{item.pk}", {"owners": owners})
    assert response.status_code == 200
    assert (
        api_as(personas.bob).patch(f"/catalog/items/{item.pk}", {"notes": "x"}).status_code == 200
    )
    assert (
        api_as(personas.charlie).patch(f"/catalog/items/{item.pk}", {"notes": "y"}).status_code
        == 403
    )


def test_an_agent_cannot_edit_someone_elses_item(personas, world):
    _, _, charlies = world
    response = api_as(personas.alice).patch(f"/catalog/items/{charlies.pk}", {"name": "抢过来"})
    assert response.status_code == 403
    charlies.refresh_from_db()
    assert charlies.name == "现场巡检"


def test_an_agent_edits_content_they_own_but_not_retire_it(personas, world):
    _, content, _ = world
    api = api_as(personas.alice)
    assert api.patch(f"/catalog/contents/{content.pk}", {"notes": "已更新"}).status_code == 200
    assert api.post(f"/catalog/contents/{content.pk}/retire").status_code == 403
    assert api.patch(f"/catalog/contents/{content.pk}", {"status": "retired"}).status_code == 403


def test_an_agent_cannot_create_items_or_retire_their_own(personas, world):
    alices, _, _ = world
    api = api_as(personas.alice)
    assert api.post("/catalog/items", new_item(alices.category_id)).status_code == 403
    assert api.post(f"/catalog/items/{alices.pk}/retire").status_code == 403
    assert api.patch(f"/catalog/items/{alices.pk}", {"status": "retired"}).status_code == 403
    alices.refresh_from_db()
    assert alices.status == "active"


@pytest.mark.parametrize("name", ["erin", "mia"])
def test_managers_and_admins_change_anything(personas, world, name):
    alices, content, charlies = world
    api = api_as(getattr(personas, name))
    assert api.post("/catalog/items", new_item(alices.category_id)).status_code == 201
    assert api.patch(f"/catalog/items/{charlies.pk}", {"notes": "ok"}).status_code == 200
    assert api.patch(f"/catalog/contents/{content.pk}", {"notes": "ok"}).status_code == 200
    assert api.post(f"/catalog/items/{alices.pk}/contents", {"name": "新内容"}).status_code == 201
    assert api.post(f"/catalog/items/{charlies.pk}/retire").status_code == 200
    assert api.post("/catalog/categories", {"name": "新分类"}).status_code == 201


def test_the_audit_trail_is_for_managers_and_admins(personas, world):
    assert api_as(personas.mia).get("/audit").status_code == 200
    assert api_as(personas.erin).get("/audit").status_code == 200
    for name in ["alice", "vera", "dana"]:
        assert api_as(getattr(personas, name)).get("/audit").status_code == 403


def test_an_unknown_item_is_404_for_staff(personas):
    api = api_as(personas.mia)
    assert api.get("/catalog/items/999999").status_code == 404
    assert api.get("/catalog/items/by-code/NOPE").status_code == 404
    assert api.patch("/catalog/items/999999", {"name": "x"}).status_code == 404
    assert api.get("/catalog/contents/999999").status_code == 404
    assert api.get("/catalog/categories/999999").status_code == 404
