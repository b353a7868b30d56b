"""Categories through the API: a flat list that is easy to turn into a tree."""

from opsbook.catalog.testing import make_category

from .api_helpers import api_as, error_fields


def test_categories_list_parents_before_children_with_their_paths(personas):
    root = make_category("客户服务")
    make_category("热线", parent=root)
    make_category("技术支持")
    body = api_as(personas.vera).get("/catalog/categories").json()
    assert [(c["name"], c["parent_id"], c["path"]) for c in body] == [
        ("客户服务", None, ["客户服务"]),
        ("热线", root.pk, ["客户服务", "热线"]),
        ("技术支持", None, ["技术支持"]),
    ]


def test_a_manager_creates_a_category_under_another(personas):
    root = make_category("客户服务")
    response = api_as(personas.mia).post(
        "/catalog/categories", {"name": "热线", "parent_id": root.pk}
    )
    assert response.status_code == 201
    assert response.json()["path"] == ["客户服务", "热线"]


def test_an_unknown_parent_is_a_422_on_parent_id(personas):
    response = api_as(personas.mia).post("/catalog/categories", {"name": "热线", "parent_id": 9999})
    assert error_fields(response) == {"parent_id"}


def test_a_category_cannot_move_under_its_own_child(personas):
    root = make_category("客户服务")
    child = make_category("热线", parent=root)
    response = api_as(personas.mia).patch(f"/catalog/categories/{root.pk}", {"parent_id": child.pk})
    assert error_fields(response) == {"parent_id"}


def test_patching_a_category_renames_it_and_null_parent_moves_it_to_the_top(personas):
    root = make_category("客户服务")
    child = make_category("热线", parent=root)
    api = api_as(personas.mia)
    body = api.patch(
        f"/catalog/categories/{child.pk}", {"name": "热线电话", "parent_id": None}
    ).json()
    assert body["path"] == ["热线电话"]
    assert api.get(f"/catalog/categories/{child.pk}").json()["parent_id"] is None


def test_two_top_level_categories_cannot_share_a_name(personas):
    make_category("客户服务")
    response = api_as(personas.mia).post("/catalog/categories", {"name": "客户服务"})
    assert response.status_code == 422
