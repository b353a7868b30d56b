"""POST /api/catalog/import with create_owners and map_owner: owners who are not users yet."""

from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.accounts.models import User
from opsbook.catalog.models import Ownership

from .api_helpers import api_as, error_fields

CSV = "一级分类,服务项目,服务内容,责任人\n客户服务,热线,接听,王工\n客户服务,热线,回访,李师傅\n"


def csv_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("清单.csv", CSV.encode(), content_type="text/csv")


def test_unknown_owners_are_a_422_listing_each_name_with_its_rows(personas):
    response = api_as(personas.mia).upload("/catalog/import", {"file": csv_file()})

    assert response.status_code == 422
    body = response.json()
    assert [(o["name"], o["rows"], o["choice"]) for o in body["owner_names"]] == [
        ("王工", [2], ""),
        ("李师傅", [3], ""),
    ]


def test_create_owners_and_map_owner_import_the_file(personas):
    api = api_as(personas.mia)
    personas.bob  # noqa: B018

    response = api.upload(
        "/catalog/import",
        {"file": csv_file()},
        {"create_owners": "true", "map_owner": ["王工=bob"]},
    )

    assert response.status_code == 200, response.json()
    (created,) = response.json()["created_owners"]
    assert created["name"] == "李师傅"
    assert User.objects.get(pk=created["id"]).display_name == "李师傅"
    assert Ownership.objects.get(content__name="接听").user == personas.bob
    users = User.objects.count()
    again = api.upload(
        "/catalog/import",
        {"file": csv_file()},
        {"create_owners": "true", "map_owner": ["王工=bob"]},
    )
    assert again.status_code == 200 and again.json()["created_owners"] == []
    assert User.objects.count() == users


def test_a_bad_mapping_is_a_422_naming_the_field(personas):
    response = api_as(personas.mia).upload(
        "/catalog/import", {"file": csv_file()}, {"map_owner": ["王工=nobody"]}
    )

    assert error_fields(response) == {"map_owner"}
    assert User.objects.filter(display_name="王工").count() == 0


def test_agents_cannot_create_owners_through_the_api(personas):
    response = api_as(personas.alice).upload(
        "/catalog/import", {"file": csv_file()}, {"create_owners": "true"}
    )

    assert response.status_code == 403
    assert not User.objects.filter(display_name="王工").exists()
