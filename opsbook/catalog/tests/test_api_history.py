"""The audit trail over the API: an item's history, and the whole trail for managers."""

from datetime import timedelta

from django.utils import timezone

from opsbook.audit.models import AuditEntry
from opsbook.catalog.testing import make_content

from .api_helpers import api_as, item_for


def test_an_items_history_shows_each_change_with_before_and_after(personas):
    item = item_for(personas.alice, code="SVC-1", name="热线")
    api = api_as(personas.mia)
    api.patch(
        f"/catalog/items/{item.pk}",
        {"name": "热线电话", "owners": [{"user": "mia", "primary": True}]},
    )
    history = api_as(personas.vera).get(f"/catalog/items/{item.pk}/history").json()
    assert history["count"] == 2
    latest = history["items"][0]
    assert latest["action"] == "update"
    assert latest["actor"] == "米娅"
    assert latest["actor_id"] == personas.mia.pk
    assert latest["source"] == "api"
    assert latest["object_type"] == "catalog.serviceitem"
    assert latest["object_id"] == str(item.pk)
    assert latest["changes"]["name"] == ["热线", "热线电话"]
    assert latest["changes"]["owners"] == [["张三 (primary)"], ["米娅 (primary)"]]
    assert history["items"][1]["action"] == "create"


def test_an_items_history_includes_its_content(personas):
    item = item_for(code="SVC-1")
    content = make_content(item, frequency_text="")
    api_as(personas.mia).patch(f"/catalog/contents/{content.pk}", {"notes": "新备注"})
    entries = api_as(personas.vera).get(f"/catalog/items/{item.pk}/history").json()["items"]
    assert [(e["object_type"], e["action"]) for e in entries] == [
        ("catalog.servicecontent", "update"),
        ("catalog.servicecontent", "create"),
        ("catalog.serviceitem", "create"),
    ]
    assert entries[0]["changes"] == {"notes": ["", "新备注"]}


def test_another_items_history_is_not_mixed_in(personas):
    one, two = item_for(code="SVC-1"), item_for(code="SVC-2")
    api_as(personas.mia).patch(f"/catalog/items/{two.pk}", {"notes": "x"})
    entries = api_as(personas.vera).get(f"/catalog/items/{one.pk}/history").json()["items"]
    assert {e["object_id"] for e in entries} == {str(one.pk)}


def test_the_audit_trail_filters_by_object_and_time(personas):
    one, two = item_for(code="SVC-1"), item_for(code="SVC-2")
    AuditEntry.objects.filter(object_id=str(one.pk)).update(at=timezone.now() - timedelta(days=3))
    api = api_as(personas.mia)
    everything = api.get("/audit").json()
    assert everything["count"] == 2
    only_two = api.get("/audit", object_type="catalog.serviceitem", object_id=str(two.pk)).json()
    assert [e["object_id"] for e in only_two["items"]] == [str(two.pk)]
    recent = api.get("/audit", since=(timezone.now() - timedelta(days=1)).isoformat()).json()
    assert [e["object_id"] for e in recent["items"]] == [str(two.pk)]
    assert api.get("/audit", object_type="tickets.ticket").json()["count"] == 0
