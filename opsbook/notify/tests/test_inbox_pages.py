"""The inbox pages: one's own notifications, newest first, unread marked, paged, filtered;
mark read one by one or all at once; open an entry; the unread badge on the navigation."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from opsbook.notify.context_processors import inbox
from opsbook.notify.models import Notification

from .inbox_helpers import NOW, make_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, personas):
    client.force_login(personas.alice)
    return client


def test_the_inbox_lists_my_entries_newest_first_with_the_unread_marked(alice, personas):
    old, new = make_entries(personas.alice, 2)
    Notification.objects.filter(pk=old.pk).update(read_at=NOW)
    make_entries(personas.bob, 1, title="李四的通知")
    page = alice.get(reverse("notify:inbox")).text
    assert page.index(new.title) < page.index(old.title)
    assert "李四的通知" not in page
    assert (
        f'id="entry-{new.pk}"' in page
        and "inbox-unread" in page.split(f'id="entry-{new.pk}"')[0][-200:]
    )
    assert reverse("notify:read", args=[new.pk]) in page
    assert reverse("notify:read", args=[old.pk]) not in page


def test_the_unread_filter_and_the_pages(alice, personas):
    entries = make_entries(personas.alice, 30)
    Notification.objects.filter(pk__in=[e.pk for e in entries[:10]]).update(read_at=NOW)
    first = alice.get(reverse("notify:inbox")).text
    assert "Page 1 of 2" in first or "第 1 页" in first
    assert entries[29].title in first and entries[0].title not in first
    second = alice.get(reverse("notify:inbox"), {"page": 2}).text
    assert entries[0].title in second
    unread = alice.get(reverse("notify:inbox"), {"unread": "on"}).text
    assert entries[10].title in unread and entries[9].title not in unread


def test_the_list_runs_a_bounded_number_of_queries(alice, personas, django_assert_max_num_queries):
    make_entries(personas.alice, 60)
    with django_assert_max_num_queries(10):
        response = alice.get(reverse("notify:inbox"))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        alice.get(reverse("notify:inbox"), {"unread": "on", "page": 2})


def test_htmx_asks_for_the_results_only(alice, personas):
    make_entries(personas.alice, 1)
    fragment = alice.get(reverse("notify:inbox"), headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment


def test_marking_one_read_with_htmx_answers_the_row_and_the_badge(alice, personas):
    entry, other = make_entries(personas.alice, 2)
    response = alice.post(reverse("notify:read", args=[entry.pk]), headers={"HX-Request": "true"})
    entry.refresh_from_db()
    assert entry.read_at is not None
    assert f'id="entry-{entry.pk}"' in response.text
    assert 'id="nav-unread"' in response.text and 'hx-swap-oob="true"' in response.text
    assert ">1<" in response.text  # one left unread
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_read_without_htmx_goes_back_to_the_list_as_it_was(alice, personas):
    (entry,) = make_entries(personas.alice, 1)
    response = alice.post(reverse("notify:read", args=[entry.pk]), {"unread": "on", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notify:inbox") + "?unread=on&page=2"


def test_reading_twice_keeps_the_first_moment(alice, personas, time_machine):
    (entry,) = make_entries(personas.alice, 1)
    time_machine.move_to(NOW, tick=False)
    alice.post(reverse("notify:read", args=[entry.pk]))
    time_machine.move_to(NOW.replace(hour=5), tick=False)
    alice.post(reverse("notify:read", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.read_at == NOW


def test_mark_all_read_marks_only_mine(alice, personas):
    make_entries(personas.alice, 3)
    (bobs,) = make_entries(personas.bob, 1)
    response = alice.post(reverse("notify:read_all"), headers={"HX-Request": "true"})
    assert 'id="results"' in response.text and 'id="nav-unread"' in response.text
    assert not Notification.objects.filter(user=personas.alice, read_at__isnull=True).exists()
    bobs.refresh_from_db()
    assert bobs.read_at is None
    assert alice.post(reverse("notify:read_all")).status_code == 302


def test_mark_read_needs_a_post(alice, personas):
    (entry,) = make_entries(personas.alice, 1)
    assert alice.get(reverse("notify:read", args=[entry.pk])).status_code == 405
    assert alice.get(reverse("notify:read_all")).status_code == 405


def test_opening_an_entry_marks_it_read_and_goes_to_the_thing(alice, personas):
    (entry,) = make_entries(personas.alice, 1, link="/tickets/7/")
    response = alice.get(reverse("notify:open", args=[entry.pk]))
    assert response.status_code == 302 and response["Location"] == "/tickets/7/"
    entry.refresh_from_db()
    assert entry.read_at is not None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "tickets/7/",
        "/tickets/7/\nSet-Cookie: x",
    ],
)
def test_a_link_off_this_site_is_never_followed_nor_shown(alice, personas, link):
    (entry,) = make_entries(personas.alice, 1, link=link)
    page = alice.get(reverse("notify:inbox")).text
    assert reverse("notify:open", args=[entry.pk]) not in page
    assert "evil.example" not in page
    response = alice.get(reverse("notify:open", args=[entry.pk]))
    assert response["Location"] == reverse("notify:inbox")


def test_another_persons_entry_is_404(alice, personas):
    (bobs,) = make_entries(personas.bob, 1)
    assert alice.post(reverse("notify:read", args=[bobs.pk])).status_code == 404
    assert alice.get(reverse("notify:open", args=[bobs.pk])).status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_customers_have_no_inbox_and_strangers_get_the_login_page(client, personas):
    client.force_login(personas.dana)
    assert client.get(reverse("notify:inbox")).status_code == 404
    assert client.post(reverse("notify:read_all")).status_code == 404
    assert reverse("notify:inbox") not in client.get(reverse("portal:home")).text
    client.logout()
    response = client.get(reverse("notify:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_shows_the_unread_count_capped_at_99(alice, personas):
    page = alice.get(reverse("notify:inbox")).text
    assert 'id="nav-inbox"' in page
    assert 'class="badge rounded-pill text-bg-danger ms-1 d-none"' in page
    make_entries(personas.alice, 3)
    assert '>3<span class="visually-hidden">' in alice.get(reverse("notify:inbox")).text
    make_entries(personas.alice, 120, start=NOW.replace(hour=5))
    assert '>99+<span class="visually-hidden">' in alice.get(reverse("notify:inbox")).text


def test_the_unread_badge_costs_one_query(alice, personas, django_assert_num_queries):
    make_entries(personas.alice, 150)
    request = RequestFactory().get("/")
    request.user = personas.alice
    context = inbox(request)
    with django_assert_num_queries(1):
        assert str(context["nav_unread"]) == "99+"
