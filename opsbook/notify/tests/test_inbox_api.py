"""/api/notifications/: my notifications only, paged like the other lists; mark read; count."""

import pytest

from opsbook.notify.models import Notification

from .inbox_helpers import NOW, Api, make_entries

pytestmark = pytest.mark.django_db


def test_i_list_my_notifications_newest_first_in_pages(personas, django_assert_max_num_queries):
    entries = make_entries(personas.alice, 60)
    make_entries(personas.bob, 2)
    api = Api(personas.alice)
    with django_assert_max_num_queries(8):
        body = api.get("/", limit=50).json()
    assert body["count"] == 60 and len(body["items"]) == 50
    first = body["items"][0]
    assert first["id"] == entries[-1].pk and first["unread"] is True
    assert first["link"] == "/tickets/60/" and first["event"] == "ticket_assigned"
    rest = api.get("/", limit=50, offset=50).json()
    assert [i["id"] for i in rest["items"]] == [e.pk for e in reversed(entries[:10])]


def test_the_unread_filter_and_the_count(personas):
    entries = make_entries(personas.alice, 5)
    Notification.objects.filter(pk__in=[entries[0].pk, entries[1].pk]).update(read_at=NOW)
    api = Api(personas.alice)
    assert api.get("/", unread="true").json()["count"] == 3
    assert api.get("/unread-count").json() == {"unread": 3}


def test_mark_one_and_all_read(personas):
    entries = make_entries(personas.alice, 3)
    api = Api(personas.alice)
    one = api.send("post", f"/{entries[0].pk}/read")
    assert one.status_code == 200 and one.json()["unread"] is False
    assert api.get(f"/{entries[0].pk}").json()["read_at"] is not None
    assert api.send("post", "/read-all").json() == {"marked": 2}
    assert api.get("/unread-count").json() == {"unread": 0}


def test_another_persons_notification_is_404(personas):
    (bobs,) = make_entries(personas.bob, 1)
    api = Api(personas.alice)
    assert api.get(f"/{bobs.pk}").status_code == 404
    assert api.send("post", f"/{bobs.pk}/read").status_code == 404
    assert api.get("/999999999").status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_an_unsafe_link_is_answered_empty(personas):
    make_entries(personas.alice, 1, link="https://evil.example/")
    assert Api(personas.alice).get("/").json()["items"][0]["link"] == ""


def test_customers_get_403_and_strangers_401(personas):
    response = Api(personas.dana).get("/")
    assert response.status_code == 403 and "staff" in response.json()["detail"]
    assert Api(personas.dana).get("/preferences").status_code == 403
    assert Api().get("/").status_code == 401


def test_a_bad_page_is_422(personas):
    assert Api(personas.alice).get("/", limit=501).status_code == 422
