"""Script typed into any ticket field renders as text on every staff page and fragment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.accounts.models import Customer
from opsbook.tickets import services
from opsbook.tickets.models import SavedFilter

from . import views_helpers
from .views_helpers import client_for, ticket_for

world, media = views_helpers.world, views_helpers.media  # fixtures
pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg/onload=alert(3)>",
    "javascript:alert(4)",
]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<svg/onload" not in html
    assert 'href="javascript:' not in html


@pytest.fixture
def hostile(personas, world, media):
    payload = " ".join(PAYLOADS)
    customer = Customer.objects.create(code="evil", name=f"客户{PAYLOADS[0]}")
    ticket = ticket_for(
        personas,
        world,
        title=payload,
        description=f"{PAYLOADS[0]}\n{PAYLOADS[1]}",
        customer=customer,
        requester_name=PAYLOADS[1],
        tags=[PAYLOADS[2]],
    )
    upload = SimpleUploadedFile(f"{PAYLOADS[1]}.txt", b"hello", content_type="text/plain")
    services.do_reply(personas.alice, ticket, f"{PAYLOADS[0]}\n第二行", files=[upload])
    services.do_add_note(personas.alice, ticket, PAYLOADS[3])
    services.do_update_ticket(
        personas.alice, ticket, expected_version=None, root_cause=PAYLOADS[0], type="complaint"
    )
    services.do_add_follow_up(personas.alice, ticket, method="phone", outcome=PAYLOADS[1])
    return ticket


def test_the_list_shows_hostile_text_as_text(personas, hostile):
    html = client_for(personas.mia).get(reverse("tickets:list")).text

    assert_inert(html)
    assert ESCAPED in html


def test_the_ticket_page_shows_hostile_text_as_text(personas, hostile):
    html = client_for(personas.alice).get(reverse("tickets:detail", args=[hostile.pk])).text

    assert_inert(html)
    assert f"{ESCAPED}<br>第二行" in html  # line breaks added after escaping
    assert "&lt;svg/onload=alert(3)&gt;" in html  # the tag
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;.txt" in html  # the file name


def test_autocomplete_fragments_escape_names(personas, hostile):
    html = client_for(personas.alice).get(reverse("tickets:autocomplete_customers")).text

    assert_inert(html)
    assert f"客户{ESCAPED}" in html


def test_a_hostile_search_and_saved_filter_name_are_shown_as_text(personas, hostile):
    SavedFilter.objects.create(owner=personas.mia, name=PAYLOADS[0], query="")
    client = client_for(personas.mia)

    html = client.get(reverse("tickets:list"), {"q": PAYLOADS[1], "status": PAYLOADS[0]}).text

    assert_inert(html)
    assert ESCAPED in html
