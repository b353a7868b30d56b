"""Service content through the API: created inside an item, changed and retired on its own."""

from opsbook.catalog.testing import make_content

from .api_helpers import api_as, error_fields, item_for


def test_a_manager_adds_content_to_an_item_with_its_own_owners_and_standards(personas):
    item = item_for(personas.alice, code="SVC-1")
    response = api_as(personas.mia).post(
        f"/catalog/items/{item.pk}/contents",
        {
            "name": "接听来电",
            "owners": [{"user": "alice", "primary": True}],
            "standards": [{"channel": "phone", "response_minutes": 1}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "SVC-1-01"
    assert body["item"] == {"id": item.pk, "code": "SVC-1", "name": item.name}
    assert [o["username"] for o in body["owners"]] == ["alice"]
    assert body["standards"][0]["content_id"] == body["id"]
    # The item's own owners are untouched by the content's.
    item_body = api_as(personas.vera).get(f"/catalog/items/{item.pk}").json()
    assert [o["username"] for o in item_body["owners"]] == ["alice"]
    assert item_body["standards"] == []


def test_content_for_an_unknown_item_is_404(personas):
    response = api_as(personas.mia).post("/catalog/items/999999/contents", {"name": "x"})
    assert response.status_code == 404


def test_content_names_are_unique_within_an_item(personas):
    item = item_for(code="SVC-1")
    make_content(item, name="接听来电", frequency_text="")
    response = api_as(personas.mia).post(f"/catalog/items/{item.pk}/contents", {"name": "接听来电"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload"]


def test_content_patch_uses_its_own_version(personas):
    item = item_for(code="SVC-1")
    content = make_content(item, frequency_text="")
    api = api_as(personas.mia)
    assert (
        api.patch(f"/catalog/contents/{content.pk}", {"notes": "a", "version": 1}).status_code
        == 200
    )
    stale = api.patch(f"/catalog/contents/{content.pk}", {"notes": "b", "version": 1})
    assert stale.status_code == 409
    assert api.get(f"/catalog/contents/{content.pk}").json()["notes"] == "a"


def test_content_dates_are_checked_like_items(personas):
    content = make_content(item_for(code="SVC-1"), frequency_text="", start_date="2025-05-01")
    response = api_as(personas.mia).patch(
        f"/catalog/contents/{content.pk}", {"end_date": "2025-04-30"}
    )
    assert error_fields(response) == {"end_date"}


def test_retiring_content_leaves_the_item_alone(personas):
    item = item_for(code="SVC-1")
    content = make_content(item, frequency_text="")
    body = api_as(personas.mia).post(f"/catalog/contents/{content.pk}/retire").json()
    assert body["status"] == "retired"
    item.refresh_from_db()
    assert item.status == "active"
