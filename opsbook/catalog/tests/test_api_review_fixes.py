"""Behaviour settled in review: who may add content through the API, and how exports are sent."""

from opsbook.catalog.models import ServiceContent

from .api_helpers import api_as, item_for


def test_an_agent_adds_content_to_an_item_they_own_as_in_the_web_ui(personas):
    item = item_for(personas.alice, code="OWN-1")

    response = api_as(personas.alice).post(
        f"/catalog/items/{item.pk}/contents", {"name": "登记来电", "frequency_text": "每日"}
    )

    assert response.status_code == 201, response.content
    assert ServiceContent.objects.filter(item=item, name="登记来电").exists()


def test_an_agent_cannot_add_content_to_someone_elses_item(personas):
    item = item_for(personas.charlie, code="OTHER-1")

    response = api_as(personas.alice).post(
        f"/catalog/items/{item.pk}/contents", {"name": "登记来电"}
    )

    assert response.status_code == 403
    assert not ServiceContent.objects.filter(item=item).exists()


def test_the_export_is_never_cached(personas):
    item_for(personas.alice, code="EXP-1")

    response = api_as(personas.mia).get("/catalog/export")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
